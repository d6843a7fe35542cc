#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "model/clipconfig.h"
#include "model/gemmweight.h"

namespace cosmoclip {

/// The block MLP: `c_fc` (Linear W -> I), QuickGELU or exact GELU, `c_proj` (Linear I -> W). The
/// registration names are OpenAI's (its nn.Sequential children).
class ClipMlpImpl final : public torch::nn::Module {
public:
    ClipMlpImpl(int64_t width, int64_t intermediate, ClipActivation activation);

    at::Tensor forward(const at::Tensor& x);

    /// The fused float32 inference path: y += mlp(h) for 2-D y, h [rows, W], with bias + activation in
    /// one pass over c_fc's output and c_proj accumulated straight into y (GEMM beta = 1). The two
    /// weights are c_fc's and c_proj's in the precision of the run.
    void addForwardTo(at::Tensor& y, const at::Tensor& h, const GemmWeight& fcWeight,
                      const GemmWeight& projWeight);

    torch::nn::Linear c_fc{nullptr};
    torch::nn::Linear c_proj{nullptr};

private:
    ClipActivation m_activation;
};

TORCH_MODULE(ClipMlp);

}  // namespace cosmoclip
