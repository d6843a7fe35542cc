#pragma once

#include <QImage>

#include "image/renderer.h"

namespace cosmoclip {

/// Deep-copies an 8-bit raster (1, 3 or 4 interleaved channels, top row first) into a QImage of
/// format Grayscale8, RGB888 or RGBA8888. Returns a null QImage for an empty or malformed raster.
QImage toQImage(const Raster8& raster);

}  // namespace cosmoclip
