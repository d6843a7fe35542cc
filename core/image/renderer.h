#pragma once

#include <cstdint>
#include <span>
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

/// Renders with transforms already resolved by resolveStretch(image, params, plane) (1 or 3 of them),
/// e.g. to re-render without recomputing statistics. RGB output gains alpha as a 4th channel when the
/// image has one. Output colour is Grey, Rgb or Rgba.
Raster8 renderImage(const Image& image, std::span<const StretchTransform> transforms, int plane = -1);

/// Scales a raster down so that its longer side is at most maxSize (area averaging); returns it unchanged
/// when it is already small enough or maxSize <= 0.
Raster8 fitWithin(const Raster8& raster, int maxSize);

}  // namespace cosmoclip
