#pragma once

#include <cstdint>
#include <vector>

namespace cosmoclip {

/// Interleaved 8-bit pixels, the top row first: the unit Pillow's resamplers work on.
struct Pixels8 {
    int width = 0;
    int height = 0;
    int channels = 0;           ///< bands per pixel, each resampled on its own
    std::vector<uint8_t> data;  ///< height * width * channels
};

/// Pillow's Image.resize(size, BICUBIC) for 8-bit bands, bit for bit (Pillow's Resample.c):
/// antialiased Keys cubic (a = -0.5, support 2 x the downscale factor), 22-bit fixed-point
/// weights, the horizontal pass first, rounding to uint8 between the passes. Same size: a copy.
Pixels8 pillowResizeBicubic(const Pixels8& in, int outWidth, int outHeight);

/// Pillow's NEAREST resize (what it uses for palette images), with its pixel-centre mapping and
/// its accumulated source positions, so that every output pixel picks the same source pixel.
Pixels8 pillowResizeNearest(const Pixels8& in, int outWidth, int outHeight);

/// Pillow's RGBA -> RGBa / LA -> La conversion: colour bands multiplied by alpha (the last band)
/// with its rounding, in place. Pixels8 must have 2 or 4 channels.
void pillowPremultiply(Pixels8& pixels);

/// Pillow's RGBa -> RGBA / La -> LA conversion: colour bands divided by alpha (integer division,
/// clipped), alpha 0 and 255 left as they are, in place. Pixels8 must have 2 or 4 channels.
void pillowUnpremultiply(Pixels8& pixels);

}  // namespace cosmoclip
