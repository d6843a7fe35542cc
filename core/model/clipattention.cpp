#include "model/clipattention.h"

#include <cmath>

#include <ATen/ATen.h>
#include <torch/version.h>

namespace cosmoclip {

ClipAttentionImpl::ClipAttentionImpl(int64_t width, int64_t heads) : m_width(width), m_heads(heads) {
    // Initialised as nn.MultiheadAttention does (xavier-uniform packed weight, zero biases); ClipModel
    // then applies CLIP's own initialisation.
    in_proj_weight = register_parameter("in_proj_weight", at::empty({3 * width, width}));
    in_proj_bias = register_parameter("in_proj_bias", at::zeros({3 * width}));
    out_proj = register_module("out_proj", torch::nn::Linear(width, width));
    at::NoGradGuard noGrad;
    const double bound = std::sqrt(6.0 / static_cast<double>(width + 3 * width));
    in_proj_weight.uniform_(-bound, bound);
    out_proj->bias.zero_();
}

at::Tensor ClipAttentionImpl::forward(const at::Tensor& x, const at::Tensor& mask) {
    const int64_t batch = x.size(0);
    const int64_t tokens = x.size(1);
    const int64_t headDim = m_width / m_heads;
    // [B, N, 3W] -> [3, B, H, N, D]
    const at::Tensor qkv = at::linear(x, in_proj_weight, in_proj_bias)
                               .view({batch, tokens, 3, m_heads, headDim})
                               .permute({2, 0, 3, 1, 4});
#if TORCH_VERSION_MAJOR >= 2
    // LibTorch 2.x has a fused kernel (flash/memory-efficient on CUDA); same maths and scale 1/sqrt(D).
    const auto optionalMask = mask.defined() ? c10::optional<at::Tensor>(mask) : c10::nullopt;
    at::Tensor out = at::scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], optionalMask);
#else
    // 1.13: nn.MultiheadAttention's math path, softmax(q k^T / sqrt(D) + mask) v, with the scale
    // folded into the matmul instead of a scaled copy of q.
    const double scale = 1.0 / std::sqrt(static_cast<double>(headDim));
    const at::Tensor q = qkv[0].reshape({-1, tokens, headDim});
    const at::Tensor kT = qkv[1].reshape({-1, tokens, headDim}).transpose(1, 2);
    const at::Tensor v = qkv[2].reshape({-1, tokens, headDim});
    at::Tensor weights = mask.defined() ? at::baddbmm(mask, q, kT, 1.0, scale) : at::bmm(q, kT).mul_(scale);
    at::Tensor out = at::bmm(at::softmax(weights, -1), v).view({batch, m_heads, tokens, headDim});
#endif
    // [B, H, N, D] -> [B, N, W]
    return out_proj(out.permute({0, 2, 1, 3}).reshape({batch, tokens, m_width}));
}

}  // namespace cosmoclip
