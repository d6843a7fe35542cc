#pragma once

#include <string>

namespace cosmoclip {

/// WiSE-FT (Wortsman et al.; docs/clip-spec.md §6): writes the weight-space blend
/// (1 - alpha) * base + alpha * finetuned of two checkpoints of the same architecture, key by key over
/// the whole state dict, as a Hugging Face folder at `outDir` with the fine-tuned model's
/// preprocessing and tokenizer files. alpha = 0 is the base model, 1 the fine-tuned one; 0.5 usually
/// keeps most of the zero-shot generality while gaining in-domain accuracy. Throws cosmoclip::Error
/// for alpha outside [0, 1] or models whose configurations differ (naming the first difference).
/// Torch-free header.
void wiseFt(const std::string& basePath, const std::string& finetunedPath, double alpha, const std::string& outDir);

}  // namespace cosmoclip
