#pragma once

#include <cstdint>
#include <vector>

#include "image/image.h"
#include "image/stretch.h"

namespace cosmoclip {

/// An 8-bit picture ready to show or to feed CLIP: interleaved channels, the top row first
/// (FITS images are flipped so that row 0 is the top of the display).
struct Raster8 {
    int width = 0;
    int height = 0;
    int channels = 0;                 ///< 1 grey, 3 RGB, 4 RGBA
    ColorSource color = ColorSource::Grey;  ///< how the source stored colour (Pillow mode)
    std::vector<uint8_t> pixels;      ///< height * width * channels
};

struct RenderOptions {
    StretchParams stretch;
    int plane = -1;  ///< -1: the whole image (RGB when image.rgb, else plane 0); k >= 0: plane k, grey
};

/// Applies the stretch and quantises to 8 bits. NaN pixels become 0. For 8-bit rasters with
/// StretchKind::None the bytes come back unchanged, alpha included, so that CLIP preprocessing
/// sees exactly what Pillow would.
Raster8 renderImage(const Image& image, const RenderOptions& options);

/// Scales a raster down so that its longer side is at most maxSize (area averaging).
Raster8 fitWithin(const Raster8& raster, int maxSize);

}  // namespace cosmoclip
