#include "model/clipconfig.h"

#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace cosmoclip {
namespace {

using nlohmann::json;

// Reads an integer field, or `fallback` when absent or null. Floats with an integral value are
// accepted because some exporters write 768.0.
int64_t intField(const json& object, const char* key, int64_t fallback, const std::string& source) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return fallback;
    if (it->is_number_integer() || it->is_number_unsigned()) return it->get<int64_t>();
    if (it->is_number_float() && std::floor(it->get<double>()) == it->get<double>())
        return static_cast<int64_t>(it->get<double>());
    throw Error(source, std::string("field '") + key + "' must be an integer, got " + it->dump());
}

double numberField(const json& object, const char* key, double fallback, const std::string& source) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return fallback;
    if (!it->is_number()) throw Error(source, std::string("field '") + key + "' must be a number");
    return it->get<double>();
}

std::string stringField(const json& object, const char* key, const std::string& fallback,
                        const std::string& source) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return fallback;
    if (!it->is_string()) throw Error(source, std::string("field '") + key + "' must be a string");
    return it->get<std::string>();
}

bool boolField(const json& object, const char* key, bool fallback, const std::string& source) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return fallback;
    if (!it->is_boolean()) throw Error(source, std::string("field '") + key + "' must be true or false");
    return it->get<bool>();
}

const json& objectField(const json& object, const char* key, const char* alternative, const json& empty,
                        const std::string& source) {
    for (const char* name : {key, alternative}) {
        if (!name) continue;
        const auto it = object.find(name);
        if (it == object.end() || it->is_null()) continue;
        if (!it->is_object()) throw Error(source, std::string("field '") + name + "' must be an object");
        return *it;
    }
    return empty;
}

ClipActivation parseActivation(const std::string& name, const std::string& source) {
    if (name == "quick_gelu") return ClipActivation::QuickGelu;
    if (name == "gelu") return ClipActivation::Gelu;
    throw Error(source, "unsupported hidden_act '" + name + "' (expected quick_gelu or gelu)");
}

// An open_clip option that changes the architecture away from plain CLIP must be refused rather
// than ignored, or the weights would load into the wrong network.
void refuseOpenClipOption(const json& cfg, const char* key, const json& plain, const std::string& source) {
    const auto it = cfg.find(key);
    if (it == cfg.end() || it->is_null() || *it == plain) return;
    throw Error(source, std::string("open_clip option '") + key + "': " + it->dump() +
                            " is not supported (only standard ViT CLIP models are)");
}

int64_t openClipImageSize(const json& vision, const std::string& source) {
    const auto it = vision.find("image_size");
    if (it != vision.end() && it->is_array()) {
        if (it->size() != 2 || (*it)[0] != (*it)[1])
            throw Error(source, "non-square image_size " + it->dump() + " is not supported");
        return (*it)[0].get<int64_t>();
    }
    return intField(vision, "image_size", 224, source);
}

ClipVisionConfig openClipVision(const json& vision, const std::string& source) {
    if (vision.contains("layers") && !vision["layers"].is_number())
        throw Error(source, "ResNet CLIP towers (vision_cfg.layers is a list) are not supported");
    for (const char* key : {"timm_model_name", "ls_init_value"})
        refuseOpenClipOption(vision, key, nullptr, source);
    for (const char* key : {"attentional_pool", "no_ln_pre", "final_ln_after_pool", "output_tokens"})
        refuseOpenClipOption(vision, key, false, source);
    refuseOpenClipOption(vision, "pool_type", "tok", source);
    ClipVisionConfig v;
    v.imageSize = openClipImageSize(vision, source);
    v.patchSize = intField(vision, "patch_size", 16, source);
    v.width = intField(vision, "width", 768, source);
    v.layers = intField(vision, "layers", 12, source);
    const int64_t headWidth = intField(vision, "head_width", 64, source);
    if (headWidth <= 0) throw Error(source, "vision_cfg.head_width must be positive");
    v.heads = v.width / headWidth;
    v.intermediate = static_cast<int64_t>(v.width * numberField(vision, "mlp_ratio", 4.0, source));
    return v;
}

ClipTextConfig openClipText(const json& text, const std::string& source) {
    for (const char* key : {"hf_model_name", "ls_init_value"})
        refuseOpenClipOption(text, key, nullptr, source);
    for (const char* key : {"no_causal_mask", "proj_bias", "embed_cls"})
        refuseOpenClipOption(text, key, false, source);
    refuseOpenClipOption(text, "proj_type", "linear", source);
    ClipTextConfig t;
    t.contextLength = intField(text, "context_length", 77, source);
    t.vocabSize = intField(text, "vocab_size", 49408, source);
    t.width = intField(text, "width", 512, source);
    t.heads = intField(text, "heads", 8, source);
    t.layers = intField(text, "layers", 12, source);
    t.intermediate = static_cast<int64_t>(t.width * numberField(text, "mlp_ratio", 4.0, source));
    t.eotTokenId = t.vocabSize - 1;
    const std::string pool = stringField(text, "pool_type", "argmax", source);
    if (pool == "eos") {
        t.pooling = ClipTextPooling::FirstEot;
        t.eotTokenId = intField(text, "eos_id", 49407, source);
    } else if (pool != "argmax") {
        throw Error(source, "text_cfg.pool_type '" + pool + "' is not supported (argmax or eos)");
    }
    return t;
}

const std::vector<int64_t>& requireShape(const std::map<std::string, std::vector<int64_t>>& shapes,
                                         const std::string& name, size_t rank, const std::string& source) {
    const auto it = shapes.find(name);
    if (it == shapes.end()) throw Error(source, "missing tensor '" + name + "'");
    if (it->second.size() != rank)
        throw Error(source, "'" + name + "' has " + std::to_string(it->second.size()) +
                                " dimensions, expected " + std::to_string(rank));
    return it->second;
}

// Distinct N in "<prefix>N." over all names, i.e. the number of residual blocks of a tower.
int64_t countBlocks(const std::map<std::string, std::vector<int64_t>>& shapes, const std::string& prefix) {
    std::set<std::string> blocks;
    for (const auto& [name, shape] : shapes) {
        if (name.rfind(prefix, 0) != 0) continue;
        const auto dot = name.find('.', prefix.size());
        if (dot != std::string::npos) blocks.insert(name.substr(prefix.size(), dot - prefix.size()));
    }
    return static_cast<int64_t>(blocks.size());
}

void requirePositive(int64_t value, const char* what, const std::string& source) {
    if (value <= 0)
        throw Error(source, std::string(what) + " must be positive, got " + std::to_string(value));
}

}  // namespace

const char* activationName(ClipActivation activation) {
    return activation == ClipActivation::QuickGelu ? "quick_gelu" : "gelu";
}

void ClipConfig::validate(const std::string& source) const {
    requirePositive(embedDim, "projection dimension", source);
    requirePositive(vision.imageSize, "vision image size", source);
    requirePositive(vision.patchSize, "vision patch size", source);
    requirePositive(vision.width, "vision width", source);
    requirePositive(vision.layers, "vision layers", source);
    requirePositive(vision.heads, "vision heads", source);
    requirePositive(vision.intermediate, "vision MLP size", source);
    requirePositive(text.vocabSize, "text vocabulary size", source);
    requirePositive(text.contextLength, "text context length", source);
    requirePositive(text.width, "text width", source);
    requirePositive(text.layers, "text layers", source);
    requirePositive(text.heads, "text heads", source);
    requirePositive(text.intermediate, "text MLP size", source);
    if (vision.imageSize % vision.patchSize != 0)
        throw Error(source, "image size " + std::to_string(vision.imageSize) +
                                " is not a multiple of patch size " + std::to_string(vision.patchSize));
    if (vision.width % vision.heads != 0)
        throw Error(source, "vision width " + std::to_string(vision.width) + " is not divisible by " +
                                std::to_string(vision.heads) + " heads");
    if (text.width % text.heads != 0)
        throw Error(source, "text width " + std::to_string(text.width) + " is not divisible by " +
                                std::to_string(text.heads) + " heads");
    if (text.eotTokenId < 0 || text.eotTokenId >= text.vocabSize)
        throw Error(source,
                    "end-of-text id " + std::to_string(text.eotTokenId) + " is outside the vocabulary");
    if (!(layerNormEps > 0.0)) throw Error(source, "layer_norm_eps must be positive");
}

ClipConfig ClipConfig::fromHuggingFaceJson(const nlohmann::json& json, const std::string& source) {
    if (!json.is_object()) throw Error(source, "config is not a JSON object");
    const nlohmann::json empty = nlohmann::json::object();
    const auto& tj = objectField(json, "text_config", "text_config_dict", empty, source);
    const auto& vj = objectField(json, "vision_config", "vision_config_dict", empty, source);
    if (intField(vj, "num_channels", 3, source) != 3)
        throw Error(source, "vision_config.num_channels must be 3");
    ClipConfig c;
    c.embedDim = intField(json, "projection_dim", 512, source);
    c.logitScaleInit = numberField(json, "logit_scale_init_value", 2.6592, source);
    c.vision.imageSize = intField(vj, "image_size", 224, source);
    c.vision.patchSize = intField(vj, "patch_size", 32, source);
    c.vision.width = intField(vj, "hidden_size", 768, source);
    c.vision.layers = intField(vj, "num_hidden_layers", 12, source);
    c.vision.heads = intField(vj, "num_attention_heads", 12, source);
    c.vision.intermediate = intField(vj, "intermediate_size", 3072, source);
    c.text.vocabSize = intField(tj, "vocab_size", 49408, source);
    c.text.contextLength = intField(tj, "max_position_embeddings", 77, source);
    c.text.width = intField(tj, "hidden_size", 512, source);
    c.text.layers = intField(tj, "num_hidden_layers", 12, source);
    c.text.heads = intField(tj, "num_attention_heads", 8, source);
    c.text.intermediate = intField(tj, "intermediate_size", 2048, source);
    // transformers pools at argmax when eos_token_id == 2 (configs from before PR #24773) and at the
    // first EOS otherwise; both agree whenever EOS is the largest id.
    const int64_t eos = intField(tj, "eos_token_id", 49407, source);
    c.text.eotTokenId = eos == 2 ? c.text.vocabSize - 1 : eos;
    c.text.pooling =
        (eos == 2 || eos == c.text.vocabSize - 1) ? ClipTextPooling::Argmax : ClipTextPooling::FirstEot;
    const std::string textAct = stringField(tj, "hidden_act", "quick_gelu", source);
    const std::string visionAct = stringField(vj, "hidden_act", "quick_gelu", source);
    if (textAct != visionAct)
        throw Error(source, "text hidden_act '" + textAct + "' differs from vision hidden_act '" + visionAct +
                                "' (not supported)");
    c.activation = parseActivation(textAct, source);
    c.layerNormEps = numberField(tj, "layer_norm_eps", 1e-5, source);
    if (numberField(vj, "layer_norm_eps", 1e-5, source) != c.layerNormEps)
        throw Error(source, "text and vision layer_norm_eps differ (not supported)");
    c.validate(source);
    return c;
}

ClipConfig ClipConfig::fromOpenClipJson(const nlohmann::json& json, const std::string& source) {
    if (!json.is_object()) throw Error(source, "config is not a JSON object");
    const auto it = json.find("model_cfg");
    const nlohmann::json& cfg = it != json.end() ? *it : json;
    if (!cfg.is_object() || !cfg.contains("embed_dim"))
        throw Error(source, "no open_clip model config (model_cfg.embed_dim is missing)");
    const nlohmann::json empty = nlohmann::json::object();
    ClipConfig c;
    c.embedDim = intField(cfg, "embed_dim", 512, source);
    c.vision = openClipVision(objectField(cfg, "vision_cfg", nullptr, empty, source), source);
    const auto& text = objectField(cfg, "text_cfg", nullptr, empty, source);
    c.text = openClipText(text, source);
    c.activation =
        boolField(cfg, "quick_gelu", false, source) ? ClipActivation::QuickGelu : ClipActivation::Gelu;
    const auto& norm = objectField(text, "norm_kwargs", nullptr, empty, source);
    c.layerNormEps = numberField(norm, "eps", 1e-5, source);
    c.validate(source);
    return c;
}

ClipConfig ClipConfig::fromOpenAiShapes(const std::map<std::string, std::vector<int64_t>>& shapes,
                                        const std::string& source) {
    if (!shapes.count("visual.proj")) {
        const auto attnpool = shapes.lower_bound("visual.attnpool.");
        if (attnpool != shapes.end() && attnpool->first.rfind("visual.attnpool.", 0) == 0)
            throw Error(source, "ResNet CLIP (visual.attnpool) is not supported, only ViT models");
        throw Error(source, "missing tensor 'visual.proj'");
    }
    ClipConfig c;
    const auto& conv = requireShape(shapes, "visual.conv1.weight", 4, source);
    c.vision.width = conv[0];
    c.vision.patchSize = conv[3];
    c.vision.layers = countBlocks(shapes, "visual.transformer.resblocks.");
    const auto& pos = requireShape(shapes, "visual.positional_embedding", 2, source);
    const auto grid = static_cast<int64_t>(std::lround(std::sqrt(static_cast<double>(pos[0] - 1))));
    if (grid * grid + 1 != pos[0])
        throw Error(source, "'visual.positional_embedding' has " + std::to_string(pos[0]) +
                                " rows, not a square grid plus a class token");
    c.vision.imageSize = c.vision.patchSize * grid;
    c.vision.heads = c.vision.width / 64;
    const auto vfc = shapes.find("visual.transformer.resblocks.0.mlp.c_fc.weight");
    c.vision.intermediate = vfc != shapes.end() && !vfc->second.empty() ? vfc->second[0] : 4 * c.vision.width;
    c.embedDim = requireShape(shapes, "text_projection", 2, source)[1];
    c.text.contextLength = requireShape(shapes, "positional_embedding", 2, source)[0];
    c.text.vocabSize = requireShape(shapes, "token_embedding.weight", 2, source)[0];
    c.text.eotTokenId = c.text.vocabSize - 1;
    c.text.width = requireShape(shapes, "ln_final.weight", 1, source)[0];
    c.text.heads = c.text.width / 64;
    c.text.layers = countBlocks(shapes, "transformer.resblocks.");
    const auto tfc = shapes.find("transformer.resblocks.0.mlp.c_fc.weight");
    c.text.intermediate = tfc != shapes.end() && !tfc->second.empty() ? tfc->second[0] : 4 * c.text.width;
    c.activation = ClipActivation::QuickGelu;
    c.validate(source);
    return c;
}

std::vector<std::string> ClipConfig::knownNames() {
    return {"ViT-B/32", "ViT-B/16", "ViT-L/14", "ViT-L/14@336"};
}

ClipConfig ClipConfig::named(const std::string& name) {
    ClipConfig c;  // the defaults are ViT-B/32
    if (name == "ViT-B/32") return c;
    if (name == "ViT-B/16") {
        c.vision.patchSize = 16;
        return c;
    }
    if (name != "ViT-L/14" && name != "ViT-L/14@336") throw Error(name, "unknown CLIP architecture");
    c.embedDim = 768;
    c.vision = {name == "ViT-L/14" ? 224 : 336, 14, 1024, 24, 16, 4096};
    c.text.width = 768;
    c.text.heads = 12;
    c.text.intermediate = 3072;
    return c;
}

ClipConfig ClipConfig::tiny(int64_t vocabSize) {
    ClipConfig c;
    c.embedDim = 32;
    c.vision = {32, 16, 64, 2, 1, 256};
    c.text.vocabSize = vocabSize;
    c.text.contextLength = 16;
    c.text.width = 64;
    c.text.layers = 2;
    c.text.heads = 1;
    c.text.intermediate = 256;
    c.text.eotTokenId = vocabSize - 1;
    c.validate("ClipConfig::tiny");
    return c;
}

nlohmann::json ClipConfig::toHuggingFaceJson() const {
    // transformers reads eos_token_id == 2 as "pool at argmax"; any other value as "pool at the first EOS".
    const bool argmaxDiffers =
        text.pooling == ClipTextPooling::Argmax && text.eotTokenId != text.vocabSize - 1;
    nlohmann::json t = {{"model_type", "clip_text_model"},
                        {"vocab_size", text.vocabSize},
                        {"hidden_size", text.width},
                        {"intermediate_size", text.intermediate},
                        {"num_hidden_layers", text.layers},
                        {"num_attention_heads", text.heads},
                        {"max_position_embeddings", text.contextLength},
                        {"hidden_act", activationName(activation)},
                        {"layer_norm_eps", layerNormEps},
                        {"projection_dim", embedDim},
                        {"bos_token_id", text.vocabSize - 2},
                        {"pad_token_id", 1},
                        {"eos_token_id", argmaxDiffers ? 2 : text.eotTokenId}};
    nlohmann::json v = {{"model_type", "clip_vision_model"},
                        {"image_size", vision.imageSize},
                        {"patch_size", vision.patchSize},
                        {"hidden_size", vision.width},
                        {"intermediate_size", vision.intermediate},
                        {"num_hidden_layers", vision.layers},
                        {"num_attention_heads", vision.heads},
                        {"hidden_act", activationName(activation)},
                        {"layer_norm_eps", layerNormEps},
                        {"num_channels", 3},
                        {"projection_dim", embedDim}};
    return {{"architectures", {"CLIPModel"}},
            {"model_type", "clip"},
            {"projection_dim", embedDim},
            {"logit_scale_init_value", logitScaleInit},
            {"initializer_factor", 1.0},
            {"torch_dtype", "float32"},
            {"text_config", t},
            {"vision_config", v}};
}

}  // namespace cosmoclip
