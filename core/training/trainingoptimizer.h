#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "training/parameterrules.h"

namespace cosmoclip {

class ClipModelImpl;
class DistributedGroup;

/// AdamW as open_clip fine-tunes CLIP (docs/clip-spec.md §6): betas 0.9/0.98, eps 1e-6, decoupled
/// weight decay only where hasWeightDecay() says so, global gradient-norm clipping and logit_scale
/// clamped to [0, ln 100] after every step. Construction applies the freeze options: frozen
/// parameters get requires_grad = false and are never touched.
///
/// The update is torch.optim.AdamW's, fused into one pass per tensor on the CPU (adamwkernel.h; the
/// clipping scale folded in): LibTorch's optimizer makes about a dozen passes and two temporaries per
/// tensor, which was a third of a ViT-B/32 step at batch 8 on two cores. Other devices use tensor ops.
class TrainingOptimizer final {
public:
    /// Throws cosmoclip::Error when the freeze options leave nothing to train.
    TrainingOptimizer(ClipModelImpl& model, const FreezeOptions& freeze, double lr, double weightDecay);

    /// The trained parameters, by state-dict name.
    std::vector<std::pair<std::string, at::Tensor>> trainable() const;
    /// Elements of the trained parameters.
    int64_t trainableElements() const;

    void setLr(double lr) { m_lr = lr; }
    /// Scales the gradients to a global L2 norm of at most `maxNorm` (<= 0: no clipping), takes one
    /// AdamW step, drops the gradients and clamps logit_scale. Returns the norm before clipping; when
    /// it is not finite (NaN/Inf gradients) the gradients are dropped and nothing is updated.
    double step(double maxNorm);
    /// Drops the gradients (set to undefined, so that the next backward writes instead of adding).
    void clearGradients();

    /// Moments and step counts per parameter name as a safetensors file (exp_avg.NAME,
    /// exp_avg_sq.NAME; metadata step.NAME), written atomically.
    void save(const std::string& path) const;
    /// Restores what save() wrote onto the same parameters (on their device). Throws
    /// cosmoclip::Error naming the file when a tensor is missing or has another shape.
    void load(const std::string& path);
    /// Data-parallel training: every rank takes rank 0's moments and step counts (collective; all
    /// ranks call it with the same parameters), so that identical averaged gradients give
    /// identical updates everywhere.
    void synchronize(DistributedGroup& group);

private:
    struct Parameter {
        std::string name;
        at::Tensor value;
        bool decays = false;
        at::Tensor expAvg;    // undefined until the first step
        at::Tensor expAvgSq;
        int64_t step = 0;
    };
    void update(Parameter& p, double gradScale) const;

    std::vector<Parameter> m_parameters;
    double m_lr;
    double m_weightDecay;
    at::Tensor m_logitScale;
};

}  // namespace cosmoclip
