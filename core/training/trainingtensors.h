#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <ATen/core/Tensor.h>

namespace cosmoclip {

class ClipModelImpl;

/// Rows `rows` of `tokens` as a [n, L] int64 CPU tensor, zero-padded after each row's end token
/// (the padding never reaches the pooled feature: causal mask, pooling at EOT).
at::Tensor tokenBatch(const std::vector<std::vector<int32_t>>& tokens, std::span<const size_t> rows);

/// Text features [n, E] of all `tokens`, `batchSize` rows per forward pass, in float32 on `device`.
at::Tensor encodeTokenRows(ClipModelImpl& model, const std::vector<std::vector<int32_t>>& tokens, size_t batchSize,
                           const at::Device& device, bool autocast);

/// retainCpuAllocatorMemory() and, for a training process, no mmap for large blocks either: the
/// largest per-step tensors (the token embedding's dense gradient, 100 MB for CLIP) are past glibc's
/// highest mmap threshold (32 MB) and would otherwise be mapped, page-faulted and unmapped every step.
void retainTrainingMemory();

/// Row-major float copy of a tensor (any device, any float dtype).
std::vector<float> toFloatVector(const at::Tensor& x);

/// Rows scaled to unit L2 norm (eps 1e-12, as torch.nn.functional.normalize).
at::Tensor normalizedRows(const at::Tensor& x);

/// bfloat16 autocast on CUDA for its lifetime (docs/clip-spec.md §6: amp_bf16, with LayerNorm,
/// softmax and the loss kept in float32 by autocast's own lists and by computing the loss outside).
/// Does nothing when `enabled` is false.
class AutocastScope final {
public:
    explicit AutocastScope(bool enabled);
    ~AutocastScope();
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    bool m_enabled;
    bool m_previous = false;
};

}  // namespace cosmoclip
