#include "model/weightnames.h"

#include <map>

namespace cosmoclip {
namespace {

using Shape = std::vector<int64_t>;

// One tower's tensors in OpenAI naming relative to the tower (`visual.` or the top level), with the
// HF name relative to `vision_model.` / `text_model.`; blocks are expanded by the caller.
struct BlockEntry {
    const char* openAi;
    const char* hf;  // nullptr: packed q/k/v
};

constexpr BlockEntry kBlockEntries[] = {
    {"ln_1.weight", "layer_norm1.weight"},
    {"ln_1.bias", "layer_norm1.bias"},
    {"attn.in_proj_weight", nullptr},
    {"attn.in_proj_bias", nullptr},
    {"attn.out_proj.weight", "self_attn.out_proj.weight"},
    {"attn.out_proj.bias", "self_attn.out_proj.bias"},
    {"ln_2.weight", "layer_norm2.weight"},
    {"ln_2.bias", "layer_norm2.bias"},
    {"mlp.c_fc.weight", "mlp.fc1.weight"},
    {"mlp.c_fc.bias", "mlp.fc1.bias"},
    {"mlp.c_proj.weight", "mlp.fc2.weight"},
    {"mlp.c_proj.bias", "mlp.fc2.bias"},
};

Shape blockShape(const std::string& suffix, int64_t width, int64_t intermediate) {
    if (suffix == "attn.in_proj_weight") return {3 * width, width};
    if (suffix == "attn.in_proj_bias") return {3 * width};
    if (suffix == "attn.out_proj.weight") return {width, width};
    if (suffix == "mlp.c_fc.weight") return {intermediate, width};
    if (suffix == "mlp.c_fc.bias") return {intermediate};
    if (suffix == "mlp.c_proj.weight") return {width, intermediate};
    return {width};  // LayerNorm weights/biases, out_proj.bias, c_proj.bias
}

WeightMapping copyOf(std::string name, Shape shape, std::string source) {
    Shape sourceShape = shape;
    return {std::move(name),
            std::move(shape),
            WeightTransform::Copy,
            {{std::move(source), std::move(sourceShape)}}};
}

WeightMapping transposeOf(std::string name, Shape shape, std::string source) {
    Shape sourceShape{shape.at(1), shape.at(0)};
    return {
        std::move(name), std::move(shape), WeightTransform::Transpose, {{std::move(source), sourceShape}}};
}

// The residual blocks of one tower in both namings.
void appendBlocks(std::vector<WeightMapping>& out, const std::string& ours, const std::string& hf,
                  int64_t layers, int64_t width, int64_t intermediate) {
    for (int64_t i = 0; i < layers; ++i) {
        const std::string ourBlock = ours + "transformer.resblocks." + std::to_string(i) + ".";
        const std::string hfBlock = hf + "encoder.layers." + std::to_string(i) + ".";
        for (const auto& entry : kBlockEntries) {
            Shape shape = blockShape(entry.openAi, width, intermediate);
            if (entry.hf) {
                out.push_back(copyOf(ourBlock + entry.openAi, shape, hfBlock + entry.hf));
                continue;
            }
            const bool weight = std::string(entry.openAi).ends_with("weight");
            Shape part = weight ? Shape{width, width} : Shape{width};
            WeightMapping m{ourBlock + entry.openAi, shape, WeightTransform::Concat, {}};
            for (const char* qkv : {"q", "k", "v"})
                m.sources.push_back(
                    {hfBlock + "self_attn." + qkv + "_proj." + (weight ? "weight" : "bias"), part});
            out.push_back(std::move(m));
        }
    }
}

std::vector<WeightMapping> visionMappings(const ClipConfig& c) {
    const auto& v = c.vision;
    const std::string e = "vision_model.embeddings.";
    std::vector<WeightMapping> out;
    out.push_back(
        copyOf("visual.conv1.weight", {v.width, 3, v.patchSize, v.patchSize}, e + "patch_embedding.weight"));
    out.push_back(copyOf("visual.class_embedding", {v.width}, e + "class_embedding"));
    out.push_back(
        copyOf("visual.positional_embedding", {v.tokens(), v.width}, e + "position_embedding.weight"));
    out.push_back(copyOf("visual.ln_pre.weight", {v.width}, "vision_model.pre_layrnorm.weight"));  // sic
    out.push_back(copyOf("visual.ln_pre.bias", {v.width}, "vision_model.pre_layrnorm.bias"));
    appendBlocks(out, "visual.", "vision_model.", v.layers, v.width, v.intermediate);
    out.push_back(copyOf("visual.ln_post.weight", {v.width}, "vision_model.post_layernorm.weight"));
    out.push_back(copyOf("visual.ln_post.bias", {v.width}, "vision_model.post_layernorm.bias"));
    out.push_back(transposeOf("visual.proj", {v.width, c.embedDim}, "visual_projection.weight"));
    return out;
}

std::vector<WeightMapping> textMappings(const ClipConfig& c) {
    const auto& t = c.text;
    const std::string e = "text_model.embeddings.";
    std::vector<WeightMapping> out;
    out.push_back(copyOf("token_embedding.weight", {t.vocabSize, t.width}, e + "token_embedding.weight"));
    out.push_back(
        copyOf("positional_embedding", {t.contextLength, t.width}, e + "position_embedding.weight"));
    appendBlocks(out, "", "text_model.", t.layers, t.width, t.intermediate);
    out.push_back(copyOf("ln_final.weight", {t.width}, "text_model.final_layer_norm.weight"));
    out.push_back(copyOf("ln_final.bias", {t.width}, "text_model.final_layer_norm.bias"));
    out.push_back(transposeOf("text_projection", {t.width, c.embedDim}, "text_projection.weight"));
    return out;
}

}  // namespace

std::vector<WeightMapping> WeightNames::huggingFace(const ClipConfig& config) {
    std::vector<WeightMapping> out = visionMappings(config);
    std::vector<WeightMapping> text = textMappings(config);
    out.insert(out.end(), std::make_move_iterator(text.begin()), std::make_move_iterator(text.end()));
    out.push_back(copyOf("logit_scale", {}, "logit_scale"));
    return out;
}

std::vector<WeightMapping> WeightNames::openAi(const ClipConfig& config) {
    std::vector<WeightMapping> out = huggingFace(config);
    for (auto& m : out) {
        m.transform = WeightTransform::Copy;
        m.sources = {{m.name, m.shape}};
    }
    return out;
}

bool WeightNames::isIgnoredHuggingFace(const std::string& name) {
    return name == "text_model.embeddings.position_ids" || name == "vision_model.embeddings.position_ids";
}

bool WeightNames::isIgnoredOpenAi(const std::string& name) {
    return name == "input_resolution" || name == "context_length" || name == "vocab_size" ||
           name == "attn_mask" || name.ends_with(".attn_mask");
}

std::string shapeToString(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i) s += ',';
        s += std::to_string(shape[i]);
    }
    return s + "]";
}

}  // namespace cosmoclip
