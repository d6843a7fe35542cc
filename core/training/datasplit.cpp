#include "training/datasplit.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"

namespace cosmoclip {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

double parseFraction(std::string_view text, std::string_view whole) {
    const std::string_view t = trim(text);
    double value = 0.0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (t.empty() || ec != std::errc() || end != t.data() + t.size() || !std::isfinite(value) || value < 0.0)
        throw Error("--split " + std::string(whole), "'" + std::string(t) + "' is not a fraction >= 0");
    return value;
}

}  // namespace

const char* splitName(Split split) {
    switch (split) {
        case Split::Train:
            return "train";
        case Split::Val:
            return "val";
        case Split::Test:
            return "test";
    }
    return "train";
}

Split parseSplit(std::string_view name) {
    if (name == "train") return Split::Train;
    if (name == "val" || name == "validation") return Split::Val;
    if (name == "test") return Split::Test;
    throw Error("split '" + std::string(name) + "'", "unknown; expected train, val or test");
}

SplitFractions SplitFractions::parse(std::string_view text) {
    std::vector<double> values;
    size_t begin = 0;
    while (true) {
        const size_t comma = text.find(',', begin);
        values.push_back(parseFraction(text.substr(begin, comma - begin), text));
        if (comma == std::string_view::npos) break;
        begin = comma + 1;
    }
    if (values.size() != 3)
        throw Error("--split " + std::string(text),
                    "expected three fractions train,val,test (e.g. 0.7,0.15,0.15), got " +
                        std::to_string(values.size()));
    if (std::abs(values[0] + values[1] + values[2] - 1.0) > 1e-6)
        throw Error("--split " + std::string(text), "the fractions must sum to 1");
    return SplitFractions{values[0], values[1], values[2]};
}

double splitPosition(std::string_view contentHash) {
    uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a 64
    for (const char c : contentHash) {
        h ^= static_cast<uint8_t>(c);
        h *= 0x100000001b3ull;
    }
    // splitmix64's finaliser: FNV's high bits mix poorly for strings that differ only at the end.
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return static_cast<double>(h >> 11) * 0x1.0p-53;
}

Split splitOf(std::string_view contentHash, const SplitFractions& fractions) {
    const double u = splitPosition(contentHash);
    if (u < fractions.train) return Split::Train;
    if (u < fractions.train + fractions.val) return Split::Val;
    return Split::Test;
}

}  // namespace cosmoclip
