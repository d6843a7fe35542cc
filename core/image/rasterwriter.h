#pragma once

#include <string>

#include "image/renderer.h"

namespace cosmoclip {

/// Encodes a rendered raster as PNG and writes it atomically (the old file survives a failure).
void writePng(const std::string& path, const Raster8& raster);

}  // namespace cosmoclip
