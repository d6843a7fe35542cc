#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include "model/residualattentionblock.h"

namespace cosmoclip {

/// A stack of `layers` ResidualAttentionBlocks registered as `resblocks.N` (OpenAI's names).
/// x is [B, N, W]; `mask` is passed to every block.
class TransformerImpl final : public torch::nn::Module {
public:
    TransformerImpl(const BlockOptions& options, int64_t layers);

    at::Tensor forward(const at::Tensor& x, const at::Tensor& mask = {});

    /// Row `positions[b]` of element b of forward(x, mask): [B, W]. On the fused inference path the last
    /// block computes only those rows (its attention still reads every token's keys and values).
    at::Tensor forwardPooled(const at::Tensor& x, const at::Tensor& mask, const at::Tensor& positions);

    torch::nn::ModuleList resblocks{nullptr};

private:
    std::vector<ResidualAttentionBlock> m_blocks;  // typed handles on the resblocks entries
};

TORCH_MODULE(Transformer);

}  // namespace cosmoclip
