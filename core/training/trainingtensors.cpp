#include "training/trainingtensors.h"

#include <algorithm>
#include <numeric>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <ATen/ATen.h>
#include <ATen/autocast_mode.h>

#include "model/clipencoder.h"
#include "model/clipmodel.h"

namespace cosmoclip {

void retainTrainingMemory() {
    retainCpuAllocatorMemory();
#if defined(__GLIBC__)
    mallopt(M_MMAP_MAX, 0);  // every block from the heap, which is kept (trim threshold 1 GB)
#endif
}

at::Tensor tokenBatch(const std::vector<std::vector<int32_t>>& tokens, std::span<const size_t> rows) {
    size_t longest = 1;
    for (const size_t r : rows) longest = std::max(longest, tokens[r].size());
    at::Tensor ids = at::zeros({static_cast<int64_t>(rows.size()), static_cast<int64_t>(longest)}, at::kLong);
    auto acc = ids.accessor<int64_t, 2>();
    for (size_t i = 0; i < rows.size(); ++i)
        for (size_t j = 0; j < tokens[rows[i]].size(); ++j) acc[static_cast<int64_t>(i)][static_cast<int64_t>(j)] = tokens[rows[i]][j];
    return ids;
}

at::Tensor encodeTokenRows(ClipModelImpl& model, const std::vector<std::vector<int32_t>>& tokens, size_t batchSize,
                           const at::Device& device, bool autocast) {
    std::vector<size_t> all(tokens.size());
    std::iota(all.begin(), all.end(), size_t{0});
    std::vector<at::Tensor> parts;
    for (size_t begin = 0; begin < all.size(); begin += batchSize) {
        const std::span<const size_t> rows(all.data() + begin, std::min(batchSize, all.size() - begin));
        const at::Tensor ids = tokenBatch(tokens, rows).to(device);
        const AutocastScope scope(autocast);
        parts.push_back(model.encodeText(ids).to(at::kFloat));
    }
    if (parts.empty()) return at::empty({0, model.config().embedDim}, at::TensorOptions(device).dtype(at::kFloat));
    return at::cat(parts, 0);
}

std::vector<float> toFloatVector(const at::Tensor& x) {
    const at::Tensor c = x.to(at::kCPU, at::kFloat).contiguous();
    return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

at::Tensor normalizedRows(const at::Tensor& x) {
    return x / x.norm(2, -1, true).clamp_min(1e-12);
}

AutocastScope::AutocastScope(bool enabled) : m_enabled(enabled) {
    if (!m_enabled) return;
    m_previous = at::autocast::is_enabled();
    at::autocast::set_enabled(true);
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::increment_nesting();
}

AutocastScope::~AutocastScope() {
    if (!m_enabled) return;
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    at::autocast::set_enabled(m_previous);
}

}  // namespace cosmoclip
