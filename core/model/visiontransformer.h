#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "model/clipconfig.h"
#include "model/transformer.h"

namespace cosmoclip {

/// CLIP's image tower (spec §1.1) with OpenAI's child names relative to `visual.`: conv1,
/// class_embedding, positional_embedding, ln_pre, transformer, ln_post, proj.
class VisionTransformerImpl final : public torch::nn::Module {
public:
    VisionTransformerImpl(const ClipVisionConfig& config, int64_t embedDim, ClipActivation activation,
                          double layerNormEps);

    /// images [B, 3, R, R] float (normalised CLIP input) -> unnormalised features [B, E].
    /// Throws cosmoclip::Error for another shape.
    at::Tensor forward(const at::Tensor& images);

    torch::nn::Conv2d conv1{nullptr};
    at::Tensor class_embedding;       ///< [W]
    at::Tensor positional_embedding;  ///< [G*G+1, W]
    torch::nn::LayerNorm ln_pre{nullptr};
    Transformer transformer{nullptr};
    torch::nn::LayerNorm ln_post{nullptr};
    at::Tensor proj;  ///< [W, E]; features = ln_post(x[:, 0]) @ proj

private:
    at::Tensor embedPatches(const at::Tensor& images);

    ClipVisionConfig m_config;
};

TORCH_MODULE(VisionTransformer);

}  // namespace cosmoclip
