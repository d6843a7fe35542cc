#pragma once

#include <cstdint>

namespace cosmoclip {

/// One call of CpuKernels::attention: scaled dot-product attention of every head of a range of batch
/// elements, reading Q, K and V where the QKV projection left them (any row stride) and writing each
/// head's output into its columns of `out`. Row r of batch element b of X is X + b * xBatchStride +
/// r * xRowStride; head h is columns [h * headDim, (h + 1) * headDim).
struct AttentionArgs {
    int64_t queries = 0;  ///< query rows per batch element
    int64_t keys = 0;     ///< key (and value) rows per batch element
    int64_t heads = 0;
    int64_t headDim = 0;
    float scale = 1.0f;  ///< multiplies q.k, usually 1/sqrt(headDim)
    float* q = nullptr;
    int64_t qRowStride = 0, qBatchStride = 0;
    float* k = nullptr;
    int64_t kRowStride = 0, kBatchStride = 0;
    float* v = nullptr;
    int64_t vRowStride = 0, vBatchStride = 0;
    /// Projection biases ([heads * headDim] each, may be null), added to q, k, v in place first.
    const float* qBias = nullptr;
    const float* kBias = nullptr;
    const float* vBias = nullptr;
    /// Optional additive mask: row p (p = the query's position) is added to that query's scores.
    const float* mask = nullptr;
    int64_t maskRowStride = 0;
    /// Null: query i of a batch element sits at position i. Otherwise queries == 1 and element b's only
    /// query sits at queryPositions[b] (the pooled token of the last block).
    const int64_t* queryPositions = nullptr;
    float* out = nullptr;
    int64_t outRowStride = 0, outBatchStride = 0;
};

/// Float32 CPU kernels of the fused inference path, each one pass over memory where ATen needs several
/// (bias + QuickGELU, LayerNorm, softmax). Compiled for AVX-512, AVX2+FMA and plain x86-64/other CPUs;
/// the best the CPU runs is chosen once. They work on row ranges so that the caller can split them over
/// threads. Torch-free.
class CpuKernels final {
public:
    /// out[r] = (in[r] - mean) / sqrt(var + eps) * gamma + beta for `rows` rows of `width` floats
    /// (biased variance, as LayerNorm). `in` and `out` may not overlap.
    static void layerNorm(const float* in, float* out, int64_t rows, int64_t width, const float* gamma,
                          const float* beta, float eps);
    /// data[r][c] = quickGelu(data[r][c] + bias[c]), quickGelu(x) = x * sigmoid(1.702 x), in place.
    static void biasQuickGelu(float* data, const float* bias, int64_t rows, int64_t cols);
    /// data[r][c] += bias[c].
    static void addBias(float* data, const float* bias, int64_t rows, int64_t cols);
    /// Attention of batch elements [batchBegin, batchEnd) (see AttentionArgs). Adds the biases to their
    /// rows of q/k/v in place. Needs BlasGemm::available().
    static void attention(const AttentionArgs& args, int64_t batchBegin, int64_t batchEnd);
    /// The instruction set the kernels run with here: "avx512", "avx2" or "generic".
    static const char* instructionSet();
    /// Runs the kernels with `name` ("avx512", "avx2", "generic"; "" = the best again), for tests of
    /// every build on one machine. False (nothing changed) when this CPU or build cannot run it.
    static bool useInstructionSet(const char* name);
};

}  // namespace cosmoclip
