#include "model/visiontransformer.h"

#include <ATen/ATen.h>
#include <ATen/autocast_mode.h>

#include "common/error.h"
#include "model/weightnames.h"

namespace cosmoclip {

VisionTransformerImpl::VisionTransformerImpl(const ClipVisionConfig& c, int64_t embedDim,
                                             ClipActivation activation, double layerNormEps)
    : m_config(c) {
    const auto layerNorm = torch::nn::LayerNormOptions({c.width}).eps(layerNormEps);
    conv1 = register_module(
        "conv1",
        torch::nn::Conv2d(torch::nn::Conv2dOptions(3, c.width, c.patchSize).stride(c.patchSize).bias(false)));
    const double scale = 1.0 / std::sqrt(static_cast<double>(c.width));
    class_embedding = register_parameter("class_embedding", at::randn({c.width}) * scale);
    positional_embedding =
        register_parameter("positional_embedding", at::randn({c.tokens(), c.width}) * scale);
    ln_pre = register_module("ln_pre", torch::nn::LayerNorm(layerNorm));
    transformer = register_module(
        "transformer",
        Transformer(BlockOptions{c.width, c.heads, c.intermediate, activation, layerNormEps}, c.layers));
    ln_post = register_module("ln_post", torch::nn::LayerNorm(layerNorm));
    proj = register_parameter("proj", at::randn({c.width, embedDim}) * scale);
}

at::Tensor VisionTransformerImpl::forward(const at::Tensor& images) {
    const int64_t r = m_config.imageSize;
    if (images.dim() != 4 || images.size(1) != 3 || images.size(2) != r || images.size(3) != r)
        throw Error("VisionTransformer", "expected images of shape [B,3," + std::to_string(r) + "," +
                                             std::to_string(r) + "], got " +
                                             shapeToString(images.sizes().vec()));
    const int64_t batch = images.size(0);
    at::Tensor x = embedPatches(images.to(proj.scalar_type()));
    const at::Tensor cls =
        class_embedding.to(x.scalar_type()).view({1, 1, -1}).expand({batch, 1, m_config.width});
    x = ln_pre(at::cat({cls, x}, 1) + positional_embedding);
    // Only the class token's row of the last block is read.
    const at::Tensor classToken = at::zeros({batch}, at::kLong);
    return at::matmul(ln_post(transformer->forwardPooled(x, {}, classToken)), proj);
}

// [B, 3, R, R] -> [B, G*G, W], patches in row-major (h, then w) order. Without autograd the
// non-overlapping stride-P convolution is one GEMM over the patches laid out as rows (one copy of the
// image): faster than the convolution kernels LibTorch picks for this shape.
at::Tensor VisionTransformerImpl::embedPatches(const at::Tensor& images) {
    const int64_t p = m_config.patchSize;
    const int64_t g = m_config.imageSize / p;
    if (!ResidualAttentionBlockImpl::fusedInference() || at::GradMode::is_enabled() ||
        at::autocast::is_cpu_enabled() || g * p != m_config.imageSize || !images.device().is_cpu() ||
        images.scalar_type() != at::kFloat || conv1->weight.scalar_type() != at::kFloat)
        return conv1(images).flatten(2).transpose(1, 2);
    const int64_t batch = images.size(0);
    const at::Tensor patches =
        images.reshape({batch, 3, g, p, g, p}).permute({0, 2, 4, 1, 3, 5}).reshape({batch * g * g, 3 * p * p});
    return at::mm(patches, conv1->weight.reshape({m_config.width, 3 * p * p}).t()).view({batch, g * g, m_config.width});
}

}  // namespace cosmoclip
