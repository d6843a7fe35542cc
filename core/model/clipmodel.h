#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "model/clipconfig.h"
#include "model/texttransformer.h"
#include "model/visiontransformer.h"

namespace cosmoclip {

/// The two-tower CLIP (spec §1). Parameters are registered under the OpenAI/open_clip state-dict
/// keys (WeightNames::openAi): `visual.*`, the text tower at the top level, and `logit_scale` (a log).
/// Freshly constructed models get CLIP's random initialisation unless `initialize` is false (the
/// loader, which overwrites every parameter anyway).
class ClipModelImpl final : public torch::nn::Module {
public:
    explicit ClipModelImpl(const ClipConfig& config, bool initialize = true);

    const ClipConfig& config() const { return m_config; }

    /// [B, 3, R, R] normalised pixels -> [B, E] unnormalised image features.
    at::Tensor encodeImage(const at::Tensor& images);
    /// [B, L] token ids (L <= context length, padded after EOT) -> [B, E] unnormalised text features.
    at::Tensor encodeText(const at::Tensor& ids);
    /// exp(logit_scale) * normalize(image) @ normalize(text)^T: logits_per_image [Bi, Bt].
    at::Tensor logitsPerImage(const at::Tensor& imageFeatures, const at::Tensor& textFeatures) const;

    VisionTransformer visual{nullptr};
    /// Not a registered child: its tensors and modules are registered on this model directly so that
    /// they carry OpenAI's top-level names (token_embedding.weight, ... text_projection).
    TextTransformer text{nullptr};
    at::Tensor logit_scale;  ///< [] log of the similarity scale

private:
    void initializeParameters();

    ClipConfig m_config;
};

TORCH_MODULE(ClipModel);

}  // namespace cosmoclip
