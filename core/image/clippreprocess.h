#pragma once

#include <array>
#include <vector>

#include "image/renderer.h"

namespace cosmoclip {

/// CLIP input geometry and normalisation, normally read from the model's preprocessor config.
struct PreprocessConfig {
    int size = 224;  ///< shorter side resized to this, then centre-cropped to size x size
    std::array<float, 3> mean{0.48145466f, 0.4578275f, 0.40821073f};
    std::array<float, 3> std{0.26862954f, 0.26130258f, 0.27577711f};
};

/// The CLIP input tensor for one picture, [3, size, size] float32 in channel-major order, made as
/// OpenAI's/Hugging Face's Python pipeline does: resize with Pillow's antialiased bicubic (palette
/// images: nearest, as Pillow does), torchvision's size and crop rounding, RGB, /255, mean/std.
std::vector<float> preprocessForClip(const Raster8& raster, const PreprocessConfig& config);

}  // namespace cosmoclip
