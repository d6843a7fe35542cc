#include "training/trainingoptimizer.h"

#include <cmath>
#include <map>

#include <ATen/ATen.h>
#include "model/intraopparallel.h"

#include "common/error.h"
#include "model/clipmodel.h"
#include "model/safetensorsfile.h"
#include "model/safetensorswriter.h"
#include "training/distributedgroup.h"
#include "training/adamwkernel.h"

namespace cosmoclip {

namespace {

constexpr double kMaxLogitScale = 4.605170185988092;  // ln 100
constexpr double kBeta1 = 0.9;
constexpr double kBeta2 = 0.98;
constexpr double kEps = 1e-6;

}  // namespace

TrainingOptimizer::TrainingOptimizer(ClipModelImpl& model, const FreezeOptions& freeze, double lr,
                                     double weightDecay)
    : m_lr(lr), m_weightDecay(weightDecay), m_logitScale(model.logit_scale) {
    for (const auto& item : model.named_parameters(/*recurse=*/true)) {
        const bool train = isTrainable(item.key(), freeze, model.config().vision.layers, model.config().text.layers);
        at::Tensor p = item.value();
        p.set_requires_grad(train);
        if (train) m_parameters.push_back({item.key(), p, hasWeightDecay(item.key(), p.dim()), {}, {}, 0});
    }
    if (m_parameters.empty())
        throw Error("fine-tuning", "freeze mode '" + freeze.name() + "' leaves nothing to train");
}

std::vector<std::pair<std::string, at::Tensor>> TrainingOptimizer::trainable() const {
    std::vector<std::pair<std::string, at::Tensor>> out;
    for (const auto& p : m_parameters) out.emplace_back(p.name, p.value);
    return out;
}

int64_t TrainingOptimizer::trainableElements() const {
    int64_t n = 0;
    for (const auto& p : m_parameters) n += p.value.numel();
    return n;
}

void TrainingOptimizer::update(Parameter& p, double gradScale) const {
    at::NoGradGuard noGrad;
    const at::Tensor& grad = p.value.grad();
    if (!p.expAvg.defined()) {
        p.expAvg = at::zeros_like(p.value, at::MemoryFormat::Contiguous);
        p.expAvgSq = at::zeros_like(p.value, at::MemoryFormat::Contiguous);
    }
    ++p.step;
    const double decay = 1.0 - m_lr * (p.decays ? m_weightDecay : 0.0);
    const double correction1 = 1.0 - std::pow(kBeta1, static_cast<double>(p.step));
    const double correction2 = 1.0 - std::pow(kBeta2, static_cast<double>(p.step));
    const double stepSize = m_lr / correction1;
    const bool fused = p.value.device().is_cpu() && p.value.scalar_type() == at::kFloat &&
                       grad.scalar_type() == at::kFloat && p.value.is_contiguous() && grad.is_contiguous();
    if (fused) {
        AdamWStep s;
        s.decay = static_cast<float>(decay);
        s.beta1 = static_cast<float>(kBeta1);
        s.beta2 = static_cast<float>(kBeta2);
        s.gradScale = static_cast<float>(gradScale);
        s.stepSize = static_cast<float>(stepSize);
        s.sqrtCorrection2 = static_cast<float>(std::sqrt(correction2));
        s.eps = static_cast<float>(kEps);
        float* value = p.value.data_ptr<float>();
        const float* g = grad.data_ptr<float>();
        float* m = p.expAvg.data_ptr<float>();
        float* v = p.expAvgSq.data_ptr<float>();
        at::parallel_for(0, p.value.numel(), 1 << 16, [&](int64_t begin, int64_t end) {
            adamwUpdate(value + begin, g + begin, m + begin, v + begin, static_cast<size_t>(end - begin), s);
        });
        return;
    }
    // torch.optim.AdamW's tensor ops (CUDA, other dtypes).
    const at::Tensor g = gradScale == 1.0 ? grad : grad * gradScale;
    p.value.mul_(decay);
    p.expAvg.mul_(kBeta1).add_(g, 1.0 - kBeta1);
    p.expAvgSq.mul_(kBeta2).addcmul_(g, g, 1.0 - kBeta2);
    const at::Tensor denominator = (p.expAvgSq.sqrt() / std::sqrt(correction2)).add_(kEps);
    p.value.addcdiv_(p.expAvg, denominator, -stepSize);
}

double TrainingOptimizer::step(double maxNorm) {
    std::vector<at::Tensor> norms;
    for (const auto& p : m_parameters)
        if (p.value.grad().defined()) norms.push_back(p.value.grad().norm(2));
    if (norms.empty()) return 0.0;
    const double total = at::stack(norms).norm(2).item<double>();
    if (!std::isfinite(total)) {  // the caller stops the run; nothing is updated
        clearGradients();
        return total;
    }
    // torch.nn.utils.clip_grad_norm_'s coefficient.
    const double scale = maxNorm > 0.0 && total > maxNorm ? maxNorm / (total + 1e-6) : 1.0;
    for (auto& p : m_parameters)
        if (p.value.grad().defined()) update(p, scale);
    clearGradients();
    at::NoGradGuard noGrad;
    m_logitScale.clamp_(0.0, kMaxLogitScale);
    return total;
}

void TrainingOptimizer::clearGradients() {
    for (auto& p : m_parameters) p.value.mutable_grad() = at::Tensor();
}

void TrainingOptimizer::save(const std::string& path) const {
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    std::map<std::string, std::string> metadata{{"format", "cosmoclip-adamw"}};
    for (const auto& p : m_parameters) {
        if (!p.expAvg.defined()) continue;  // never stepped
        tensors.emplace_back("exp_avg." + p.name, p.expAvg.to(at::kCPU).contiguous());
        tensors.emplace_back("exp_avg_sq." + p.name, p.expAvgSq.to(at::kCPU).contiguous());
        metadata["step." + p.name] = std::to_string(p.step);
    }
    writeSafetensors(path, tensors, metadata);
}

void TrainingOptimizer::load(const std::string& path) {
    const SafetensorsFile file = SafetensorsFile::open(path);
    for (auto& p : m_parameters) {
        p.expAvg = p.expAvgSq = at::Tensor();
        p.step = 0;
        const auto step = file.metadata().find("step." + p.name);
        if (step == file.metadata().end()) continue;
        for (const bool squares : {false, true}) {
            const std::string key = (squares ? "exp_avg_sq." : "exp_avg.") + p.name;
            if (!file.contains(key)) throw Error(path, "missing tensor '" + key + "'");
            at::Tensor value = file.tensor(key, at::kFloat);
            if (value.sizes() != p.value.sizes())
                throw Error(path, "'" + key + "' has shape " + c10::str(value.sizes()) + ", the parameter " +
                                      c10::str(p.value.sizes()));
            // A copy: the file's tensors may be views of its mapping.
            value = value.to(p.value.options(), /*non_blocking=*/false, /*copy=*/true).contiguous();
            (squares ? p.expAvgSq : p.expAvg) = value;
        }
        p.step = std::stoll(step->second);
    }
}

void TrainingOptimizer::synchronize(DistributedGroup& group) {
    at::Tensor steps = at::empty({static_cast<int64_t>(m_parameters.size())}, at::kLong);
    for (size_t i = 0; i < m_parameters.size(); ++i) steps[static_cast<int64_t>(i)] = m_parameters[i].step;
    group.broadcast(steps);
    for (size_t i = 0; i < m_parameters.size(); ++i) {
        Parameter& p = m_parameters[i];
        p.step = steps[static_cast<int64_t>(i)].item<int64_t>();
        if (p.step == 0) {  // never stepped on rank 0: no moments yet, as update() expects
            p.expAvg = p.expAvgSq = at::Tensor();
            continue;
        }
        if (!p.expAvg.defined()) {
            p.expAvg = at::zeros_like(p.value, at::MemoryFormat::Contiguous);
            p.expAvgSq = at::zeros_like(p.value, at::MemoryFormat::Contiguous);
        }
        group.broadcast(p.expAvg);
        group.broadcast(p.expAvgSq);
    }
}

}  // namespace cosmoclip
