#pragma once

#include <string>

#include "image/image.h"

namespace cosmoclip {

/// Opens any supported file — FITS (plain, gzip, tile-compressed), PNG, JPEG, TIFF — choosing the
/// reader by the file's first bytes, not its name. Throws cosmoclip::Error naming the file and
/// the problem for anything it cannot read; never returns a half-loaded image.
LoadedImage loadImage(const std::string& path, const LoadOptions& options = {});

}  // namespace cosmoclip
