#include "fits/fitsgzip.h"

#include <zlib.h>

#include <algorithm>
#include <fstream>

#include "common/error.h"

namespace cosmoclip {

namespace {

constexpr size_t kChunk = size_t{1} << 20;

// The gzip trailer's ISIZE (uncompressed size mod 2^32), used only to reserve memory once.
size_t sizeHint(const std::string& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in || in.tellg() < 18) return 0;
    in.seekg(-4, std::ios::end);
    unsigned char bytes[4] = {};
    in.read(reinterpret_cast<char*>(bytes), 4);
    return size_t{bytes[0]} | size_t{bytes[1]} << 8 | size_t{bytes[2]} << 16 | size_t{bytes[3]} << 24;
}

class GzipReader {
public:
    explicit GzipReader(const std::string& path) : m_path(path), m_file(gzopen(path.c_str(), "rb")) {
        if (m_file == nullptr) throw Error(path, "cannot open for reading");
        gzbuffer(m_file, 1 << 17);
    }
    ~GzipReader() { gzclose(m_file); }
    GzipReader(const GzipReader&) = delete;
    GzipReader& operator=(const GzipReader&) = delete;

    // Bytes read into `out` (0 at the end); throws on damaged or truncated input.
    size_t read(char* out, size_t size) {
        const int n = gzread(m_file, out, static_cast<unsigned>(size));
        int code = Z_OK;
        const char* message = gzerror(m_file, &code);
        // Z_BUF_ERROR: the input ended inside a gzip stream, i.e. the file is truncated.
        if (n < 0 || (n == 0 && code != Z_OK)) {
            // zlib prefixes the file name to its message; ours already starts with it.
            std::string text = message;
            if (text.rfind(m_path + ": ", 0) == 0) text.erase(0, m_path.size() + 2);
            throw Error(m_path, "file is truncated or damaged (gzip: " + text + ")");
        }
        return static_cast<size_t>(n);
    }

private:
    std::string m_path;
    gzFile m_file;
};

}  // namespace

bool isGzipFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    unsigned char magic[2] = {};
    in.read(reinterpret_cast<char*>(magic), 2);
    return in.gcount() == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

std::vector<char> inflateGzipFile(const std::string& path, int64_t limit) {
    const auto cap = static_cast<size_t>(std::max<int64_t>(limit, 0));
    GzipReader reader(path);
    std::vector<char> data;
    data.reserve(std::min(sizeHint(path), cap));
    for (;;) {
        const size_t used = data.size();
        if (used >= cap) {
            char probe = 0;
            if (reader.read(&probe, 1) == 0) break;
            throw Error(path, "gzip-compressed data inflates to more than " + std::to_string(cap) +
                                  " bytes, the most read for this image size limit; gunzip the file first");
        }
        data.resize(used + std::min(kChunk, cap - used));
        const size_t got = reader.read(data.data() + used, data.size() - used);
        data.resize(used + got);
        if (got == 0) break;
    }
    return data;
}

}  // namespace cosmoclip
