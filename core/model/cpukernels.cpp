#include "model/cpukernels.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <limits>
#include <string_view>
#include <vector>

#include "model/blasgemm.h"

// The kernels are written as plain loops over fixed 16-float lanes, which GCC/Clang vectorise; each is
// instantiated three times below under different target attributes (x86-64 with GCC/Clang) and the
// widest one the CPU supports is picked at run time, so that the binary stays portable.
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define COSMOCLIP_KERNEL_CLONES 1
#define COSMOCLIP_TARGET_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma")))
#define COSMOCLIP_TARGET_AVX2 __attribute__((target("avx2,fma")))
#endif

#if defined(__GNUC__) || defined(__clang__)
#define COSMOCLIP_INLINE [[gnu::always_inline]] inline
#else
#define COSMOCLIP_INLINE inline
#endif

namespace cosmoclip {

namespace {

constexpr int kLanes = 16;
constexpr float kExpLowest = -87.3f;  // exp() below this is under FLT_MIN: 0 is returned
constexpr float kExpHighest = 88.3f;  // and above it the result would overflow (2^128)

// expf by range reduction x = n ln2 + r, |r| <= ln2/2, and Cephes' degree-6 polynomial (~1 ulp over the
// range; exact 0 below kExpLowest, including -inf from masks). Branch-free so that loops vectorise.
COSMOCLIP_INLINE float fastExp(float x) {
    const float xc = std::min(std::max(x, kExpLowest), kExpHighest);
    const float n = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f;  // round to nearest
    float r = xc - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    const float twoToN = std::bit_cast<float>((static_cast<int32_t>(n) + 127) << 23);
    return x < kExpLowest ? 0.0f : p * twoToN;
}

COSMOCLIP_INLINE float laneSum(const float* lane) {
    float s = 0.0f;
    for (int l = 0; l < kLanes; ++l) s += lane[l];
    return s;
}

// Sum of n floats in 16 independent lanes (vectorisable without reassociation flags).
COSMOCLIP_INLINE float sumOf(const float* x, int64_t n) {
    float lane[kLanes] = {};
    int64_t j = 0;
    for (; j + kLanes <= n; j += kLanes)
        for (int l = 0; l < kLanes; ++l) lane[l] += x[j + l];
    float s = laneSum(lane);
    for (; j < n; ++j) s += x[j];
    return s;
}

COSMOCLIP_INLINE void layerNormBody(const float* __restrict in, float* __restrict out, int64_t rows,
                                    int64_t width, const float* __restrict gamma,
                                    const float* __restrict beta, float eps) {
    const float invWidth = 1.0f / static_cast<float>(width);
    for (int64_t i = 0; i < rows; ++i) {
        const float* x = in + i * width;
        float* y = out + i * width;
        const float mean = sumOf(x, width) * invWidth;
        // Two passes over a row that is in L1 by now: the variance of x - mean loses nothing to
        // cancellation.
        float lane[kLanes] = {};
        int64_t j = 0;
        for (; j + kLanes <= width; j += kLanes)
            for (int l = 0; l < kLanes; ++l) {
                const float d = x[j + l] - mean;
                lane[l] += d * d;
            }
        float var = laneSum(lane);
        for (; j < width; ++j) var += (x[j] - mean) * (x[j] - mean);
        const float rstd = 1.0f / std::sqrt(var * invWidth + eps);
        for (j = 0; j < width; ++j) y[j] = (x[j] - mean) * rstd * gamma[j] + beta[j];
    }
}

COSMOCLIP_INLINE void biasQuickGeluBody(float* __restrict data, const float* __restrict bias, int64_t rows,
                                        int64_t cols) {
    for (int64_t i = 0; i < rows; ++i) {
        float* row = data + i * cols;
        for (int64_t j = 0; j < cols; ++j) {
            const float x = row[j] + bias[j];
            row[j] = x / (1.0f + fastExp(-1.702f * x));  // x * sigmoid(1.702 x)
        }
    }
}

COSMOCLIP_INLINE void addBiasBody(float* __restrict data, const float* __restrict bias, int64_t rows,
                                  int64_t cols) {
    for (int64_t i = 0; i < rows; ++i) {
        float* row = data + i * cols;
        for (int64_t j = 0; j < cols; ++j) row[j] += bias[j];
    }
}

// softmax(s + mask) over each of `rows` rows of `n` scores, in place.
COSMOCLIP_INLINE void softmaxBody(float* __restrict s, int64_t rows, int64_t n, const float* const* masks) {
    for (int64_t i = 0; i < rows; ++i) {
        float* x = s + i * n;
        if (const float* m = masks[i])
            for (int64_t j = 0; j < n; ++j) x[j] += m[j];
        float lane[kLanes];
        for (int l = 0; l < kLanes; ++l) lane[l] = -std::numeric_limits<float>::infinity();
        int64_t j = 0;
        for (; j + kLanes <= n; j += kLanes)
            for (int l = 0; l < kLanes; ++l) lane[l] = std::max(lane[l], x[j + l]);
        float top = lane[0];
        for (int l = 1; l < kLanes; ++l) top = std::max(top, lane[l]);
        for (; j < n; ++j) top = std::max(top, x[j]);
        for (j = 0; j < n; ++j) x[j] = fastExp(x[j] - top);
        const float inv = 1.0f / sumOf(x, n);
        for (j = 0; j < n; ++j) x[j] *= inv;
    }
}

using LayerNormFn = void (*)(const float*, float*, int64_t, int64_t, const float*, const float*, float);
using RowsFn = void (*)(float*, const float*, int64_t, int64_t);
using SoftmaxFn = void (*)(float*, int64_t, int64_t, const float* const*);

struct KernelSet {
    const char* name;
    LayerNormFn layerNorm;
    RowsFn biasQuickGelu;
    RowsFn addBias;
    SoftmaxFn softmax;
};

#define COSMOCLIP_DEFINE_KERNELS(SUFFIX, TARGET)                                                            \
    TARGET void layerNorm##SUFFIX(const float* in, float* out, int64_t rows, int64_t width, const float* g, \
                                  const float* b, float eps) {                                              \
        layerNormBody(in, out, rows, width, g, b, eps);                                                     \
    }                                                                                                       \
    TARGET void biasQuickGelu##SUFFIX(float* d, const float* b, int64_t rows, int64_t cols) {               \
        biasQuickGeluBody(d, b, rows, cols);                                                                \
    }                                                                                                       \
    TARGET void addBias##SUFFIX(float* d, const float* b, int64_t rows, int64_t cols) {                     \
        addBiasBody(d, b, rows, cols);                                                                      \
    }                                                                                                       \
    TARGET void softmax##SUFFIX(float* s, int64_t rows, int64_t n, const float* const* masks) {             \
        softmaxBody(s, rows, n, masks);                                                                     \
    }

COSMOCLIP_DEFINE_KERNELS(Generic, )
#ifdef COSMOCLIP_KERNEL_CLONES
COSMOCLIP_DEFINE_KERNELS(Avx2, COSMOCLIP_TARGET_AVX2)
COSMOCLIP_DEFINE_KERNELS(Avx512, COSMOCLIP_TARGET_AVX512)
#endif

// The sets this CPU runs, widest first.
std::vector<KernelSet> supportedSets() {
    std::vector<KernelSet> sets;
#ifdef COSMOCLIP_KERNEL_CLONES
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
        sets.push_back({"avx512", layerNormAvx512, biasQuickGeluAvx512, addBiasAvx512, softmaxAvx512});
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        sets.push_back({"avx2", layerNormAvx2, biasQuickGeluAvx2, addBiasAvx2, softmaxAvx2});
#endif
    sets.push_back({"generic", layerNormGeneric, biasQuickGeluGeneric, addBiasGeneric, softmaxGeneric});
    return sets;
}

const std::vector<KernelSet>& supported() {
    static const std::vector<KernelSet> sets = supportedSets();
    return sets;
}

std::atomic<const KernelSet*> g_chosen{nullptr};  // null: the widest

const KernelSet& kernels() {
    const KernelSet* chosen = g_chosen.load(std::memory_order_relaxed);
    return chosen ? *chosen : supported().front();
}

void addBiasRows(float* x, int64_t rowStride, int64_t rows, const float* bias, int64_t cols) {
    if (!bias) return;
    for (int64_t r = 0; r < rows; ++r) kernels().addBias(x + r * rowStride, bias, 1, cols);
}

}  // namespace

void CpuKernels::layerNorm(const float* in, float* out, int64_t rows, int64_t width, const float* gamma,
                           const float* beta, float eps) {
    kernels().layerNorm(in, out, rows, width, gamma, beta, eps);
}

void CpuKernels::biasQuickGelu(float* data, const float* bias, int64_t rows, int64_t cols) {
    kernels().biasQuickGelu(data, bias, rows, cols);
}

void CpuKernels::addBias(float* data, const float* bias, int64_t rows, int64_t cols) {
    kernels().addBias(data, bias, rows, cols);
}

const char* CpuKernels::instructionSet() {
    return kernels().name;
}

bool CpuKernels::useInstructionSet(const char* name) {
    if (!name || !*name) {
        g_chosen = nullptr;
        return true;
    }
    for (const KernelSet& set : supported())
        if (std::string_view(set.name) == name) {
            g_chosen = &set;
            return true;
        }
    return false;
}

// Per batch element: biases into its q/k/v rows (they are in cache for the heads that follow), then
// for each head S = scale Q K^T (queries x keys, L1-sized), softmax(S + mask), O = S V straight into the
// head's columns of the output. Nothing is permuted or copied.
void CpuKernels::attention(const AttentionArgs& a, int64_t batchBegin, int64_t batchEnd) {
    const int64_t width = a.heads * a.headDim;
    std::vector<float> scores(static_cast<size_t>(a.queries * a.keys));
    std::vector<const float*> masks(static_cast<size_t>(a.queries), nullptr);
    for (int64_t b = batchBegin; b < batchEnd; ++b) {
        float* q = a.q + b * a.qBatchStride;
        float* k = a.k + b * a.kBatchStride;
        float* v = a.v + b * a.vBatchStride;
        float* out = a.out + b * a.outBatchStride;
        addBiasRows(q, a.qRowStride, a.queries, a.qBias, width);
        addBiasRows(k, a.kRowStride, a.keys, a.kBias, width);
        addBiasRows(v, a.vRowStride, a.keys, a.vBias, width);
        if (a.mask)
            for (int64_t i = 0; i < a.queries; ++i) {
                const int64_t position = a.queryPositions ? a.queryPositions[b] : i;
                masks[static_cast<size_t>(i)] = a.mask + position * a.maskRowStride;
            }
        for (int64_t h = 0; h < a.heads; ++h) {
            const int64_t column = h * a.headDim;
            BlasGemm::multiply(false, true, a.queries, a.keys, a.headDim, a.scale, q + column, a.qRowStride,
                               k + column, a.kRowStride, 0.0f, scores.data(), a.keys);
            kernels().softmax(scores.data(), a.queries, a.keys, masks.data());
            BlasGemm::multiply(false, false, a.queries, a.headDim, a.keys, 1.0f, scores.data(), a.keys,
                               v + column, a.vRowStride, 0.0f, out + column, a.outRowStride);
        }
    }
}

}  // namespace cosmoclip
