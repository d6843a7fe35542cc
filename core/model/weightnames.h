#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/clipconfig.h"

namespace cosmoclip {

/// How one of our parameters is made from checkpoint tensors (spec §2).
enum class WeightTransform {
    Copy,       ///< one source, same shape
    Transpose,  ///< one 2-D source stored transposed (HF visual_projection / text_projection)
    Concat      ///< three sources (q, k, v) concatenated along dim 0 (HF split attention projections)
};

struct WeightSource {
    std::string name;
    std::vector<int64_t> shape;
};

/// Our parameter `name` (the OpenAI/open_clip state-dict key, which is also its registration path in
/// ClipModel) with its shape, and the checkpoint tensors it comes from in one layout.
struct WeightMapping {
    std::string name;
    std::vector<int64_t> shape;
    WeightTransform transform = WeightTransform::Copy;
    std::vector<WeightSource> sources;
};

/// Every tensor-name table of the project in one place. Torch-free: names and shapes only.
class WeightNames final {
public:
    /// Our parameters in registration order, each its own single Copy source (OpenAI / open_clip files).
    static std::vector<WeightMapping> openAi(const ClipConfig& config);
    /// The same parameters with their Hugging Face CLIPModel sources and transforms.
    static std::vector<WeightMapping> huggingFace(const ClipConfig& config);

    /// Checkpoint keys that are not weights and are skipped when loading: HF position_ids buffers,
    /// OpenAI's input_resolution/context_length/vocab_size, open_clip's attn_mask.
    static bool isIgnoredHuggingFace(const std::string& name);
    static bool isIgnoredOpenAi(const std::string& name);
};

/// "[128,64]"; "[]" for a scalar.
std::string shapeToString(const std::vector<int64_t>& shape);

}  // namespace cosmoclip
