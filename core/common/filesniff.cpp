#include "common/filesniff.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

#include "common/error.h"

namespace cosmoclip {

namespace {

bool startsWith(const unsigned char* bytes, size_t n, const char* magic, size_t m) {
    return n >= m && std::memcmp(bytes, magic, m) == 0;
}

}  // namespace

FileKind sniffFile(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw Error(path, std::strerror(errno));
    if (S_ISDIR(st.st_mode)) throw Error(path, "is a folder, not an image file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path, "cannot open for reading");
    unsigned char head[16] = {};
    in.read(reinterpret_cast<char*>(head), sizeof head);
    const auto n = static_cast<size_t>(in.gcount());
    if (n == 0) return FileKind::Empty;
    if (startsWith(head, n, "SIMPLE  =", 9)) return FileKind::Fits;
    if (startsWith(head, n, "\x1f\x8b", 2)) return FileKind::GzipFits;
    if (startsWith(head, n, "\x89PNG\r\n\x1a\n", 8)) return FileKind::Png;
    if (startsWith(head, n, "\xff\xd8\xff", 3)) return FileKind::Jpeg;
    if (startsWith(head, n, "II*\0", 4) || startsWith(head, n, "MM\0*", 4)) return FileKind::Tiff;
    return FileKind::Unknown;
}

const char* fileKindName(FileKind kind) {
    switch (kind) {
        case FileKind::Fits: return "FITS";
        case FileKind::GzipFits: return "gzip-compressed FITS";
        case FileKind::Png: return "PNG";
        case FileKind::Jpeg: return "JPEG";
        case FileKind::Tiff: return "TIFF";
        case FileKind::Empty: return "empty file";
        case FileKind::Unknown: break;
    }
    return "unknown";
}

}  // namespace cosmoclip
