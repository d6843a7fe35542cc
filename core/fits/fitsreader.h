#pragma once

#include <string>

#include "image/image.h"

namespace cosmoclip {

/// Reads a FITS file (plain, gzip-compressed, or with tile-compressed image HDUs) through CFITSIO:
/// the HDU list, the selected HDU's header cards in order and its pixels in physical units.
/// Throws cosmoclip::Error naming the file and the problem.
LoadedImage readFits(const std::string& path, const LoadOptions& options);

}  // namespace cosmoclip
