#include "catalog/shardspec.h"

#include <charconv>
#include <cstdint>

#include "common/error.h"
#include "common/sha256.h"

namespace cosmoclip {
namespace {

bool parseInt(std::string_view text, int& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

ShardSpec ShardSpec::parse(const std::string& text) {
    const auto slash = text.find('/');
    ShardSpec spec;
    if (slash == std::string::npos || !parseInt(std::string_view(text).substr(0, slash), spec.index) ||
        !parseInt(std::string_view(text).substr(slash + 1), spec.count)) {
        throw Error("--shard " + text, "expected I/N with whole numbers, e.g. 0/4");
    }
    if (spec.count < 1) throw Error("--shard " + text, "the number of shards must be at least 1");
    if (spec.index < 0 || spec.index >= spec.count) {
        throw Error("--shard " + text, "shards are numbered 0.." + std::to_string(spec.count - 1));
    }
    return spec;
}

bool ShardSpec::contains(const std::string& normalizedPath) const {
    if (count == 1) return true;
    // A cryptographic hash spreads similar names (img_0001, img_0002, ...) evenly; the first 8 bytes
    // as a big-endian integer are the same on every platform.
    Sha256 hash;
    hash.update(normalizedPath);
    const auto digest = hash.finish();
    uint64_t value = 0;
    for (int i = 0; i < 8; ++i) value = (value << 8) | digest[static_cast<size_t>(i)];
    return static_cast<int>(value % static_cast<uint64_t>(count)) == index;
}

}  // namespace cosmoclip
