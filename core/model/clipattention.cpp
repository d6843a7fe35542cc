#include "model/clipattention.h"

#include <cmath>

#include <ATen/ATen.h>
#include "model/intraopparallel.h"
#include <torch/version.h>

#include "model/cpukernels.h"
#include "model/fusedtrainingops.h"
#include "model/gemmweight.h"

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
    // Training on float32 CPU tensors: the projections and the heads as fused autograd functions
    // (FusedTrainingOps), the heads parallel over (batch, head) straight from and into packed rows.
    if (at::GradMode::is_enabled() && FusedTrainingOps::fusedFor(x)) {
        const at::Tensor packed = FusedTrainingOps::linear(x, in_proj_weight, in_proj_bias);  // [B, N, 3W]
        if (FusedTrainingOps::fusedFor(packed, mask, m_heads))
            return FusedTrainingOps::linear(FusedTrainingOps::attention(packed, mask, m_heads), out_proj->weight,
                                            out_proj->bias);
    }
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

at::Tensor ClipAttentionImpl::mixHeads(const at::Tensor& h, const at::Tensor& mask, const at::Tensor& queryRows,
                                       const GemmWeight& weight) {
    const int64_t batch = h.size(0);
    const int64_t tokens = h.size(1);
    const int64_t w = m_width;
    const at::Tensor rows = h.reshape({batch * tokens, w});
    AttentionArgs a;
    a.keys = tokens;
    a.heads = m_heads;
    a.headDim = w / m_heads;
    a.scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(a.headDim)));
    at::Tensor qkv, q, positions;  // keep the buffers alive while the kernels read them
    const GemmWeight kv = queryRows.defined() ? weight.rows(w, 3 * w) : GemmWeight();
    if (!queryRows.defined() || kv.empty()) {
        qkv = weight.multiply(rows);  // [B*N, 3W]; the bias goes in per element, in cache
        float* p = qkv.data_ptr<float>();
        a.queries = tokens;
        a.q = p, a.k = p + w, a.v = p + 2 * w;
        a.qRowStride = a.kRowStride = a.vRowStride = 3 * w;
        a.qBatchStride = a.kBatchStride = a.vBatchStride = tokens * 3 * w;
        if (queryRows.defined()) {
            // A prepacked weight cannot be split by rows: every Q was projected, the queried ones are
            // taken out.
            positions = queryRows.to(at::kLong).contiguous();
            const at::Tensor flat = positions + at::arange(batch, positions.options()) * tokens;
            q = qkv.index_select(0, flat).slice(1, 0, w).contiguous();  // [B, W]
            a.queries = 1;
            a.queryPositions = positions.data_ptr<int64_t>();
            a.q = q.data_ptr<float>();
            a.qRowStride = a.qBatchStride = w;
        }
    } else {
        // Only one query per element: K and V for every token, Q for that token alone.
        positions = queryRows.to(at::kLong).contiguous();
        qkv = kv.multiply(rows);  // [B*N, 2W]
        const at::Tensor flat = positions + at::arange(batch, positions.options()) * tokens;
        q = weight.rows(0, w).multiply(rows.index_select(0, flat));  // [B, W]
        float* p = qkv.data_ptr<float>();
        a.queries = 1;
        a.queryPositions = positions.data_ptr<int64_t>();
        a.q = q.data_ptr<float>(), a.k = p, a.v = p + w;
        a.qRowStride = a.qBatchStride = w;
        a.kRowStride = a.vRowStride = 2 * w;
        a.kBatchStride = a.vBatchStride = tokens * 2 * w;
    }
    if (in_proj_bias.defined()) {
        const float* bias = in_proj_bias.data_ptr<float>();
        a.qBias = bias, a.kBias = bias + w, a.vBias = bias + 2 * w;
    }
    at::Tensor maskRows;
    if (mask.defined()) {
        maskRows = mask.to(at::kFloat).contiguous();
        a.mask = maskRows.data_ptr<float>();
        a.maskRowStride = maskRows.size(1);
    }
    at::Tensor out = at::empty({batch, a.queries, w}, h.options());
    a.out = out.data_ptr<float>();
    a.outRowStride = w;
    a.outBatchStride = a.queries * w;
    at::parallel_for(0, batch, 1, [&](int64_t begin, int64_t end) { CpuKernels::attention(a, begin, end); });
    return out;
}

}  // namespace cosmoclip
