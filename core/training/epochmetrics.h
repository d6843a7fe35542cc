#pragma once

#include <cstddef>
#include <cstdint>

#include <nlohmann/json_fwd.hpp>

#include "training/evaluation.h"

namespace cosmoclip {

/// What one training epoch achieved; streamed through Trainer callbacks and kept in the history.
struct EpochMetrics {
    int epoch = 0;             ///< 1-based
    int64_t step = 0;          ///< optimizer steps done by the end of the epoch
    double trainLoss = 0.0;    ///< mean contrastive loss over the epoch's training samples
    double valLoss = 0.0;      ///< mean contrastive loss on the validation examples (NaN without any)
    double lr = 0.0;           ///< learning rate of the epoch's last step
    size_t trainSamples = 0;   ///< images trained on (decode failures left out)
    EvalMetrics val;           ///< zero-shot top-1/top-5 and recall@1/5/10 on the validation examples
    double seconds = 0.0;      ///< wall time of the epoch, validation included

    /// The ordering that picks the best checkpoint: higher validation top-1, then lower validation
    /// loss (NaN counts as worst in both), then the later epoch.
    bool betterThan(const EpochMetrics& other) const;
};

/// {"epoch", "step", "train_loss", "val_loss", "lr", "train_samples", "seconds", "top1", "top5",
///  "per_class", "per_class_n", "labelled", "captions", "n", "i2t_recall@1/5/10", "t2i_recall@1/5/10"};
/// NaN as null.
nlohmann::json toJson(const EpochMetrics& metrics);
/// The inverse of toJson (null -> NaN). Throws cosmoclip::Error for a malformed object.
EpochMetrics epochMetricsFromJson(const nlohmann::json& json);

}  // namespace cosmoclip
