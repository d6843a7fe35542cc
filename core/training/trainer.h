#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/clipencoder.h"
#include "training/augmentation.h"
#include "training/epochmetrics.h"
#include "training/parameterrules.h"
#include "training/trainingexample.h"

namespace cosmoclip {

class DistributedGroup;

/// Fine-tuning settings. Defaults follow docs/clip-spec.md §6 for a small fine-tune.
struct TrainerOptions {
    int epochs = 10;
    int batchSize = 32;        ///< images per forward pass (the contrastive batch)
    double lr = 1e-5;          ///< peak learning rate (fine-tuning: 1e-5 .. 5e-5)
    double weightDecay = 0.2;  ///< AdamW decoupled decay on matrices (see hasWeightDecay)
    int warmupSteps = 100;     ///< linear warmup, then cosine to 0 (optimizer steps)
    int accumulation = 1;      ///< forward/backward passes per optimizer step
    double gradClip = 1.0;     ///< max global L2 norm of the gradients; <= 0 disables clipping
    uint64_t seed = 0;         ///< batch order and augmentations
    int threads = 0;           ///< LibTorch/OpenBLAS CPU threads; 0 leaves the current setting
    int workers = 2;           ///< data threads (decode, augment); 0 decodes on the training thread
    size_t prefetch = 4;       ///< batches prepared ahead
    std::string device = "cpu";  ///< "cpu", "cuda", "cuda:N" or "auto" (CUDA when LibTorch has it)
    bool mixedPrecision = true;  ///< CUDA only: bfloat16 autocast; loss, softmax and LayerNorm in float32
    FreezeOptions freeze;
    CaptionStyle captionStyle = CaptionStyle::PhotoOf;
    /// Positives of the contrastive loss: pairs with the same caption are always positives; with
    /// this set, images with the same (non-empty) label are too.
    bool labelPositives = true;
    /// Zero-shot prompts for the validation classes ("{}" or "{label}" is replaced by the label).
    std::vector<std::string> evalTemplates = {"a photo of a {}."};
    AugmentOptions augment;
    double cacheScale = 2.0;  ///< decoded images are kept with their shorter side at cacheScale x R
    std::string outDir;       ///< checkpoints: outDir/best (HF folder), outDir/last (HF folder + state)
    bool resume = false;      ///< continue from outDir/last when it exists
    std::string tokenizerDir; ///< "" = the base model's folder (or the folder of a .pt file)
    /// Data-parallel training (null: this process alone). Every rank of the group calls run() with
    /// the same options and examples; see "Data-parallel training" in Trainer.
    std::shared_ptr<DistributedGroup> group;
};

struct TrainerCallbacks {
    std::function<void(int64_t step, double loss, double lr)> onStep;  ///< after each optimizer step
    std::function<void(const EpochMetrics&)> onEpoch;                   ///< after each epoch's validation
    std::function<void(const std::string&)> onLog;                      ///< progress notes, skipped files
};

struct TrainingResult {
    int epochs = 0;             ///< epochs completed (resumed ones included)
    int64_t steps = 0;          ///< optimizer steps done
    bool cancelled = false;     ///< stopped by the cancel flag; outDir/last holds the state to resume
    EpochMetrics best;          ///< the epoch saved as outDir/best (epoch 0 when none finished)
    std::vector<EpochMetrics> history;
    std::string bestPath;       ///< outDir/best, or "" when no epoch finished
    std::string lastPath;       ///< outDir/last
};

/// Contrastive fine-tuning of a CLIP checkpoint on image-caption examples (the open_clip recipe of
/// docs/clip-spec.md §6, CosmoCLIP-style soft positives). Catalog-independent: callers pass lists
/// of examples. Torch-free interface; throws cosmoclip::Error for bad input, an unusable device,
/// or a NaN/Inf loss (naming the step).
///
/// Determinism: the batch order of an epoch and every sample's augmentation are functions of
/// (seed, epoch, example index) only, and outDir/last stores model, optimizer state and position
/// after every epoch and on cancel, so that a resumed run ends with the same weights as an
/// uninterrupted one with the same seed, data and options (on the CPU with the same thread count).
///
/// Data-parallel training (options.group): every rank trains the same model on its slice of each
/// batch (the single-process batch of batchSize split in rank order, see BatchLoaderOptions::shard),
/// so N ranks step exactly as one process would on the whole batch:
/// - rank 0's parameters, optimizer moments and position (resume) are broadcast at the start;
///   ranks with another training set or settings stop with an error naming them;
/// - the ranks' image and text features are all-gathered and every rank computes the contrastive
///   loss of the whole batch (the negatives of all ranks); gradients flow back into this rank's
///   own features only and are all-reduced by DistributedReducer (c10d::Reducer, bucketed and
///   overlapped with backward);
/// - the cancel flag is agreed on before each optimizer step, so all ranks stop at the same one;
/// - rank 0 validates, calls onEpoch and writes outDir/best and outDir/last; the others wait;
/// - a rank that dies or does not answer within the group's timeout stops the others with an
///   error naming it; a run restarted with resume continues from outDir/last.
class Trainer final {
public:
    explicit Trainer(TrainerOptions options);
    ~Trainer();
    Trainer(Trainer&&) noexcept;
    Trainer& operator=(Trainer&&) noexcept;

    const TrainerOptions& options() const;

    /// Trains on `train`, validates on `val` after each epoch, starting from the checkpoint at
    /// `basePath` (any layout ClipModelLoader reads) or, with options.resume, from outDir/last.
    /// Examples without any text (no caption, no label) are left out of training with a note.
    /// `cancel` (may be null) is checked before each optimizer step; when set, the state is saved to
    /// outDir/last and the result says cancelled.
    TrainingResult run(const std::vector<TrainingExample>& train, const std::vector<TrainingExample>& val,
                       const std::string& basePath, const TrainerCallbacks& callbacks = {},
                       std::atomic<bool>* cancel = nullptr);

    /// An encoder over a copy of the model as it is now (after run(): the last state; CPU, eval mode).
    /// Throws cosmoclip::Error before run().
    ClipEncoder currentEncoder(const ClipEncoderOptions& options = {}) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// The device the options name, resolved: "auto" -> "cuda" when LibTorch sees a CUDA device, else
/// "cpu". Throws cosmoclip::Error for an unknown name or a CUDA device this build cannot use.
std::string resolveTrainingDevice(const std::string& device);

}  // namespace cosmoclip
