#include "demo/datastreamreader.h"

#include <bit>

#include "common/error.h"

namespace cosmoclip {
namespace {

// Longest string a catalogue field holds in practice is a few dozen characters; anything near this
// is a corrupt length word, refused before it is used to size a buffer.
constexpr uint32_t kMaxStringBytes = 1u << 16;

void appendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

}  // namespace

DataStreamReader::DataStreamReader(const std::vector<char>& data, std::string source)
    : m_data(data), m_source(std::move(source)) {}

void DataStreamReader::fail(const std::string& what) const {
    throw Error(m_source, what + " at byte " + std::to_string(m_pos) + " of the uncompressed data");
}

const unsigned char* DataStreamReader::take(size_t n) {
    if (n > m_data.size() - m_pos) fail("truncated (needed " + std::to_string(n) + " more bytes)");
    const auto* p = reinterpret_cast<const unsigned char*>(m_data.data()) + m_pos;
    m_pos += n;
    return p;
}

uint32_t DataStreamReader::u32() {
    const unsigned char* p = take(4);
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

double DataStreamReader::f64() {
    const unsigned char* p = take(8);
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits = (bits << 8) | p[i];
    return std::bit_cast<double>(bits);
}

std::string DataStreamReader::qstring() {
    const uint32_t bytes = u32();
    if (bytes == 0xFFFFFFFFu) return {};
    if (bytes % 2 != 0 || bytes > kMaxStringBytes) fail("corrupt string length " + std::to_string(bytes));
    const unsigned char* p = take(bytes);
    std::string out;
    out.reserve(bytes / 2);
    for (uint32_t i = 0; i < bytes; i += 2) {
        uint32_t unit = (uint32_t{p[i]} << 8) | p[i + 1];
        if (unit >= 0xD800 && unit < 0xDC00 && i + 3 < bytes) {
            const uint32_t low = (uint32_t{p[i + 2]} << 8) | p[i + 3];
            if (low >= 0xDC00 && low < 0xE000) {
                unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                i += 2;
            }
        }
        if (unit >= 0xD800 && unit < 0xE000) unit = 0xFFFD;  // lone surrogate
        appendUtf8(out, unit);
    }
    return out;
}

}  // namespace cosmoclip
