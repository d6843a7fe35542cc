#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "model/clipconfig.h"
#include "training/parameterrules.h"

namespace cosmoclip {

class DistributedGroup;

struct TrainingBenchmarkOptions {
    ClipConfig config = ClipConfig::named("ViT-B/32");
    int64_t batch = 32;
    int64_t tokens = 16;  ///< caption length, start and end tokens included
    int steps = 3;        ///< timed steps, after warmupSteps untimed ones
    /// Untimed steps first. The first allocates the AdamW moments (1.2 GB for ViT-B/32) where its own
    /// activations were, so the second still faults ~170k fresh pages for its activations; from the
    /// third on every step reuses the same heap (2 = the steady state of a long run).
    int warmupSteps = 1;
    int threads = 0;      ///< CPU threads; 0 leaves the current setting
    std::string device = "cpu";  ///< as TrainerOptions::device
    bool mixedPrecision = true;  ///< CUDA only
    FreezeOptions freeze;
    /// Data-parallel step (null: this process alone): `batch` is the global batch, each rank runs
    /// its slice and the step of Trainer (features all-gathered, whole-batch loss, gradients
    /// all-reduced by DistributedReducer). Every rank calls benchmarkTraining; the rates are global.
    std::shared_ptr<DistributedGroup> group;
};

struct TrainingBenchmarkResult {
    double samplesPerSecond = 0.0;
    double secondsPerStep = 0.0;
    double optimizerSecondsPerStep = 0.0;  ///< of which the clipping + AdamW update
    /// Process CPU time (all threads) per step: on a shared machine a steadier measure of the work
    /// than wall time, which depends on the scheduler's share.
    double cpuSecondsPerStep = 0.0;
    int steps = 0;
    int threads = 0;
    std::string device;
};

/// Training throughput of the fine-tuning step alone, the figure `cosmoclip bench train` reports:
/// a randomly initialised model of options.config, synthetic images and captions, and per step the
/// forward pass of both towers, the soft-target contrastive loss, backward and the AdamW step
/// (gradient clipping and logit_scale clamp included). The data pipeline is left out, as in the
/// PyTorch peer (tests/bench/torch_train_peer.py). Throws cosmoclip::Error. Torch-free header.
TrainingBenchmarkResult benchmarkTraining(const TrainingBenchmarkOptions& options);

}  // namespace cosmoclip
