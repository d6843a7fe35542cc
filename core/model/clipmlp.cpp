#include "model/clipmlp.h"

#include <ATen/ATen.h>

namespace cosmoclip {

ClipMlpImpl::ClipMlpImpl(int64_t width, int64_t intermediate, ClipActivation activation)
    : c_fc(register_module("c_fc", torch::nn::Linear(width, intermediate))),
      c_proj(register_module("c_proj", torch::nn::Linear(intermediate, width))),
      m_activation(activation) {}

at::Tensor ClipMlpImpl::forward(const at::Tensor& x) {
    at::Tensor h = c_fc(x);
    // Without autograd the activation runs in place: every fresh activation-sized buffer costs page
    // faults on the CPU allocator, which is most of an elementwise op's time.
    const bool inPlace = !at::GradMode::is_enabled();
    if (m_activation == ClipActivation::QuickGelu) {
        at::Tensor gate = (h * 1.702).sigmoid_();  // OpenAI's QuickGELU x * sigmoid(1.702 x)
        h = inPlace ? h.mul_(gate) : h * gate;
    } else {
        h = inPlace ? at::gelu_(h) : at::gelu(h);  // exact erf GELU, nn.GELU()
    }
    return c_proj(h);
}

}  // namespace cosmoclip
