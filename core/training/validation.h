#pragma once

#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "image/clippreprocess.h"
#include "training/evaluation.h"
#include "training/imagecache.h"
#include "training/trainer.h"

namespace cosmoclip {

class BpeTokenizer;
class ClipModelImpl;

struct ValidationResult {
    double loss = 0.0;  ///< mean contrastive loss over batches of the validation images (NaN: none)
    EvalMetrics metrics;
    std::vector<std::string> errors;  ///< files that failed to decode, first time only
};

/// The per-epoch validation of a fine-tuning run: contrastive loss in training-sized batches (same
/// positives rule), zero-shot top-1/top-5 on the examples' labels with class embeddings from the
/// templates (prompt ensembling), and image<->caption recall@1/5/10. Images go through the plain
/// CLIP preprocessing (no augmentation) of their cached decoded pictures; captions and prompts are
/// tokenized once.
class Validator final {
public:
    Validator(const std::vector<TrainingExample>& examples, const BpeTokenizer& tokenizer,
              const TrainerOptions& options, const PreprocessConfig& preprocess, int64_t contextLength,
              int cacheSide);

    bool empty() const { return m_examples.empty(); }
    /// Runs the model in eval mode without gradients, then puts it back in train mode.
    ValidationResult run(ClipModelImpl& model, const at::Device& device, bool autocast);

private:
    double loss(ClipModelImpl& model, const at::Tensor& imageFeatures, const at::Tensor& captionFeatures,
                const std::vector<size_t>& decoded) const;

    std::vector<TrainingExample> m_examples;
    TrainerOptions m_options;
    PreprocessConfig m_preprocess;
    EvalTexts m_texts;
    std::vector<std::vector<int32_t>> m_captionTokens;  // per distinct caption
    std::vector<std::vector<int32_t>> m_promptTokens;   // class-major [classes x templates]
    std::unique_ptr<ImageCache> m_cache;
};

}  // namespace cosmoclip
