#pragma once

#include <string>
#include <vector>

namespace cosmoclip::cli {

/// `cosmoclip tokenizer train`: a CLIP BPE vocabulary learned from a catalog's captions and labels
/// (with the built-in prompt templates, so prompts tokenize well) and/or text files.
int runTokenizer(const std::vector<std::string>& args);

}  // namespace cosmoclip::cli
