#include "model/residualattentionblock.h"

namespace cosmoclip {

ResidualAttentionBlockImpl::ResidualAttentionBlockImpl(const BlockOptions& o)
    : ln_1(register_module("ln_1",
                           torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.width}).eps(o.layerNormEps)))),
      attn(register_module("attn", ClipAttention(o.width, o.heads))),
      ln_2(register_module("ln_2",
                           torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.width}).eps(o.layerNormEps)))),
      mlp(register_module("mlp", ClipMlp(o.width, o.intermediate, o.activation))) {}

at::Tensor ResidualAttentionBlockImpl::forward(const at::Tensor& x, const at::Tensor& mask) {
    // The residual adds go into the fresh branch outputs (autograd-safe: add needs no saved inputs).
    at::Tensor h = attn(ln_1(x), mask).add_(x);
    return mlp(ln_2(h)).add_(h);
}

}  // namespace cosmoclip
