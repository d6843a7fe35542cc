#pragma once

#include <cstdint>

namespace cosmoclip {

/// One attention call of the training path (TrainingKernels::attentionForward/-Backward), on the packed
/// QKV projection [batch, tokens, 3 * heads * headDim] (rows: q | k | v, head h in columns
/// [h * headDim, (h + 1) * headDim) of each third), all contiguous float32.
struct AttentionTrainingArgs {
    int64_t batch = 0;
    int64_t tokens = 0;
    int64_t heads = 0;
    int64_t headDim = 0;
    float scale = 1.0f;            ///< multiplies q.k, usually 1/sqrt(headDim)
    const float* qkv = nullptr;    ///< [batch, tokens, 3W]
    const float* mask = nullptr;   ///< optional additive [tokens, tokens]; row i is added to query i's scores
    float* probs = nullptr;        ///< [batch, heads, tokens, tokens]: written forward, read backward
    float* out = nullptr;          ///< forward: [batch, tokens, W], heads side by side
    const float* gradOut = nullptr;  ///< backward: [batch, tokens, W]
    float* gradQkv = nullptr;        ///< backward: [batch, tokens, 3W], every element written
};

/// Float32 CPU kernels of the training path's fused autograd functions (FusedTrainingOps): one pass over
/// memory forward and one backward where ATen's composition needs several passes and temporaries.
/// Compiled for AVX-512, AVX2+FMA and plain x86-64, the widest the CPU runs chosen once (as CpuKernels).
/// They work on ranges so that the caller splits them over threads. Torch-free.
class TrainingKernels final {
public:
    /// y[i] = x[i] * sigmoid(1.702 x[i]) (OpenAI's QuickGELU) for i in [0, n).
    static void quickGelu(const float* x, float* y, int64_t n);
    /// gradIn[i] = gradOut[i] * d/dx quickGelu(x[i]) = gradOut[i] * (s + 1.702 x s (1 - s)), s = sigmoid(1.702 x).
    static void quickGeluBackward(const float* x, const float* gradOut, float* gradIn, int64_t n);
    /// sums[j] += sum over r < rows of x[r * rowStride + j], for j < cols (a bias gradient's columns).
    static void addColumnSums(const float* x, int64_t rowStride, int64_t rows, int64_t cols, float* sums);
    /// Forward of the (batch, head) pairs [begin, end) (pair index b * heads + h): P = softmax(scale Q K^T +
    /// mask) into probs, O = P V into out. Needs BlasGemm::available().
    static void attentionForward(const AttentionTrainingArgs& args, int64_t begin, int64_t end);
    /// Backward of the pairs [begin, end): dV = P^T dO, dS = P * (dO V^T - rowsum(P * dO V^T)),
    /// dQ = scale dS K, dK = scale dS^T Q, into their columns of gradQkv.
    static void attentionBackward(const AttentionTrainingArgs& args, int64_t begin, int64_t end);
    /// The instruction set the kernels run with here: "avx512", "avx2" or "generic".
    static const char* instructionSet();
    /// Runs the kernels with `name` ("avx512", "avx2", "generic"; "" = the best again), for tests.
    /// False (nothing changed) when this CPU or build cannot run it.
    static bool useInstructionSet(const char* name);
};

}  // namespace cosmoclip
