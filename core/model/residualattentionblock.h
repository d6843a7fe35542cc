#pragma once

#include <array>
#include <memory>
#include <mutex>

#include <torch/nn/module.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "model/clipattention.h"
#include "model/clipconfig.h"
#include "model/clipencoder.h"
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

/// While one lives, the fused inference path of this thread runs the blocks' four matrix products in
/// `precision` (ClipPrecision): each block converts its weights once (again if they change).
/// LayerNorm, attention scores, softmax, activations and the residual stream stay float32. Nestable.
class InferencePrecision final {
public:
    explicit InferencePrecision(ClipPrecision precision);
    ~InferencePrecision();
    InferencePrecision(const InferencePrecision&) = delete;
    InferencePrecision& operator=(const InferencePrecision&) = delete;
    static ClipPrecision current();

private:
    ClipPrecision m_previous;
};

/// One pre-LN transformer block, shared by both towers (spec §1.1.5):
/// x = x + attn(ln_1(x), mask); x = x + mlp(ln_2(x)). Children: ln_1, attn, ln_2, mlp. x is [B, N, W].
///
/// Without autograd (inference mode or no_grad) on float32 CPU tensors, forward() takes a fused path
/// with the same maths: no bias copies (biases go in with the activation, the attention, or before the
/// residual), the residual added by the output GEMMs themselves (beta = 1), attention on slices of
/// one QKV matrix without permutes, one-pass LayerNorm/QuickGELU/softmax kernels (CpuKernels).
class ResidualAttentionBlockImpl final : public torch::nn::Module {
public:
    explicit ResidualAttentionBlockImpl(const BlockOptions& options);

    at::Tensor forward(const at::Tensor& x, const at::Tensor& mask = {});

    /// Whether forward(x, mask) takes the fused path.
    bool runsFused(const at::Tensor& x, const at::Tensor& mask) const;
    /// The fused path. `queryRows` undefined: the block's output [B, N, W]. Otherwise a [B] int64 tensor
    /// of token positions: only those rows are computed (the keys and values still see every token),
    /// [B, 1, W] — for the last block, whose other rows nobody reads. Requires runsFused().
    at::Tensor forwardFused(const at::Tensor& x, const at::Tensor& mask, const at::Tensor& queryRows);

    /// Process-wide switch of the fused path (default on), for benchmarks and tests that compare both.
    static void setFusedInference(bool enabled);
    static bool fusedInference();

    torch::nn::LayerNorm ln_1{nullptr};
    ClipAttention attn{nullptr};
    torch::nn::LayerNorm ln_2{nullptr};
    ClipMlp mlp{nullptr};

private:
    // in_proj, out_proj, c_fc, c_proj weights ([out, in]) as the fused path multiplies them.
    using GemmWeights = std::array<GemmWeight, 4>;
    struct Converted {
        GemmWeights weights;
        std::array<std::pair<const void*, int64_t>, 4> source{};  // data and version they were made from
    };
    struct ConvertedWeights {
        std::mutex mutex;
        Converted bfloat16, int8;
    };
    GemmWeights gemmWeights();

    std::shared_ptr<ConvertedWeights> m_converted = std::make_shared<ConvertedWeights>();
};

TORCH_MODULE(ResidualAttentionBlock);

}  // namespace cosmoclip
