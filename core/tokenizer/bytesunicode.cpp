#include "tokenizer/bytesunicode.h"

#include "tokenizer/unicodetext.h"

namespace cosmoclip::bytes {
namespace {

bool printable(int b) {
    return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

struct Tables {
    std::array<char32_t, 256> toUnicode{};
    std::array<uint8_t, 256> order{};
    std::array<int16_t, 324> fromUnicode{};  // the alphabet's code points are all below U+0144
};

const Tables& tables() {
    static const Tables t = [] {
        Tables r;
        r.fromUnicode.fill(-1);
        int n = 0, k = 0;
        for (int b = 0; b < 256; ++b)
            if (printable(b)) r.order[k++] = static_cast<uint8_t>(b);
        for (int b = 0; b < 256; ++b) {
            if (!printable(b)) r.order[k++] = static_cast<uint8_t>(b);
            r.toUnicode[b] = printable(b) ? char32_t(b) : char32_t(256 + n++);
            r.fromUnicode[r.toUnicode[b]] = static_cast<int16_t>(b);
        }
        return r;
    }();
    return t;
}

}  // namespace

const std::array<char32_t, 256>& byteToUnicode() {
    return tables().toUnicode;
}

int unicodeToByte(char32_t cp) {
    return cp < tables().fromUnicode.size() ? tables().fromUnicode[cp] : -1;
}

const std::array<uint8_t, 256>& vocabularyOrder() {
    return tables().order;
}

std::string encodeBytes(std::string_view raw) {
    std::string out;
    out.reserve(raw.size() * 2);
    const auto& map = byteToUnicode();
    for (char c : raw) unicode::appendUtf8(out, map[static_cast<uint8_t>(c)]);
    return out;
}

bool decodeBytes(std::string_view token, std::string& raw) {
    raw.clear();
    for (char32_t cp : unicode::decodeUtf8(token)) {
        const int b = unicodeToByte(cp);
        if (b < 0) return false;  // also catches U+FFFD from invalid UTF-8
        raw.push_back(static_cast<char>(b));
    }
    return true;
}

}  // namespace cosmoclip::bytes
