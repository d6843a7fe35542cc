#pragma once

#include <cstddef>
#include <cstdint>

#include "image/image.h"

namespace cosmoclip {

/// Decodes the PNG layouts that need no colour conversion (8- or 16-bit grey, grey + alpha, RGB and
/// RGBA; not interlaced; no tRNS) straight into `image`'s planes and alpha, and returns the
/// statistics of its colour planes in `stats`. libdeflate inflates the whole stream at once, about
/// twice as fast as zlib through libpng, and the rows are unfiltered and split into planes on every
/// core; the values are those OpenCV decodes. Returns false, with `image` and `stats` untouched, for
/// any other layout, for data that does not inflate to exactly the rows the header declares (OpenCV
/// then decodes the file and reports the problem as before), and when built without libdeflate.
/// The chunks' bounds and CRCs must have been checked (pngIntegrityProblem) before. `bytes` is
/// rearranged while decoding (the IDAT data joined in place): after true it no longer holds the file;
/// after false, or an exception, it holds it again as it was.
bool decodePngDirect(uint8_t* bytes, size_t size, Image& image, ImageStats& stats);

/// False when built without libdeflate: every PNG then goes through OpenCV.
bool pngDirectDecoderAvailable();

}  // namespace cosmoclip
