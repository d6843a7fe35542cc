#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "model/clipconfig.h"

namespace cosmoclip {

/// The block MLP: `c_fc` (Linear W -> I), QuickGELU or exact GELU, `c_proj` (Linear I -> W). The
/// registration names are OpenAI's (its nn.Sequential children).
class ClipMlpImpl final : public torch::nn::Module {
public:
    ClipMlpImpl(int64_t width, int64_t intermediate, ClipActivation activation);

    at::Tensor forward(const at::Tensor& x);

    torch::nn::Linear c_fc{nullptr};
    torch::nn::Linear c_proj{nullptr};

private:
    ClipActivation m_activation;
};

TORCH_MODULE(ClipMlp);

}  // namespace cosmoclip
