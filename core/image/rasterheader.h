#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/filesniff.h"
#include "image/image.h"

namespace cosmoclip {

/// What a PNG, JPEG or TIFF header says, read without decoding any pixel: enough to refuse an
/// oversized image before pixel memory is allocated, and to describe the file for `info`.
struct RasterHeader {
    int64_t width = 0;
    int64_t height = 0;
    int samplesPerPixel = 0;    ///< bands stored per pixel; a palette index counts as one
    int bitsPerSample = 0;      ///< PNG bit depth, JPEG precision, TIFF BitsPerSample (first band)
    bool floatSamples = false;  ///< TIFF SampleFormat 3 (IEEE float)
    ColorSource color = ColorSource::Grey;
    size_t jpegScanOffset = 0;  ///< JPEG: offset of the first SOS marker, 0 if not reached

    /// Planes of the decoded Image: 1 for grey (with or without alpha), 3 for colour.
    int planes() const { return color == ColorSource::Grey || color == ColorSource::GreyAlpha ? 1 : 3; }
};

/// Parses the PNG IHDR, the JPEG frame header (first SOFn) or the first TIFF IFD from the file's
/// bytes. Throws cosmoclip::Error("PATH: ...") for a truncated or malformed header.
RasterHeader parseRasterHeader(const std::string& path, FileKind kind, const uint8_t* bytes, size_t size);

/// True if the JPEG's entropy-coded data runs to an EOI marker (FF D9): walks the segments from
/// the first scan, so bytes after EOI (camera trailers) are allowed and a cut-off file is caught.
bool jpegReachesEndMarker(const uint8_t* bytes, size_t size, size_t scanOffset);

/// Checks a PNG's chunk structure before it is decoded: every chunk lies inside the file, its CRC-32
/// matches, and IEND is reached. Returns "" when the file is whole, else what is wrong ("the file
/// ends inside chunk IDAT", "chunk IDAT at byte 5000 fails its CRC check"). A damaged file is
/// refused with our message instead of libpng's stderr chatter and a half-decoded picture.
std::string pngIntegrityProblem(const uint8_t* bytes, size_t size);

}  // namespace cosmoclip
