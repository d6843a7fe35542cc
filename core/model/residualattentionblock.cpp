#include "model/residualattentionblock.h"

#include <atomic>

#include <ATen/ATen.h>
#include "model/intraopparallel.h"
#include <ATen/autocast_mode.h>

#include "model/blasgemm.h"
#include "model/cpukernels.h"

namespace cosmoclip {

ResidualAttentionBlockImpl::ResidualAttentionBlockImpl(const BlockOptions& o)
    : ln_1(register_module("ln_1",
                           torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.width}).eps(o.layerNormEps)))),
      attn(register_module("attn", ClipAttention(o.width, o.heads))),
      ln_2(register_module("ln_2",
                           torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.width}).eps(o.layerNormEps)))),
      mlp(register_module("mlp", ClipMlp(o.width, o.intermediate, o.activation))) {}

namespace {

// The residual add goes into the fresh branch output (autograd-safe: add needs no saved inputs),
// unless autocast made the branch lower precision than the stream: then the sum is a new tensor in
// the stream's precision, as x + branch is in PyTorch.
at::Tensor addResidual(at::Tensor branch, const at::Tensor& stream) {
    return branch.scalar_type() == stream.scalar_type() ? branch.add_(stream) : branch + stream;
}

}  // namespace

at::Tensor ResidualAttentionBlockImpl::forward(const at::Tensor& x, const at::Tensor& mask) {
    if (runsFused(x, mask)) return forwardFused(x, mask, {});
    at::Tensor h = addResidual(attn(ln_1(x), mask), x);
    return addResidual(mlp(ln_2(h)), h);
}

namespace {

std::atomic<bool> g_fused{true};

bool isCpuFloat(const at::Tensor& t) {
    return !t.defined() || (t.device().is_cpu() && t.scalar_type() == at::kFloat);
}

// LayerNorm of the rows of a contiguous float tensor, split over the intra-op threads.
at::Tensor layerNormRows(const at::Tensor& x, const torch::nn::LayerNorm& ln) {
    const int64_t width = x.size(-1);
    at::Tensor out = at::empty_like(x);
    const float* in = x.data_ptr<float>();
    float* o = out.data_ptr<float>();
    const float* gamma = ln->weight.data_ptr<float>();
    const float* beta = ln->bias.data_ptr<float>();
    const auto eps = static_cast<float>(ln->options.eps());
    at::parallel_for(0, x.numel() / width, 64, [&](int64_t begin, int64_t end) {
        CpuKernels::layerNorm(in + begin * width, o + begin * width, end - begin, width, gamma, beta, eps);
    });
    return out;
}

}  // namespace

static thread_local ClipPrecision t_precision = ClipPrecision::Float32;

InferencePrecision::InferencePrecision(ClipPrecision precision) : m_previous(t_precision) {
    t_precision = precision;
}

InferencePrecision::~InferencePrecision() {
    t_precision = m_previous;
}

ClipPrecision InferencePrecision::current() {
    return t_precision;
}

ResidualAttentionBlockImpl::GemmWeights ResidualAttentionBlockImpl::gemmWeights() {
    const std::array<at::Tensor, 4> source = {attn->in_proj_weight, attn->out_proj->weight, mlp->c_fc->weight,
                                              mlp->c_proj->weight};
    const ClipPrecision precision = InferencePrecision::current();
    if (precision == ClipPrecision::Float32) {
        GemmWeights dense;
        for (size_t i = 0; i < source.size(); ++i) dense[i] = GemmWeight::make(source[i], precision);
        return dense;
    }
    std::lock_guard<std::mutex> lock(m_converted->mutex);
    Converted& converted = precision == ClipPrecision::BFloat16 ? m_converted->bfloat16 : m_converted->int8;
    for (size_t i = 0; i < source.size(); ++i) {
        // Inference tensors carry no version counter; their data pointer tells a reload apart.
        const std::pair<const void*, int64_t> stamp{source[i].data_ptr(),
                                                    source[i].is_inference() ? 0 : source[i]._version()};
        if (stamp == converted.source[i] && !converted.weights[i].empty()) continue;
        converted.weights[i] = GemmWeight::make(source[i], precision);
        converted.source[i] = stamp;
    }
    return converted.weights;
}

void ResidualAttentionBlockImpl::setFusedInference(bool enabled) {
    g_fused = enabled;
}

bool ResidualAttentionBlockImpl::fusedInference() {
    return g_fused;
}

bool ResidualAttentionBlockImpl::runsFused(const at::Tensor& x, const at::Tensor& mask) const {
    // Autocast (mixed-precision training and its evaluation) keeps the modules: they decide per op.
    if (!g_fused || at::GradMode::is_enabled() || at::autocast::is_cpu_enabled() || x.dim() != 3 ||
        !isCpuFloat(x) || !BlasGemm::available())
        return false;
    if (mask.defined() && (mask.dim() != 2 || mask.size(0) != x.size(1) || mask.size(1) != x.size(1)))
        return false;
    // Affine LayerNorms and float32 CPU weights throughout (not, e.g., a half-precision copy).
    if (!ln_1->weight.defined() || !ln_1->bias.defined() || !ln_2->weight.defined() || !ln_2->bias.defined())
        return false;
    for (const at::Tensor& t : {ln_1->weight, ln_1->bias, ln_2->weight, ln_2->bias, attn->in_proj_weight,
                                attn->in_proj_bias, attn->out_proj->weight, attn->out_proj->bias,
                                mlp->c_fc->weight, mlp->c_fc->bias, mlp->c_proj->weight, mlp->c_proj->bias})
        if (!isCpuFloat(t)) return false;
    return true;
}

at::Tensor ResidualAttentionBlockImpl::forwardFused(const at::Tensor& input, const at::Tensor& mask,
                                                    const at::Tensor& queryRows) {
    const at::Tensor x = input.contiguous();
    const int64_t batch = x.size(0);
    const int64_t tokens = x.size(1);
    const int64_t width = x.size(2);
    const GemmWeights weights = gemmWeights();
    const at::Tensor heads = attn->mixHeads(layerNormRows(x, ln_1), mask, queryRows, weights[0]);  // [B, Nq, W]
    at::Tensor stream = x.view({batch * tokens, width});
    if (queryRows.defined())
        stream = stream.index_select(0, queryRows.to(at::kLong) + at::arange(batch, at::kLong) * tokens);
    // y = x + out_proj(heads): a fresh copy of the residual (with out_proj's bias) that the GEMM adds to.
    at::Tensor y = attn->out_proj->bias.defined() ? at::add(stream, attn->out_proj->bias) : stream.clone();
    weights[1].addProductTo(y, heads.view({-1, width}));
    mlp->addForwardTo(y, layerNormRows(y, ln_2), weights[2], weights[3]);
    return y.view({batch, heads.size(1), width});
}

}  // namespace cosmoclip
