#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "training/epochmetrics.h"
#include "training/trainingexample.h"

namespace cosmoclip {

/// Where a run stands, stored as outDir/last/trainer_state.json beside the model and optimizer
/// state, plus the settings a resumed run must share with the first one. Torch-free.
struct TrainingState {
    int epoch = 0;              ///< the epoch to run next, 0-based
    size_t batch = 0;           ///< its first micro-batch still to run (a multiple of accumulation)
    int64_t step = 0;           ///< optimizer steps done
    double epochLossSum = 0.0;  ///< loss x samples over the current epoch's batches so far
    size_t epochSamples = 0;
    std::vector<EpochMetrics> history;
    std::optional<EpochMetrics> best;

    // Settings that decide the batches; resuming with others would not continue the same run.
    uint64_t seed = 0;
    int batchSize = 0;
    int accumulation = 1;
    int epochs = 0;
    std::string freeze;
    std::string fingerprint;  ///< trainingFingerprint() of the training examples

    nlohmann::json toJson() const;
    /// Throws cosmoclip::Error naming `source` for a malformed file.
    static TrainingState fromJson(const nlohmann::json& json, const std::string& source);
    static TrainingState read(const std::string& path);
    void write(const std::string& path) const;  ///< atomically
};

/// A stable hex digest (FNV-1a 64) of the examples' paths, HDUs, texts and labels in order.
std::string trainingFingerprint(const std::vector<TrainingExample>& examples, CaptionStyle style);

}  // namespace cosmoclip
