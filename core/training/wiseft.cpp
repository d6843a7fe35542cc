#include "training/wiseft.h"

#include <cmath>
#include <filesystem>

#include <ATen/ATen.h>

#include "common/error.h"
#include "model/clipmodel.h"
#include "model/clipmodelloader.h"
#include "training/checkpointfolder.h"

namespace fs = std::filesystem;

namespace cosmoclip {

namespace {

std::string architectureDifference(const ClipConfig& a, const ClipConfig& b) {
    if (a.embedDim != b.embedDim) return "embedding size";
    if (!(a.vision == b.vision)) return "vision tower";
    if (a.text.vocabSize != b.text.vocabSize || a.text.contextLength != b.text.contextLength ||
        a.text.width != b.text.width || a.text.layers != b.text.layers || a.text.heads != b.text.heads ||
        a.text.intermediate != b.text.intermediate)
        return "text tower";
    if (a.activation != b.activation) return "activation";
    return {};
}

std::string folderOf(const std::string& modelPath) {
    return fs::is_directory(modelPath) ? modelPath : fs::path(modelPath).parent_path().string();
}

}  // namespace

void wiseFt(const std::string& basePath, const std::string& finetunedPath, double alpha, const std::string& outDir) {
    if (!(alpha >= 0.0 && alpha <= 1.0)) throw Error("WiSE-FT", "alpha must be in [0, 1]");
    LoadedClipModel base = ClipModelLoader::load(basePath);
    LoadedClipModel finetuned = ClipModelLoader::load(finetunedPath);
    const std::string difference = architectureDifference(base.config, finetuned.config);
    if (!difference.empty())
        throw Error(finetunedPath, "WiSE-FT needs the same architecture as " + basePath + "; the " + difference +
                                       " differs");
    at::NoGradGuard noGrad;
    const auto baseParameters = base.model->named_parameters(true);
    for (auto& item : finetuned.model->named_parameters(true)) {
        const at::Tensor* b = baseParameters.find(item.key());
        if (!b || b->sizes() != item.value().sizes())
            throw Error(finetunedPath, "WiSE-FT: tensor '" + item.key() + "' does not match " + basePath);
        // (1 - a) * base + a * ft, written as base + a * (ft - base) would differ in the last bit at a = 1.
        item.value().mul_(alpha).add_(*b, 1.0 - alpha);
    }
    replaceFolderAtomically(outDir, [&](const std::string& folder) {
        ClipModelLoader::saveHuggingFace(*finetuned.model, finetuned.preprocess, folder);
        if (copyTokenizerFiles(folderOf(finetunedPath), folder) == 0) copyTokenizerFiles(folderOf(basePath), folder);
    });
}

}  // namespace cosmoclip
