#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cosmoclip {

/// SHA-256 (FIPS 180-4). The catalog identifies image and weight files by it, so that a moved
/// file is recognised and users can check a value with `sha256sum`; downloads are verified with it.
class Sha256 final {
public:
    Sha256();
    /// The same digest without the CPU's SHA instructions (tests compare both paths).
    static Sha256 portable();
    /// Whether this CPU's SHA instructions are in use.
    static bool hardwareAccelerated();
    void update(const void* data, size_t size);
    void update(std::string_view text) { update(text.data(), text.size()); }
    /// The digest as 64 lower-case hex digits. The object is spent afterwards.
    std::string finishHex();
    std::array<uint8_t, 32> finish();

    /// Hashes a whole file, streaming it in blocks. Throws cosmoclip::Error naming the file.
    static std::string fileHex(const std::string& path);
    static std::string hex(std::string_view text);

private:
    void compress(const uint8_t* block);
    void compressBlocks(const uint8_t* data, size_t blocks);
    void compressPortable(const uint8_t* block);

    std::array<uint32_t, 8> m_state{};
    std::array<uint8_t, 64> m_buffer{};
    size_t m_buffered = 0;
    bool m_portable = false;
    uint64_t m_length = 0;
};

}  // namespace cosmoclip
