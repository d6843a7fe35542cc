#include "model/clipfactory.h"

#include <filesystem>

#include <ATen/ATen.h>

#include "common/error.h"
#include "model/clipmodel.h"
#include "model/clipmodelloader.h"
#include "tokenizer/bpetokenizer.h"

namespace cosmoclip {

namespace {

// Multiply-accumulates of one pre-LN residual block over `n` tokens of width `w` (MLP hidden `h`):
// packed QKV, scores, weighted values, output projection, two MLP layers. LayerNorms and softmax
// are a few operations per element and left out, as FLOP counts for CLIP usually do.
double blockMacs(double n, double w, double h) { return 4.0 * n * w * w + 2.0 * n * n * w + 2.0 * n * w * h; }

}  // namespace

ClipEncoder ClipFactory::randomEncoder(const ClipConfig& config, uint64_t seed, ClipEncoderOptions options) {
    config.validate("random model");
    at::manual_seed(seed);
    LoadedClipModel loaded;
    loaded.model = ClipModel(config);
    loaded.config = config;
    loaded.preprocess = ClipPreprocessorConfig::forImageSize(config.vision.imageSize);
    return ClipEncoder(std::move(loaded), options);
}

void ClipFactory::writeRandomModel(ClipConfig config, const BpeTokenizer& tokenizer, uint64_t seed,
                                   const std::string& folder) {
    config.text.vocabSize = tokenizer.vocabularySize();
    config.text.eotTokenId = tokenizer.endOfText();
    // Argmax pooling finds the end token only when it is the largest id, as in OpenAI's vocabulary.
    if (tokenizer.endOfText() != tokenizer.vocabularySize() - 1) config.text.pooling = ClipTextPooling::FirstEot;
    config.validate(folder);
    at::manual_seed(seed);
    ClipModel model(config);
    std::filesystem::create_directories(folder);
    ClipModelLoader::saveHuggingFace(*model, ClipPreprocessorConfig::forImageSize(config.vision.imageSize), folder);
    tokenizer.save(folder);
}

double ClipFactory::imageFlops(const ClipConfig& config) {
    const auto& v = config.vision;
    const double patches = static_cast<double>(v.gridSize() * v.gridSize());
    const double patchMacs = patches * static_cast<double>(v.width) * 3.0 * v.patchSize * v.patchSize;
    const double blocks = static_cast<double>(v.layers) * blockMacs(static_cast<double>(v.tokens()),
                                                                     static_cast<double>(v.width),
                                                                     static_cast<double>(v.intermediate));
    const double projection = static_cast<double>(v.width) * static_cast<double>(config.embedDim);
    return 2.0 * (patchMacs + blocks + projection);
}

double ClipFactory::textFlops(const ClipConfig& config, int64_t tokens) {
    const auto& t = config.text;
    const double blocks = static_cast<double>(t.layers) *
                          blockMacs(static_cast<double>(tokens), static_cast<double>(t.width),
                                    static_cast<double>(t.intermediate));
    return 2.0 * (blocks + static_cast<double>(t.width) * static_cast<double>(config.embedDim));
}

}  // namespace cosmoclip
