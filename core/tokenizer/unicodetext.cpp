#include "tokenizer/unicodetext.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace cosmoclip::unicode {
namespace {

struct PoolEntry {
    char32_t cp;
    uint16_t offset;
    uint8_t length;
};
struct CodeRange {
    char32_t first;
    char32_t last;
};
struct CccRange {
    char32_t first;
    char32_t last;
    uint8_t ccc;
};
struct Composition {
    char32_t first;
    char32_t second;
    char32_t composite;
};

#include "tokenizer/unicodetables.inc"

constexpr char32_t kReplacement = 0xFFFD;
constexpr char32_t kHangulS = 0xAC00, kHangulL = 0x1100, kHangulV = 0x1161, kHangulT = 0x11A7;
constexpr char32_t kHangulLCount = 19, kHangulVCount = 21, kHangulTCount = 28;
constexpr char32_t kHangulNCount = kHangulVCount * kHangulTCount,
                   kHangulSCount = kHangulLCount * kHangulNCount;

template <size_t N>
bool inRanges(const CodeRange (&table)[N], char32_t cp) {
    const auto it = std::upper_bound(std::begin(table), std::end(table), cp,
                                     [](char32_t c, const CodeRange& r) { return c < r.first; });
    return it != std::begin(table) && cp <= std::prev(it)->last;
}

template <size_t N, size_t P>
std::u32string_view lookupPool(const PoolEntry (&table)[N], const char32_t (&pool)[P], char32_t cp) {
    const auto it = std::lower_bound(std::begin(table), std::end(table), cp,
                                     [](const PoolEntry& e, char32_t c) { return e.cp < c; });
    if (it == std::end(table) || it->cp != cp) return {};
    return {pool + it->offset, it->length};
}

uint8_t combiningClass(char32_t cp) {
    if (cp < 0x300) return 0;
    const auto it = std::upper_bound(std::begin(kCcc), std::end(kCcc), cp,
                                     [](char32_t c, const CccRange& r) { return c < r.first; });
    if (it == std::begin(kCcc)) return 0;
    const auto& r = *std::prev(it);
    return cp <= r.last ? r.ccc : 0;
}

// Length of a valid UTF-8 sequence starting at s[i], or 0 where Python would emit U+FFFD; in that
// case `consumed` is the maximal subpart that one U+FFFD replaces.
size_t validSequence(std::string_view s, size_t i, size_t& consumed) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    size_t need = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF)
        need = 1;
    else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    }
    consumed = 1;
    if (need == 0) return 0;
    for (size_t k = 1; k <= need; ++k) {
        if (i + k >= s.size()) return 0;
        const auto b = static_cast<unsigned char>(s[i + k]);
        const bool ok = k == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
        if (!ok) return 0;
        consumed = k + 1;
    }
    return need + 1;
}

char32_t composePair(char32_t a, char32_t b) {
    if (a >= kHangulL && a < kHangulL + kHangulLCount && b >= kHangulV && b < kHangulV + kHangulVCount)
        return kHangulS + ((a - kHangulL) * kHangulVCount + (b - kHangulV)) * kHangulTCount;
    if (a >= kHangulS && a < kHangulS + kHangulSCount && (a - kHangulS) % kHangulTCount == 0 &&
        b > kHangulT && b < kHangulT + kHangulTCount)
        return a + (b - kHangulT);
    const auto it = std::lower_bound(std::begin(kComposition), std::end(kComposition), Composition{a, b, 0},
                                     [](const Composition& x, const Composition& y) {
                                         return x.first != y.first ? x.first < y.first : x.second < y.second;
                                     });
    return (it != std::end(kComposition) && it->first == a && it->second == b) ? it->composite : 0;
}

void appendDecomposition(std::u32string& out, char32_t cp) {
    if (cp >= kHangulS && cp < kHangulS + kHangulSCount) {
        const char32_t s = cp - kHangulS;
        out.push_back(kHangulL + s / kHangulNCount);
        out.push_back(kHangulV + (s % kHangulNCount) / kHangulTCount);
        if (s % kHangulTCount != 0) out.push_back(kHangulT + s % kHangulTCount);
        return;
    }
    const auto d = lookupPool(kDecomposition, kDecompositionPool, cp);
    if (d.empty())
        out.push_back(cp);
    else
        out.append(d);
}

// Canonical ordering: stable sort of every run of non-starters by combining class.
void reorderMarks(std::u32string& s) {
    size_t i = 0;
    while (i < s.size()) {
        if (combiningClass(s[i]) == 0) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < s.size() && combiningClass(s[j]) != 0) ++j;
        std::stable_sort(s.begin() + i, s.begin() + j,
                         [](char32_t a, char32_t b) { return combiningClass(a) < combiningClass(b); });
        i = j;
    }
}

bool isCased(char32_t cp) {
    return inRanges(kCased, cp);
}
bool isCaseIgnorable(char32_t cp) {
    return inRanges(kCaseIgnorable, cp);
}

// CPython's handle_capital_sigma: final form when preceded by a cased letter and not followed by one
// (case-ignorable characters skipped on both sides).
char32_t lowerSigma(std::u32string_view text, size_t i) {
    size_t j = i;
    char32_t c = 0;
    bool found = false;
    while (j > 0) {
        c = text[--j];
        if (!isCaseIgnorable(c)) {
            found = true;
            break;
        }
    }
    bool finalSigma = found && isCased(c);
    if (finalSigma && i + 1 < text.size()) {
        size_t k = i + 1;
        while (k < text.size() && isCaseIgnorable(text[k])) ++k;
        finalSigma = k == text.size() || !isCased(text[k]);
    }
    return finalSigma ? 0x3C2 : 0x3C3;
}

}  // namespace

std::u32string decodeUtf8(std::string_view utf8) {
    std::u32string out;
    out.reserve(utf8.size());
    size_t i = 0;
    while (i < utf8.size()) {
        const auto b0 = static_cast<unsigned char>(utf8[i]);
        if (b0 < 0x80) {
            out.push_back(b0);
            ++i;
            continue;
        }
        size_t consumed = 1;
        const size_t n = validSequence(utf8, i, consumed);
        if (n == 0) {
            out.push_back(kReplacement);
            i += consumed;
            continue;
        }
        char32_t cp = b0 & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
        for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
        out.push_back(cp);
        i += n;
    }
    return out;
}

void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string encodeUtf8(std::u32string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char32_t cp : text) appendUtf8(out, cp);
    return out;
}

std::string sanitizeUtf8(std::string_view utf8) {
    for (size_t i = 0; i < utf8.size();) {
        if (static_cast<unsigned char>(utf8[i]) < 0x80) {
            ++i;
            continue;
        }
        size_t consumed = 1;
        const size_t n = validSequence(utf8, i, consumed);
        if (n == 0) return encodeUtf8(decodeUtf8(utf8));
        i += n;
    }
    return std::string(utf8);
}

std::u32string toNfc(std::u32string_view text) {
    if (std::all_of(text.begin(), text.end(), [](char32_t c) { return c < 0x300; }))
        return std::u32string(text);
    std::u32string d;
    d.reserve(text.size() + 8);
    for (char32_t cp : text) appendDecomposition(d, cp);
    reorderMarks(d);

    std::u32string out;
    out.reserve(d.size());
    size_t starter = std::u32string::npos;
    uint8_t lastCcc = 0;
    for (char32_t c : d) {
        const uint8_t ccc = combiningClass(c);
        if (starter != std::u32string::npos) {
            const bool adjacent = out.size() - 1 == starter;
            if (adjacent || lastCcc < ccc) {
                if (const char32_t composite = composePair(out[starter], c)) {
                    out[starter] = composite;
                    continue;
                }
            }
        }
        if (ccc == 0) starter = out.size();
        out.push_back(c);
        lastCcc = ccc;
    }
    return out;
}

std::u32string toLower(std::u32string_view text) {
    std::u32string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        const char32_t cp = text[i];
        if (cp < 0x80) {
            out.push_back(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
        } else if (cp == 0x3A3) {
            out.push_back(lowerSigma(text, i));
        } else {
            const auto mapped = lookupPool(kLower, kLowerPool, cp);
            if (mapped.empty())
                out.push_back(cp);
            else
                out.append(mapped);
        }
    }
    return out;
}

bool isPythonSpace(char32_t cp) {
    if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
    return std::find(std::begin(kPythonSpace), std::end(kPythonSpace), cp) != std::end(kPythonSpace);
}

bool isRegexSpace(char32_t cp) {
    if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
    return std::find(std::begin(kRegexSpace), std::end(kRegexSpace), cp) != std::end(kRegexSpace);
}

bool isDecimalDigit(char32_t cp) {
    if (cp < 0x80) return cp >= '0' && cp <= '9';
    return inRanges(kDecimalDigit, cp);
}

std::u32string_view standardWidth(char32_t cp) {
    return lookupPool(kWidth, kWidthPool, cp);
}

const char* extraLetterClassItems() {
    return kExtraLetters;
}
const char* extraNumberClassItems() {
    return kExtraNumbers;
}

}  // namespace cosmoclip::unicode
