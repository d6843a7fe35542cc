#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cosmoclip {

/// Reads the big-endian values a Qt QDataStream writes (u32, f64, QString as UTF-16BE) from a
/// buffer, without Qt (core links no Qt). Reading past the end or a malformed string throws
/// cosmoclip::Error naming `source` and the byte offset, so a truncated file can never crash a reader.
class DataStreamReader {
public:
    DataStreamReader(const std::vector<char>& data, std::string source);

    uint32_t u32();
    double f64();
    /// A QString: u32 byte length (0xFFFFFFFF = null, read as ""), then UTF-16BE; returned as UTF-8.
    std::string qstring();

    bool atEnd() const { return m_pos == m_data.size(); }
    size_t position() const { return m_pos; }
    [[noreturn]] void fail(const std::string& what) const;

private:
    const unsigned char* take(size_t n);

    const std::vector<char>& m_data;
    std::string m_source;
    size_t m_pos = 0;
};

}  // namespace cosmoclip
