#include "model/residualattentionblock.h"

namespace cosmoclip {

ResidualAttentionBlockImpl::ResidualAttentionBlockImpl(const BlockOptions& o)
    : ln_1(register_module("ln_1",
                           torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.width}).eps(o.layerNormEps)))),
      attn(register_module("attn", ClipAttention(o.width, o.heads))),
      ln_2(register_module("ln_2",
                           torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.width}).eps(o.layerNormEps)))),
      mlp(register_module("mlp", ClipMlp(o.width, o.intermediate, o.activation))) {}

namespace {

// The residual add goes into the fresh branch output (autograd-safe: add needs no saved inputs),
// unless autocast made the branch lower precision than the stream: then the sum is a new tensor in
// the stream's precision, as x + branch is in PyTorch.
at::Tensor addResidual(at::Tensor branch, const at::Tensor& stream) {
    return branch.scalar_type() == stream.scalar_type() ? branch.add_(stream) : branch + stream;
}

}  // namespace

at::Tensor ResidualAttentionBlockImpl::forward(const at::Tensor& x, const at::Tensor& mask) {
    at::Tensor h = addResidual(attn(ln_1(x), mask), x);
    return addResidual(mlp(ln_2(h)), h);
}

}  // namespace cosmoclip
