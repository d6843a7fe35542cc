#pragma once

#include <optional>
#include <string>

#include "model/clipencoder.h"
#include "tokenizer/bpetokenizer.h"

namespace cosmoclip::cli {

/// Where the model and tokenizer of a command come from: `--model PATH` (a Hugging Face or open_clip
/// folder, or an OpenAI .pt), `--tokenizer DIR` (required for .pt files), or the built-in model.
struct ModelSource {
    std::string modelPath;   ///< resolved path; empty when none is available
    std::string tokenizerDir;

    static ModelSource resolve(const std::optional<std::string>& model, const std::optional<std::string>& tokenizer);
    BpeTokenizer loadTokenizer() const;
    ClipEncoder loadEncoder(const ClipEncoderOptions& options) const;
};

/// The built-in default model folder, or "" when this installation has none.
std::string builtinModelPath();

}  // namespace cosmoclip::cli
