#include "model/clipmodel.h"

#include <cmath>

#include <ATen/ATen.h>

namespace cosmoclip {

ClipModelImpl::ClipModelImpl(const ClipConfig& config, bool initialize) : m_config(config) {
    m_config.validate("ClipModel");
    visual = register_module(
        "visual", VisionTransformer(config.vision, config.embedDim, config.activation, config.layerNormEps));
    text = TextTransformer(config.text, config.embedDim, config.activation, config.layerNormEps);
    register_module("token_embedding", text->token_embedding);
    register_parameter("positional_embedding", text->positional_embedding);
    register_module("transformer", text->transformer);
    register_module("ln_final", text->ln_final);
    register_parameter("text_projection", text->text_projection);
    logit_scale = register_parameter("logit_scale", at::full({}, config.logitScaleInit));
    if (initialize) initializeParameters();
}

// OpenAI's CLIP.initialize_parameters(), so that a model trained from scratch starts as CLIP does.
void ClipModelImpl::initializeParameters() {
    at::NoGradGuard noGrad;
    text->token_embedding->weight.normal_(0.0, 0.02);
    text->positional_embedding.normal_(0.0, 0.01);
    const auto initTower = [](Transformer& tower, int64_t width, int64_t layers) {
        const double w = static_cast<double>(width);
        const double projStd = std::pow(w, -0.5) * std::pow(2.0 * static_cast<double>(layers), -0.5);
        const double attnStd = std::pow(w, -0.5);
        const double fcStd = std::pow(2.0 * w, -0.5);
        for (const auto& child : tower->resblocks->children()) {
            auto block = std::dynamic_pointer_cast<ResidualAttentionBlockImpl>(child);
            block->attn->in_proj_weight.normal_(0.0, attnStd);
            block->attn->out_proj->weight.normal_(0.0, projStd);
            block->mlp->c_fc->weight.normal_(0.0, fcStd);
            block->mlp->c_proj->weight.normal_(0.0, projStd);
        }
    };
    initTower(text->transformer, m_config.text.width, m_config.text.layers);
    initTower(visual->transformer, m_config.vision.width, m_config.vision.layers);
    text->text_projection.normal_(0.0, std::pow(static_cast<double>(m_config.text.width), -0.5));
}

at::Tensor ClipModelImpl::encodeImage(const at::Tensor& images) {
    return visual(images);
}

at::Tensor ClipModelImpl::encodeText(const at::Tensor& ids) {
    return text(ids);
}

at::Tensor ClipModelImpl::logitsPerImage(const at::Tensor& imageFeatures,
                                         const at::Tensor& textFeatures) const {
    // L2 normalisation without epsilon, as OpenAI's forward().
    const at::Tensor imageUnit = imageFeatures / imageFeatures.norm(2, -1, true);
    const at::Tensor textUnit = textFeatures / textFeatures.norm(2, -1, true);
    return logit_scale.exp() * at::matmul(imageUnit, textUnit.t());
}

}  // namespace cosmoclip
