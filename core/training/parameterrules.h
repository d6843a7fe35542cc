#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cosmoclip {

/// Which parameters fine-tuning updates. Frozen parameters get requires_grad = false, stay out of
/// the optimizer and keep their values bit for bit.
enum class FreezeMode {
    None,        ///< full fine-tune
    TextTower,   ///< the text tower is frozen (token and positional embeddings, blocks, ln_final, projection)
    LastBlocks,  ///< only the last N blocks of both towers, ln_post/ln_final, both projections, logit_scale
};

struct FreezeOptions {
    FreezeMode mode = FreezeMode::None;
    int lastBlocks = 2;  ///< N for LastBlocks

    /// "full" (or "none"), "text", "last:N" (N >= 1). Throws cosmoclip::Error.
    static FreezeOptions parse(std::string_view text);
    std::string name() const;  ///< the form parse() reads
};

/// Whether parameter `name` (OpenAI/open_clip state-dict name, as ClipModel registers it) is
/// trained under `options`, for towers of `visionLayers` and `textLayers` blocks.
bool isTrainable(const std::string& name, const FreezeOptions& options, int64_t visionLayers, int64_t textLayers);

/// open_clip's weight-decay rule (docs/clip-spec.md §6): no decay on parameters with ndim <= 1 (gains,
/// biases, logit_scale, class_embedding) nor on positional_embedding, visual.positional_embedding and
/// visual.class_embedding; token_embedding.weight and visual.conv1.weight are decayed.
bool hasWeightDecay(const std::string& name, int64_t dims);

}  // namespace cosmoclip
