#include "model/texttransformer.h"

#include <cmath>
#include <limits>

#include <ATen/ATen.h>

#include "common/error.h"
#include "model/weightnames.h"

namespace cosmoclip {

TextTransformerImpl::TextTransformerImpl(const ClipTextConfig& c, int64_t embedDim, ClipActivation activation,
                                         double layerNormEps)
    : m_config(c) {
    token_embedding = register_module("token_embedding", torch::nn::Embedding(c.vocabSize, c.width));
    positional_embedding =
        register_parameter("positional_embedding", at::randn({c.contextLength, c.width}) * 0.01);
    transformer = register_module(
        "transformer",
        Transformer(BlockOptions{c.width, c.heads, c.intermediate, activation, layerNormEps}, c.layers));
    ln_final = register_module(
        "ln_final", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.width}).eps(layerNormEps)));
    text_projection = register_parameter(
        "text_projection", at::randn({c.width, embedDim}) / std::sqrt(static_cast<double>(c.width)));
}

at::Tensor TextTransformerImpl::poolingPositions(const at::Tensor& ids) const {
    if (m_config.pooling == ClipTextPooling::Argmax) return ids.argmax(-1);
    // Like transformers: the first EOT (position 0 when a row has none).
    return ids.eq(m_config.eotTokenId).to(at::kInt).argmax(-1);
}

at::Tensor TextTransformerImpl::forward(const at::Tensor& idsIn) {
    if (idsIn.dim() != 2 || idsIn.size(0) == 0 || idsIn.size(1) == 0 ||
        idsIn.size(1) > m_config.contextLength)
        throw Error("TextTransformer", "expected token ids of shape [B,L] with 1 <= L <= " +
                                           std::to_string(m_config.contextLength) + ", got " +
                                           shapeToString(idsIn.sizes().vec()));
    if (at::isFloatingType(idsIn.scalar_type()) || idsIn.scalar_type() == at::kBool)
        throw Error("TextTransformer", "token ids must be an integer tensor");
    const at::Tensor ids = idsIn.to(at::kLong);
    const int64_t lowest = ids.min().item<int64_t>();
    const int64_t highest = ids.max().item<int64_t>();
    if (lowest < 0 || highest >= m_config.vocabSize)
        throw Error("TextTransformer", "token id " + std::to_string(lowest < 0 ? lowest : highest) +
                                           " is outside the vocabulary of " +
                                           std::to_string(m_config.vocabSize));
    const at::Tensor positions = poolingPositions(ids);
    // Tokens after the pooling position never influence it (causal mask), so they are not computed.
    const int64_t length = positions.max().item<int64_t>() + 1;
    at::Tensor x = token_embedding(ids.slice(1, 0, length)) + positional_embedding.slice(0, 0, length);
    const at::Tensor mask =
        at::full({length, length}, -std::numeric_limits<float>::infinity(), x.options()).triu_(1);
    // LayerNorm works per row: normalising the pooled rows alone gives the same features.
    return at::matmul(ln_final(transformer->forwardPooled(x, mask, positions)), text_projection);
}

}  // namespace cosmoclip
