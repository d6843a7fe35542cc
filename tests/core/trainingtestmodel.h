#pragma once

// A tiny random CLIP (ClipConfig::tiny sizes) with a BPE vocabulary learnt from the synthetic dataset's
// texts, written as a Hugging Face folder: the base model of the training tests.
#include <string>
#include <vector>

#include "model/clipconfig.h"
#include "model/clipfactory.h"
#include "tokenizer/bpetokenizer.h"
#include "tokenizer/bpetrainer.h"
#include "training/trainingexample.h"
#include "trainingtestdata.h"

namespace trainingtestdata {

inline void writeBaseModel(const std::string& folder, uint64_t seed = 1) {
    std::vector<std::string> texts;
    for (const auto& label : classNames()) {
        texts.push_back("a photo of a " + label + ".");
        for (const char* size : {"a small ", "a large "})
            for (const char* where : {" in the upper left", " near the centre"}) texts.push_back(size + label + where);
    }
    const cosmoclip::BpeTokenizer tokenizer(cosmoclip::trainBpe(texts, 600));
    cosmoclip::ClipFactory::writeRandomModel(cosmoclip::ClipConfig::tiny(), tokenizer, seed, folder);
}

}  // namespace trainingtestdata
