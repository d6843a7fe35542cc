#pragma once

#include <string>

#include "common/filesniff.h"
#include "image/image.h"

namespace cosmoclip {

/// Reads PNG (8/16-bit grey, RGB, RGBA, palette), JPEG and TIFF (8/16-bit, 32-bit float) through
/// OpenCV. 16-bit and float data keep their range. The size is checked from the file header
/// against options.maxSamples before any pixel memory is allocated.
LoadedImage readRaster(const std::string& path, FileKind kind, const LoadOptions& options);

}  // namespace cosmoclip
