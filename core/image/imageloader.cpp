#include "image/imageloader.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "common/error.h"
#include "common/filesniff.h"
#include "fits/fitsreader.h"
#include "image/rasterloader.h"

namespace cosmoclip {

namespace {

std::string lowerCase(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// A file named like FITS that holds PNG/JPEG/TIFF bytes is almost always a mistake in a pipeline
// (a preview saved under the science frame's name); opening it silently as a picture would hide
// that, so it is refused with both facts in the message.
bool namedLikeFits(const std::string& path) {
    static const std::array<const char*, 6> suffixes = {".fits", ".fit", ".fts", ".fz", ".fits.gz", ".fit.gz"};
    const std::string lower = lowerCase(path);
    return std::any_of(suffixes.begin(), suffixes.end(), [&](const char* s) {
        const std::string suffix(s);
        return lower.size() > suffix.size() && lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0;
    });
}

}  // namespace

LoadedImage loadImage(const std::string& path, const LoadOptions& options) {
    const FileKind kind = sniffFile(path);
    switch (kind) {
        case FileKind::Fits:
        case FileKind::GzipFits:
            return readFits(path, options);
        case FileKind::Png:
        case FileKind::Jpeg:
        case FileKind::Tiff:
            if (namedLikeFits(path))
                throw Error(path, std::string("named like a FITS file but holds ") + fileKindName(kind) +
                                      " data; rename it to open it as a picture");
            if (!options.hdu.empty()) throw Error(path, "--hdu applies to FITS files only");
            return readRaster(path, kind, options);
        case FileKind::Empty:
            throw Error(path, "file is empty");
        case FileKind::Unknown:
            break;
    }
    throw Error(path, "not a FITS, PNG, JPEG or TIFF file (unrecognised first bytes)");
}

}  // namespace cosmoclip
