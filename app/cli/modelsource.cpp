#include "cli/modelsource.h"

#include <filesystem>

#include "builtinmodel.h"
#include "cli/hubcommands.h"
#include "common/error.h"

namespace cosmoclip::cli {

namespace fs = std::filesystem;

std::string builtinModelPath() { return app::builtinModelPath(); }

ModelSource ModelSource::resolve(const std::optional<std::string>& model, const std::optional<std::string>& tokenizer) {
    ModelSource source;
    // A name such as openai/clip-vit-base-patch32 that is not a path: the model pulled under that name.
    source.modelPath = model ? resolveModelArgument(*model) : builtinModelPath();
    if (tokenizer) {
        source.tokenizerDir = *tokenizer;
    } else if (!source.modelPath.empty()) {
        const fs::path p(source.modelPath);
        source.tokenizerDir = fs::is_directory(p) ? p.string() : p.parent_path().string();
    }
    return source;
}

BpeTokenizer ModelSource::loadTokenizer() const {
    if (tokenizerDir.empty())
        throw Error("no tokenizer: pass --model FOLDER or --tokenizer DIR (this installation has no built-in model)");
    if (!modelPath.empty() && fs::is_regular_file(modelPath) && tokenizerDir == fs::path(modelPath).parent_path().string() &&
        !fs::exists(fs::path(tokenizerDir) / "vocab.json") && !fs::exists(fs::path(tokenizerDir) / "bpe_simple_vocab_16e6.txt.gz"))
        throw Error(modelPath, "an OpenAI .pt file carries no tokenizer: pass --tokenizer DIR");
    return BpeTokenizer::fromDirectory(tokenizerDir);
}

ClipEncoder ModelSource::loadEncoder(const ClipEncoderOptions& options) const {
    if (modelPath.empty()) throw Error("no model: pass --model PATH (this installation has no built-in model)");
    return ClipEncoder(modelPath, options);
}

}  // namespace cosmoclip::cli
