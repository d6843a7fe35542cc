#pragma once

#include <functional>
#include <string>
#include <vector>

#include "model/clipconfig.h"
#include "model/clipmodel.h"
#include "model/clippreprocessorconfig.h"
#include "model/weightnames.h"

namespace cosmoclip {

class CheckpointTensors;

/// The three checkpoint layouts (spec §2).
enum class ClipCheckpointLayout {
    HuggingFace,  ///< folder: config.json + model.safetensors (or sharded), HF tensor names
    OpenClip,     ///< folder: open_clip_config.json + open_clip_model.safetensors, OpenAI names
    OpenAi        ///< OpenAI TorchScript .pt archive; sizes inferred from shapes, QuickGELU
};

const char* layoutName(ClipCheckpointLayout layout);

/// A model ready for inference (float32, CPU, eval mode) and what its files said about it.
struct LoadedClipModel {
    ClipModel model{nullptr};
    ClipConfig config;
    ClipPreprocessorConfig preprocess;
    ClipCheckpointLayout layout = ClipCheckpointLayout::HuggingFace;
    std::string weightsPath;  ///< the weight file (or shard index) that was read
};

/// Loads and saves CLIP checkpoints. Loading never half-succeeds: every tensor is checked (presence,
/// float dtype, shape against the config) before any is copied, and all problems are reported in one
/// cosmoclip::Error ("FILE: missing tensor 'x'; 'y' has shape [..], expected [..]; unexpected tensor 'z'").
class ClipModelLoader final {
public:
    /// Which layout PATH holds, judged from the file names present; throws Error when none fits.
    static ClipCheckpointLayout detectLayout(const std::string& path);
    /// A folder (HF or open_clip), a .safetensors file inside one, or an OpenAI .pt archive.
    static LoadedClipModel load(const std::string& path);

    /// A new model of `config` whose parameters are built from `tensors` by `mappings`; names for which
    /// `ignored` is true may be present without being used. F16/BF16 tensors are converted to F32.
    static ClipModel fromTensors(const ClipConfig& config, const CheckpointTensors& tensors,
                                 const std::vector<WeightMapping>& mappings,
                                 const std::function<bool(const std::string&)>& ignored);

    /// Writes a Hugging Face folder (created if needed): config.json, model.safetensors (F32, HF names)
    /// and preprocessor_config.json, loadable by transformers' CLIPModel. Tokenizer files are the
    /// caller's. Throws Error.
    static void saveHuggingFace(ClipModelImpl& model, const ClipPreprocessorConfig& preprocess,
                                const std::string& folder);
};

}  // namespace cosmoclip
