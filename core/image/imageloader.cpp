#include "image/imageloader.h"

#include "common/error.h"
#include "common/filesniff.h"
#include "fits/fitsreader.h"
#include "image/rasterloader.h"

namespace cosmoclip {

LoadedImage loadImage(const std::string& path, const LoadOptions& options) {
    const FileKind kind = sniffFile(path);
    switch (kind) {
        case FileKind::Fits:
        case FileKind::GzipFits:
            return readFits(path, options);
        case FileKind::Png:
        case FileKind::Jpeg:
        case FileKind::Tiff:
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
