#pragma once

#include <cstdint>
#include <string>

#include "model/clipconfig.h"
#include "model/clipencoder.h"

namespace cosmoclip {

class BpeTokenizer;

/// Making models from nothing but a configuration: random CLIP initialisation with a fixed seed,
/// for `cosmoclip model init`, benchmarks and tests. Torch-free header.
class ClipFactory final {
public:
    /// An encoder over a randomly initialised model of `config` (CLIP's initialisation, seeded).
    static ClipEncoder randomEncoder(const ClipConfig& config, uint64_t seed, ClipEncoderOptions options = {});

    /// Writes a randomly initialised model as a Hugging Face folder: config.json, model.safetensors,
    /// preprocessor_config.json and the tokenizer's vocab.json + merges.txt. The vocabulary size of
    /// `config` is replaced by the tokenizer's, and its end-of-text id recorded.
    static void writeRandomModel(ClipConfig config, const BpeTokenizer& tokenizer, uint64_t seed,
                                 const std::string& folder);

    /// Floating-point operations (multiply and add counted separately) of one image through the
    /// vision tower, and of one text of `tokens` tokens through the text tower.
    static double imageFlops(const ClipConfig& config);
    static double textFlops(const ClipConfig& config, int64_t tokens);
};

}  // namespace cosmoclip
