#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "model/clipconfig.h"
#include "model/transformer.h"

namespace cosmoclip {

/// CLIP's causal text tower (spec §1.2) with OpenAI's top-level names: token_embedding,
/// positional_embedding, transformer, ln_final, text_projection.
class TextTransformerImpl final : public torch::nn::Module {
public:
    TextTransformerImpl(const ClipTextConfig& config, int64_t embedDim, ClipActivation activation,
                        double layerNormEps);

    /// ids [B, L] integer token ids (L <= context length; any padding after EOT) -> unnormalised
    /// features [B, E] taken at each row's pooling position. The batch runs at length max(position)+1,
    /// which the causal mask makes exact. Throws cosmoclip::Error for a bad shape or out-of-vocabulary id.
    at::Tensor forward(const at::Tensor& ids);

    /// The pooling position of each row: argmax(ids) or the first EOT, per the config. [B] int64.
    at::Tensor poolingPositions(const at::Tensor& ids) const;

    torch::nn::Embedding token_embedding{nullptr};
    at::Tensor positional_embedding;  ///< [context, W]
    Transformer transformer{nullptr};
    torch::nn::LayerNorm ln_final{nullptr};
    at::Tensor text_projection;  ///< [W, E]

private:
    ClipTextConfig m_config;
};

TORCH_MODULE(TextTransformer);

}  // namespace cosmoclip
