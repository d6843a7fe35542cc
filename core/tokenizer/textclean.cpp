#include "tokenizer/textclean.h"

#include <algorithm>

#include "tokenizer/htmlunescape.h"
#include "tokenizer/unicodetext.h"

namespace cosmoclip {
namespace {

constexpr size_t kFtfyMaxSegment = 1000000;  // ftfy's max_decode_length

// Windows-1252 for C1 bytes 0x80..0x9F; the five undefined ones stay (ftfy's sloppy codec).
constexpr char32_t kWindows1252[32] = {0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                       0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,   0x017D, 0x8F,
                                       0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                       0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};

std::u32string_view ligature(char32_t c) {
    switch (c) {
        case 0x132:
            return U"IJ";
        case 0x133:
            return U"ij";
        case 0x149:
            return U"\u02BCn";
        case 0x1C4:
            return U"D\u017D";
        case 0x1C5:
            return U"D\u017E";
        case 0x1C6:
            return U"d\u017E";
        case 0x1C7:
            return U"LJ";
        case 0x1C8:
            return U"Lj";
        case 0x1C9:
            return U"lj";
        case 0x1CA:
            return U"NJ";
        case 0x1CB:
            return U"Nj";
        case 0x1CC:
            return U"nj";
        case 0x1F1:
            return U"DZ";
        case 0x1F2:
            return U"Dz";
        case 0x1F3:
            return U"dz";
        case 0xFB00:
            return U"ff";
        case 0xFB01:
            return U"fi";
        case 0xFB02:
            return U"fl";
        case 0xFB03:
            return U"ffi";
        case 0xFB04:
            return U"ffl";
        case 0xFB05:
            return U"\u017Ft";
        case 0xFB06:
            return U"st";
        default:
            return {};
    }
}

bool isFtfyControl(char32_t c) {
    return c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F || (c >= 0x206A && c <= 0x206F) ||
           c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
}

char32_t uncurl(char32_t c) {
    if (c == 0x2BC || (c >= 0x2018 && c <= 0x201B)) return '\'';
    if (c >= 0x201C && c <= 0x201F) return '"';
    return c;
}

template <typename Fn>
std::u32string mapChars(const std::u32string& s, Fn fn) {
    std::u32string out;
    out.reserve(s.size());
    for (char32_t c : s) fn(c, out);
    return out;
}

// ftfy's fix_c1_controls, fix_latin_ligatures, fix_character_width and uncurl_quotes, in that order.
std::u32string fixCharacters(const std::u32string& s) {
    const std::u32string c1 = mapChars(s, [](char32_t c, std::u32string& out) {
        out.push_back(c >= 0x80 && c <= 0x9F ? kWindows1252[c - 0x80] : c);
    });
    const std::u32string lig = mapChars(c1, [](char32_t c, std::u32string& out) {
        const auto l = ligature(c);
        if (l.empty())
            out.push_back(c);
        else
            out.append(l);
    });
    const std::u32string width = mapChars(lig, [](char32_t c, std::u32string& out) {
        const auto w = unicode::standardWidth(c);
        if (w.empty())
            out.push_back(c);
        else
            out.append(w);
    });
    return mapChars(width, [](char32_t c, std::u32string& out) { out.push_back(uncurl(c)); });
}

std::u32string fixLineBreaks(const std::u32string& s) {
    std::u32string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        const char32_t c = s[i];
        if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;  // CRLF -> LF
        out.push_back(c == '\r' || c == 0x2028 || c == 0x2029 || c == 0x85 ? U'\n' : c);
    }
    return out;
}

// ftfy's ANSI_RE "\033\[((?:\d|;)*)([a-zA-Z])" removed, then its control characters removed.
std::u32string removeEscapesAndControls(const std::u32string& s) {
    std::u32string noEscapes;
    noEscapes.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == 0x1B && i + 1 < s.size() && s[i + 1] == '[') {
            size_t k = i + 2;
            while (k < s.size() && (s[k] == ';' || unicode::isDecimalDigit(s[k]))) ++k;
            if (k < s.size() && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z'))) {
                i = k;
                continue;
            }
        }
        noEscapes.push_back(s[i]);
    }
    std::erase_if(noEscapes, isFtfyControl);
    return noEscapes;
}

std::u32string fixSegment(std::u32string text, bool unescapeHtml) {
    while (true) {
        std::u32string t = unescapeHtml ? html::ftfyUnescape(text) : text;
        t = fixCharacters(t);
        t = fixLineBreaks(t);
        t = removeEscapesAndControls(t);
        t = unicode::toNfc(t);
        if (t == text) return t;
        text = std::move(t);
    }
}

std::u32string_view strip(std::u32string_view s) {
    while (!s.empty() && unicode::isPythonSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && unicode::isPythonSpace(s.back())) s.remove_suffix(1);
    return s;
}

// re.sub(r'\s+', ' ', text).strip()
std::u32string collapseWhitespace(std::u32string_view s) {
    std::u32string out;
    out.reserve(s.size());
    bool inSpace = false;
    for (char32_t c : s) {
        if (unicode::isRegexSpace(c)) {
            if (!inSpace) out.push_back(' ');
            inSpace = true;
        } else {
            out.push_back(c);
            inSpace = false;
        }
    }
    return std::u32string(strip(out));
}

// Plain ASCII without '&', ESC or controls other than \t \n \f \r: ftfy, NFC and html.unescape change
// nothing but line breaks, which the whitespace collapse treats the same way.
bool isPlainAscii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return (c >= 0x20 && c < 0x7F && c != '&') || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    });
}

std::string cleanPlainAscii(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    bool pendingSpace = false;
    for (char ch : s) {
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\f' || ch == '\r') {
            pendingSpace = !out.empty();
            continue;
        }
        if (pendingSpace) out.push_back(' ');
        pendingSpace = false;
        out.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch + 32) : ch);
    }
    return out;
}

}  // namespace

std::u32string fixTextLikeFtfy(std::u32string_view text) {
    std::u32string out;
    out.reserve(text.size());
    bool unescapeHtml = true;  // ftfy's "auto": off from the first line that holds a '<' on
    size_t pos = 0;
    while (pos < text.size()) {
        const size_t newline = text.find(U'\n', pos);
        size_t end = newline == std::u32string_view::npos ? text.size() : newline + 1;
        end = std::min(end, pos + kFtfyMaxSegment);
        const std::u32string_view segment = text.substr(pos, end - pos);
        if (unescapeHtml && segment.find(U'<') != std::u32string_view::npos) unescapeHtml = false;
        out += fixSegment(std::u32string(segment), unescapeHtml);
        pos = end;
    }
    return out;
}

std::string cleanText(std::string_view utf8) {
    if (isPlainAscii(utf8)) return cleanPlainAscii(utf8);
    std::u32string text = fixTextLikeFtfy(unicode::decodeUtf8(utf8));
    text = html::unescape(html::unescape(text));
    text = collapseWhitespace(strip(text));
    return unicode::encodeUtf8(unicode::toLower(text));
}

}  // namespace cosmoclip
