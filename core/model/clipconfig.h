#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace cosmoclip {

/// The MLP activation of both towers. It is a property of the trained weights and can never be
/// told from tensor shapes (spec §1.1.5): OpenAI and *-quickgelu weights use QuickGELU, LAION-2B
/// and DataComp weights exact erf GELU.
enum class ClipActivation { QuickGelu, Gelu };

/// Where the text feature is taken: at argmax(ids) (OpenAI/open_clip; EOT is the largest id) or at
/// the first id == eotTokenId (Hugging Face for vocabularies where EOT is not the largest id).
enum class ClipTextPooling { Argmax, FirstEot };

struct ClipVisionConfig {
    int64_t imageSize = 224;  ///< input side R in pixels
    int64_t patchSize = 32;   ///< patch side P; R must be a multiple of P
    int64_t width = 768;
    int64_t layers = 12;
    int64_t heads = 12;
    int64_t intermediate = 3072;  ///< MLP hidden size (4 * width for every CLIP)

    int64_t gridSize() const { return imageSize / patchSize; }
    int64_t tokens() const { return gridSize() * gridSize() + 1; }  ///< patches + class token
    bool operator==(const ClipVisionConfig&) const = default;
};

struct ClipTextConfig {
    int64_t vocabSize = 49408;
    int64_t contextLength = 77;
    int64_t width = 512;
    int64_t layers = 12;
    int64_t heads = 8;
    int64_t intermediate = 2048;
    ClipTextPooling pooling = ClipTextPooling::Argmax;
    int64_t eotTokenId = 49407;  ///< used by FirstEot pooling and written to config.json
    bool operator==(const ClipTextConfig&) const = default;
};

/// Hyperparameters of a ViT CLIP (spec §1). Pure data plus the readers and writers of the three
/// checkpoint layouts' config files; no LibTorch here so that any file may include it.
struct ClipConfig {
    int64_t embedDim = 512;
    ClipVisionConfig vision;
    ClipTextConfig text;
    ClipActivation activation = ClipActivation::QuickGelu;
    double layerNormEps = 1e-5;
    double logitScaleInit = 2.6592;  ///< ln(1/0.07), the log value a fresh model starts from

    /// Throws cosmoclip::Error(source, ...) naming the first inconsistent field (sizes <= 0, width not
    /// divisible by heads, image size not a multiple of the patch size...).
    void validate(const std::string& source) const;

    /// Hugging Face `config.json` of a CLIPModel (vision_config/text_config, projection_dim, hidden_act).
    /// Missing fields take transformers' CLIPConfig defaults. `source` names the file in errors.
    static ClipConfig fromHuggingFaceJson(const nlohmann::json& json, const std::string& source);
    /// open_clip `open_clip_config.json` (its "model_cfg" object, or the model config itself).
    static ClipConfig fromOpenClipJson(const nlohmann::json& json, const std::string& source);
    /// OpenAI's build_model(): sizes inferred from the state-dict shapes (name -> shape). The activation
    /// is QuickGELU because every OpenAI checkpoint was trained with it.
    static ClipConfig fromOpenAiShapes(const std::map<std::string, std::vector<int64_t>>& shapes,
                                       const std::string& source);
    /// "ViT-B/32", "ViT-B/16", "ViT-L/14", "ViT-L/14@336" with OpenAI's sizes and QuickGELU.
    static ClipConfig named(const std::string& name);
    static std::vector<std::string> knownNames();
    /// A small random-init architecture for tests: width 64, 2 layers, image 32, patch 16, context 16.
    static ClipConfig tiny(int64_t vocabSize = 49408);

    /// The Hugging Face `config.json` object that transformers' CLIPModel.from_pretrained accepts.
    nlohmann::json toHuggingFaceJson() const;

    bool operator==(const ClipConfig&) const = default;
};

const char* activationName(ClipActivation activation);  ///< "quick_gelu" or "gelu" (HF hidden_act)

}  // namespace cosmoclip
