#include "tokenizer/htmlunescape.h"

#include <algorithm>
#include <iterator>
#include <unordered_map>

#include "tokenizer/unicodetext.h"

namespace cosmoclip::html {
namespace {

struct Entity {
    const char* name;
    const char* value;
};
struct CharrefFix {
    char32_t number;
    char32_t replacement;
};

#include "tokenizer/htmlentities.inc"

constexpr char32_t kTooLarge = 0x110000;
constexpr size_t kMaxNameLength = 32;      // Python: [^\t\n\f <&#;]{1,32}
constexpr size_t kMaxFtfyNameLength = 24;  // ftfy: &#?[0-9A-Za-z]{1,24};

using EntityMap = std::unordered_map<std::string, std::u32string>;

EntityMap buildMap(const Entity* begin, const Entity* end) {
    EntityMap map;
    for (const Entity* e = begin; e != end; ++e) map.emplace(e->name, unicode::decodeUtf8(e->value));
    return map;
}

const EntityMap& html5Entities() {
    static const EntityMap map = buildMap(std::begin(kHtml5Entities), std::end(kHtml5Entities));
    return map;
}

const EntityMap& ftfyUppercaseEntities() {
    static const EntityMap map =
        buildMap(std::begin(kFtfyUppercaseEntities), std::end(kFtfyUppercaseEntities));
    return map;
}

bool isAsciiDigit(char32_t c) {
    return c >= '0' && c <= '9';
}
bool isHexDigit(char32_t c) {
    return isAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool isAsciiAlnum(char32_t c) {
    return isAsciiDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
int hexValue(char32_t c) {
    return isAsciiDigit(c) ? int(c - '0') : int((c | 0x20) - 'a' + 10);
}

// ASCII copy of a code-point range; false if any character is outside ASCII (so no entity matches).
bool asciiKey(std::u32string_view s, std::string& key) {
    key.clear();
    for (char32_t c : s) {
        if (c >= 0x80) return false;
        key.push_back(static_cast<char>(c));
    }
    return true;
}

// Python html._replace_charref for a numeric reference.
std::u32string numericReplacement(char32_t num) {
    const auto fix = std::find_if(std::begin(kInvalidCharrefs), std::end(kInvalidCharrefs),
                                  [num](const CharrefFix& f) { return f.number == num; });
    if (fix != std::end(kInvalidCharrefs)) return std::u32string(1, fix->replacement);
    if ((num >= 0xD800 && num <= 0xDFFF) || num >= kTooLarge) return U"\uFFFD";
    if (std::binary_search(std::begin(kInvalidCodepoints), std::end(kInvalidCodepoints), num)) return {};
    return std::u32string(1, num);
}

// Matches Python's `&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)` at text[i] == '&';
// returns the length of the match (0 if none) and its replacement.
size_t matchCharref(std::u32string_view text, size_t i, std::u32string& replacement) {
    const size_t n = text.size();
    size_t j = i + 1;
    if (j < n && text[j] == '#') {
        const bool hex = j + 1 < n && (text[j + 1] == 'x' || text[j + 1] == 'X');
        size_t k = j + (hex ? 2 : 1);
        const size_t digitsStart = k;
        char32_t num = 0;
        while (k < n && (hex ? isHexDigit(text[k]) : isAsciiDigit(text[k]))) {
            const char32_t d = hex ? hexValue(text[k]) : text[k] - '0';
            num = std::min<char32_t>(kTooLarge, num * (hex ? 16 : 10) + d);
            ++k;
        }
        if (k == digitsStart) return 0;
        if (k < n && text[k] == ';') ++k;
        replacement = numericReplacement(num);
        return k - i;
    }
    size_t k = j;
    auto nameChar = [](char32_t c) {
        return c != '\t' && c != '\n' && c != '\f' && c != ' ' && c != '<' && c != '&' && c != '#' &&
               c != ';';
    };
    while (k < n && k - j < kMaxNameLength && nameChar(text[k])) ++k;
    if (k == j) return 0;
    if (k < n && text[k] == ';') ++k;
    const std::u32string_view name = text.substr(j, k - j);
    const auto& entities = html5Entities();
    std::string key;
    if (asciiKey(name, key)) {
        if (auto it = entities.find(key); it != entities.end()) {
            replacement = it->second;
            return k - i;
        }
    }
    for (size_t x = name.size() - 1; x >= 2 && x < name.size(); --x) {  // longest legacy prefix
        if (!asciiKey(name.substr(0, x), key)) continue;
        if (auto it = entities.find(key); it != entities.end()) {
            replacement = it->second;
            replacement.append(name.substr(x));
            return k - i;
        }
    }
    return 0;  // Python returns '&' + name: the text is unchanged
}

}  // namespace

std::u32string unescape(std::u32string_view text) {
    if (text.find(U'&') == std::u32string_view::npos) return std::u32string(text);
    std::u32string out;
    out.reserve(text.size());
    std::u32string replacement;
    for (size_t i = 0; i < text.size();) {
        if (text[i] == '&') {
            if (const size_t len = matchCharref(text, i, replacement)) {
                out += replacement;
                i += len;
                continue;
            }
        }
        out.push_back(text[i++]);
    }
    return out;
}

std::u32string ftfyUnescape(std::u32string_view text) {
    if (text.find(U'&') == std::u32string_view::npos) return std::u32string(text);
    std::u32string out;
    out.reserve(text.size());
    std::string key;
    for (size_t i = 0; i < text.size();) {
        if (text[i] != '&') {
            out.push_back(text[i++]);
            continue;
        }
        size_t j = i + 1;
        if (j < text.size() && text[j] == '#') ++j;
        size_t k = j;
        while (k < text.size() && isAsciiAlnum(text[k])) ++k;
        if (k == j || k - j > kMaxFtfyNameLength || k >= text.size() || text[k] != ';') {
            out.push_back(text[i++]);
            continue;
        }
        const std::u32string_view match = text.substr(i, k + 1 - i);  // "&...;"
        asciiKey(match.substr(1), key);
        if (auto it = html5Entities().find(key); it != html5Entities().end()) {
            out += it->second;
        } else if (auto up = ftfyUppercaseEntities().find(key); up != ftfyUppercaseEntities().end()) {
            out += up->second;
        } else if (match[1] == '#') {
            const std::u32string decoded = unescape(match);
            out += decoded.find(U';') == std::u32string::npos ? decoded : std::u32string(match);
        } else {
            out += match;
        }
        i = k + 1;
    }
    return out;
}

}  // namespace cosmoclip::html
