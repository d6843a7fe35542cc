#include "fits/fitsheader.h"

#include <fitsio.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iterator>
#include <set>

namespace cosmoclip {

namespace {

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(' ');
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

// 'It''s  ' -> It's : doubled quotes stand for one, trailing blanks are not significant (FITS 4.2.1).
std::string unquoted(const std::string& value) {
    if (value.size() < 2 || value.front() != '\'') return value;
    std::string text;
    for (size_t i = 1; i < value.size(); ++i) {
        if (value[i] == '\'') {
            if (i + 1 < value.size() && value[i + 1] == '\'') {
                text += '\'';
                ++i;
                continue;
            }
            break;
        }
        text += value[i];
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

bool isCommentary(const std::string& card) {
    if (card.compare(0, 9, "HIERARCH ") == 0) return card.find('=') == std::string::npos;
    return card.size() < 10 || card[8] != '=' || card[9] != ' ' || card.compare(0, 8, "COMMENT ") == 0 ||
           card.compare(0, 8, "HISTORY ") == 0 || card.compare(0, 8, "        ") == 0;
}

HeaderCard commentaryCard(const std::string& card) {
    HeaderCard parsed;
    parsed.key = trimmed(card.substr(0, std::min<size_t>(8, card.size())));
    std::string text = card.size() > 8 ? card.substr(8) : std::string();
    while (!text.empty() && text.back() == ' ') text.pop_back();
    if (parsed.key == "CONTINUE") {
        // A long-string continuation: its text is a quoted string with an optional comment. CFITSIO's
        // parser treats the key CONTINUE as valueless, so parse the text under a neutral key.
        const HeaderCard inner = parseHeaderCard("CONTINUX= " + (card.size() > 10 ? card.substr(10) : ""));
        parsed.value = inner.value;
        parsed.comment = inner.comment;
        return parsed;
    }
    parsed.value = text;
    return parsed;
}

const HeaderCard* findCard(const std::vector<HeaderCard>& cards, const std::string& key) {
    const auto it =
        std::find_if(cards.begin(), cards.end(), [&](const HeaderCard& c) { return c.key == key; });
    return it == cards.end() ? nullptr : &*it;
}

bool hasIndexedPrefix(const std::string& key, const std::string& prefix) {
    return key.size() > prefix.size() && key.compare(0, prefix.size(), prefix) == 0 &&
           std::all_of(key.begin() + static_cast<long>(prefix.size()), key.end(),
                       [](unsigned char c) { return std::isdigit(c); });
}

// Keywords that describe the storing table or the compression, not the image (FITS 4.0, 10.1).
bool isCompressionKeyword(const std::string& key) {
    static const std::set<std::string> exact = {"XTENSION", "BITPIX",   "NAXIS",    "PCOUNT",  "GCOUNT",
                                                "TFIELDS",  "THEAP",    "CHECKSUM", "DATASUM", "ZIMAGE",
                                                "ZCMPTYPE", "ZBITPIX",  "ZNAXIS",   "ZSIMPLE", "ZTENSION",
                                                "ZEXTEND",  "ZBLOCKED", "ZPCOUNT",  "ZGCOUNT", "ZQUANTIZ",
                                                "ZDITHER0", "ZMASKCMP", "ZBLANK",   "ZSCALE",  "ZZERO"};
    static const char* const indexed[] = {"NAXIS", "TTYPE", "TFORM",  "TUNIT", "TNULL", "TSCAL", "TZERO",
                                          "TDIM",  "TDISP", "ZNAXIS", "ZTILE", "ZNAME", "ZVAL"};
    if (exact.count(key) != 0) return true;
    return std::any_of(std::begin(indexed), std::end(indexed),
                       [&](const char* p) { return hasIndexedPrefix(key, p); });
}

// The value of `zkey` under the name `key`, or `fallback` when the table lacks it.
HeaderCard renamed(const std::vector<HeaderCard>& cards, const char* zkey, const char* key,
                   const char* fallback) {
    const HeaderCard* card = findCard(cards, zkey);
    return card != nullptr ? HeaderCard{key, card->value, card->comment} : HeaderCard{key, fallback, ""};
}

}  // namespace

std::vector<HeaderCard> uncompressedImageHeader(const std::vector<HeaderCard>& tableCards) {
    const bool primary = findCard(tableCards, "ZSIMPLE") != nullptr;
    std::vector<HeaderCard> image;
    image.push_back(primary ? renamed(tableCards, "ZSIMPLE", "SIMPLE", "T")
                            : renamed(tableCards, "ZTENSION", "XTENSION", "IMAGE"));
    image.push_back(renamed(tableCards, "ZBITPIX", "BITPIX", "0"));
    image.push_back(renamed(tableCards, "ZNAXIS", "NAXIS", "0"));
    const int naxis = static_cast<int>(std::clamp(headerNumber(tableCards, "ZNAXIS", 0.0), 0.0, 999.0));
    for (int i = 1; i <= naxis; ++i) {
        const std::string n = std::to_string(i);
        image.push_back(renamed(tableCards, ("ZNAXIS" + n).c_str(), ("NAXIS" + n).c_str(), "0"));
    }
    if (primary) {
        if (findCard(tableCards, "ZEXTEND") != nullptr)
            image.push_back(renamed(tableCards, "ZEXTEND", "EXTEND", "T"));
    } else {
        image.push_back(renamed(tableCards, "ZPCOUNT", "PCOUNT", "0"));
        image.push_back(renamed(tableCards, "ZGCOUNT", "GCOUNT", "1"));
    }
    for (const auto& card : tableCards) {
        if (card.key == "ZHECKSUM" || card.key == "ZDATASUM") {
            image.push_back({card.key == "ZHECKSUM" ? "CHECKSUM" : "DATASUM", card.value, card.comment});
        } else if (!isCompressionKeyword(card.key)) {
            image.push_back(card);
        }
    }
    return image;
}

HeaderCard parseHeaderCard(const std::string& card) {
    if (isCommentary(card)) return commentaryCard(card);
    char name[FLEN_KEYWORD] = {};
    char value[FLEN_VALUE] = {};
    char comment[FLEN_COMMENT] = {};
    int length = 0;
    int status = 0;
    std::string padded = card.substr(0, std::min<size_t>(card.size(), FLEN_CARD - 1));
    fits_get_keyname(padded.data(), name, &length, &status);  // CFITSIO's API is not const-correct
    fits_parse_value(padded.data(), value, comment, &status);
    if (status != 0) {
        // A malformed card (e.g. an unterminated string): keep its raw text rather than fail the file.
        fits_clear_errmsg();
        HeaderCard raw;
        raw.key = trimmed(padded.substr(0, 8));
        raw.value = trimmed(padded.substr(std::min<size_t>(10, padded.size())));
        return raw;
    }
    return HeaderCard{name, unquoted(trimmed(value)), trimmed(comment)};
}

std::vector<HeaderCard> parseHeaderCards(const std::vector<std::string>& cards) {
    std::vector<HeaderCard> parsed;
    parsed.reserve(cards.size());
    for (const auto& card : cards) parsed.push_back(parseHeaderCard(card));
    return parsed;
}

double headerNumber(const std::vector<HeaderCard>& cards, const std::string& key, double fallback) {
    const auto it =
        std::find_if(cards.begin(), cards.end(), [&](const HeaderCard& c) { return c.key == key; });
    if (it == cards.end() || it->value.empty()) return fallback;
    std::string text = it->value;
    std::replace(text.begin(), text.end(), 'D', 'E');
    std::replace(text.begin(), text.end(), 'd', 'e');
    char* end = nullptr;
    const double number = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size() ? number : fallback;
}

}  // namespace cosmoclip
