#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "model/gemmweight.h"

namespace cosmoclip {

/// Multi-head self-attention with OpenAI's packed projection: registers `in_proj_weight` [3W, W] and
/// `in_proj_bias` [3W] (rows q, k, v) and `out_proj` (Linear W -> W), the nn.MultiheadAttention names
/// that every OpenAI/open_clip checkpoint uses. Batch-first: x is [B, N, W].
class ClipAttentionImpl final : public torch::nn::Module {
public:
    ClipAttentionImpl(int64_t width, int64_t heads);

    /// `mask`: undefined, or an additive [N, N] float mask (the text tower's causal -inf triangle).
    at::Tensor forward(const at::Tensor& x, const at::Tensor& mask = {});

    /// The fused float32 inference path (ResidualAttentionBlock::forwardFused): the heads' outputs of
    /// the normalised h [B, N, W] before out_proj, as [B, Nq, W]. QKV is one GEMM without bias; biases,
    /// scores, softmax and the weighted values run per batch element on slices of it (CpuKernels).
    /// `queryRows` undefined: every token queries (Nq = N); else a [B] int64 tensor: only that token of
    /// each element queries (Nq = 1). `weight` is in_proj_weight in the precision of the run.
    at::Tensor mixHeads(const at::Tensor& h, const at::Tensor& mask, const at::Tensor& queryRows,
                        const GemmWeight& weight);

    at::Tensor in_proj_weight;
    at::Tensor in_proj_bias;
    torch::nn::Linear out_proj{nullptr};

private:
    int64_t m_width;
    int64_t m_heads;
};

TORCH_MODULE(ClipAttention);

}  // namespace cosmoclip
