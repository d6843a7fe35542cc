#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "model/clipattention.h"
#include "model/clipconfig.h"
#include "model/clipmlp.h"

namespace cosmoclip {

/// Sizes of the blocks of one tower.
struct BlockOptions {
    int64_t width = 768;
    int64_t heads = 12;
    int64_t intermediate = 3072;
    ClipActivation activation = ClipActivation::QuickGelu;
    double layerNormEps = 1e-5;
};

/// One pre-LN transformer block, shared by both towers (spec §1.1.5):
/// x = x + attn(ln_1(x), mask); x = x + mlp(ln_2(x)). Children: ln_1, attn, ln_2, mlp. x is [B, N, W].
class ResidualAttentionBlockImpl final : public torch::nn::Module {
public:
    explicit ResidualAttentionBlockImpl(const BlockOptions& options);

    at::Tensor forward(const at::Tensor& x, const at::Tensor& mask = {});

    torch::nn::LayerNorm ln_1{nullptr};
    ClipAttention attn{nullptr};
    torch::nn::LayerNorm ln_2{nullptr};
    ClipMlp mlp{nullptr};
};

TORCH_MODULE(ResidualAttentionBlock);

}  // namespace cosmoclip
