#pragma once

#include <cstdint>

namespace cosmoclip {

/// open_clip's cosine_lr: linear warmup lr * (step + 1) / warmup over the first `warmupSteps`
/// optimizer steps, then 0.5 * (1 + cos(pi * e / es)) * lr with e = step - warmup and
/// es = totalSteps - warmup, down to (almost) 0 at the last step.
struct LrSchedule {
    double baseLr = 1e-5;
    int64_t warmupSteps = 0;
    int64_t totalSteps = 1;

    /// The learning rate of optimizer step `step` (0-based).
    double at(int64_t step) const;
};

}  // namespace cosmoclip
