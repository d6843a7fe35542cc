#include "model/trainingkernels.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <limits>
#include <string_view>
#include <vector>

#include "model/blasgemm.h"

// As in cpukernels.cpp: plain loops over 16-float lanes that GCC/Clang vectorise, instantiated under
// three target attributes, the widest the CPU supports picked at run time (the build is -march=x86-64).
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define COSMOCLIP_TRAINING_CLONES 1
#define COSMOCLIP_TRAINING_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma")))
#define COSMOCLIP_TRAINING_AVX2 __attribute__((target("avx2,fma")))
#endif

#if defined(__GNUC__) || defined(__clang__)
#define COSMOCLIP_TRAINING_INLINE [[gnu::always_inline]] inline
#else
#define COSMOCLIP_TRAINING_INLINE inline
#endif

namespace cosmoclip {

namespace {

constexpr int kLanes = 16;
constexpr float kQuickGeluScale = 1.702f;
constexpr float kExpLowest = -87.3f;  // exp() below this is under FLT_MIN: 0 is returned
constexpr float kExpHighest = 88.3f;  // and above it the result would overflow (2^128)

// expf by range reduction x = n ln2 + r and Cephes' degree-6 polynomial (~1 ulp; exact 0 below
// kExpLowest, -inf from masks included). Branch-free so that the loops vectorise. The same function as
// cpukernels.cpp's, kept here so that the inference kernels stay private to their file.
COSMOCLIP_TRAINING_INLINE float fastExp(float x) {
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

// Sum of n floats in 16 independent lanes (vectorisable without reassociation flags).
COSMOCLIP_TRAINING_INLINE float sumOf(const float* x, int64_t n) {
    float lane[kLanes] = {};
    int64_t j = 0;
    for (; j + kLanes <= n; j += kLanes)
        for (int l = 0; l < kLanes; ++l) lane[l] += x[j + l];
    float s = 0.0f;
    for (int l = 0; l < kLanes; ++l) s += lane[l];
    for (; j < n; ++j) s += x[j];
    return s;
}

COSMOCLIP_TRAINING_INLINE float dotOf(const float* __restrict x, const float* __restrict y, int64_t n) {
    float lane[kLanes] = {};
    int64_t j = 0;
    for (; j + kLanes <= n; j += kLanes)
        for (int l = 0; l < kLanes; ++l) lane[l] += x[j + l] * y[j + l];
    float s = 0.0f;
    for (int l = 0; l < kLanes; ++l) s += lane[l];
    for (; j < n; ++j) s += x[j] * y[j];
    return s;
}

COSMOCLIP_TRAINING_INLINE void quickGeluBody(const float* __restrict x, float* __restrict y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = x[i] / (1.0f + fastExp(-kQuickGeluScale * x[i]));
}

COSMOCLIP_TRAINING_INLINE void quickGeluBackwardBody(const float* __restrict x, const float* __restrict g,
                                                     float* __restrict out, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
        const float s = 1.0f / (1.0f + fastExp(-kQuickGeluScale * x[i]));
        out[i] = g[i] * (s + kQuickGeluScale * x[i] * s * (1.0f - s));
    }
}

// softmax(s + mask) over `rows` rows of n scores in place; row i adds mask row i (mask may be null).
COSMOCLIP_TRAINING_INLINE void softmaxBody(float* __restrict s, int64_t rows, int64_t n,
                                           const float* __restrict mask) {
    for (int64_t i = 0; i < rows; ++i) {
        float* x = s + i * n;
        if (mask)
            for (int64_t j = 0; j < n; ++j) x[j] += mask[i * n + j];
        float top = -std::numeric_limits<float>::infinity();
        for (int64_t j = 0; j < n; ++j) top = std::max(top, x[j]);
        for (int64_t j = 0; j < n; ++j) x[j] = fastExp(x[j] - top);
        const float inv = 1.0f / sumOf(x, n);
        for (int64_t j = 0; j < n; ++j) x[j] *= inv;
    }
}

// dS = scale * P * (dP - rowsum(P * dP)), in place over dP, for `rows` rows of n.
COSMOCLIP_TRAINING_INLINE void softmaxBackwardBody(const float* __restrict p, float* __restrict dp, int64_t rows,
                                                   int64_t n, float scale) {
    for (int64_t i = 0; i < rows; ++i) {
        const float* pr = p + i * n;
        float* d = dp + i * n;
        const float dot = dotOf(pr, d, n);
        for (int64_t j = 0; j < n; ++j) d[j] = scale * pr[j] * (d[j] - dot);
    }
}

COSMOCLIP_TRAINING_INLINE void columnSumsBody(const float* __restrict x, int64_t rowStride, int64_t rows,
                                              int64_t cols, float* __restrict sums) {
    for (int64_t r = 0; r < rows; ++r) {
        const float* row = x + r * rowStride;
        for (int64_t j = 0; j < cols; ++j) sums[j] += row[j];
    }
}

using UnaryFn = void (*)(const float*, float*, int64_t);
using BinaryFn = void (*)(const float*, const float*, float*, int64_t);
using SoftmaxFn = void (*)(float*, int64_t, int64_t, const float*);
using SoftmaxBackwardFn = void (*)(const float*, float*, int64_t, int64_t, float);
using ColumnSumsFn = void (*)(const float*, int64_t, int64_t, int64_t, float*);

struct KernelSet {
    const char* name;
    UnaryFn quickGelu;
    BinaryFn quickGeluBackward;
    SoftmaxFn softmax;
    SoftmaxBackwardFn softmaxBackward;
    ColumnSumsFn columnSums;
};

#define COSMOCLIP_DEFINE_TRAINING_KERNELS(SUFFIX, TARGET)                                                     \
    TARGET void quickGelu##SUFFIX(const float* x, float* y, int64_t n) { quickGeluBody(x, y, n); }            \
    TARGET void quickGeluBackward##SUFFIX(const float* x, const float* g, float* o, int64_t n) {              \
        quickGeluBackwardBody(x, g, o, n);                                                                    \
    }                                                                                                         \
    TARGET void softmax##SUFFIX(float* s, int64_t rows, int64_t n, const float* mask) {                       \
        softmaxBody(s, rows, n, mask);                                                                        \
    }                                                                                                         \
    TARGET void softmaxBackward##SUFFIX(const float* p, float* dp, int64_t rows, int64_t n, float scale) {    \
        softmaxBackwardBody(p, dp, rows, n, scale);                                                           \
    }                                                                                                         \
    TARGET void columnSums##SUFFIX(const float* x, int64_t stride, int64_t rows, int64_t cols, float* sums) { \
        columnSumsBody(x, stride, rows, cols, sums);                                                          \
    }

COSMOCLIP_DEFINE_TRAINING_KERNELS(Generic, )
#ifdef COSMOCLIP_TRAINING_CLONES
COSMOCLIP_DEFINE_TRAINING_KERNELS(Avx2, COSMOCLIP_TRAINING_AVX2)
COSMOCLIP_DEFINE_TRAINING_KERNELS(Avx512, COSMOCLIP_TRAINING_AVX512)
#endif

std::vector<KernelSet> supportedSets() {
    std::vector<KernelSet> sets;
#ifdef COSMOCLIP_TRAINING_CLONES
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
        sets.push_back({"avx512", quickGeluAvx512, quickGeluBackwardAvx512, softmaxAvx512, softmaxBackwardAvx512, columnSumsAvx512});
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        sets.push_back({"avx2", quickGeluAvx2, quickGeluBackwardAvx2, softmaxAvx2, softmaxBackwardAvx2, columnSumsAvx2});
#endif
    sets.push_back({"generic", quickGeluGeneric, quickGeluBackwardGeneric, softmaxGeneric, softmaxBackwardGeneric, columnSumsGeneric});
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

// Where head h of batch element b starts in the packed rows, and the sizes every kernel shares.
struct HeadView {
    int64_t n, d, w, qkvRow;
    const float* q;
    const float* k;
    const float* v;
    float* probs;

    HeadView(const AttentionTrainingArgs& a, int64_t pair) {
        const int64_t b = pair / a.heads;
        const int64_t h = pair % a.heads;
        n = a.tokens;
        d = a.headDim;
        w = a.heads * a.headDim;
        qkvRow = 3 * w;
        q = a.qkv + b * n * qkvRow + h * d;
        k = q + w;
        v = q + 2 * w;
        probs = a.probs + pair * n * n;
    }
    int64_t batchOffset(const AttentionTrainingArgs& a, int64_t pair, int64_t rowStride) const {
        return (pair / a.heads) * n * rowStride + (pair % a.heads) * d;
    }
};

}  // namespace

void TrainingKernels::quickGelu(const float* x, float* y, int64_t n) {
    kernels().quickGelu(x, y, n);
}

void TrainingKernels::quickGeluBackward(const float* x, const float* gradOut, float* gradIn, int64_t n) {
    kernels().quickGeluBackward(x, gradOut, gradIn, n);
}

void TrainingKernels::addColumnSums(const float* x, int64_t rowStride, int64_t rows, int64_t cols, float* sums) {
    kernels().columnSums(x, rowStride, rows, cols, sums);
}

// Per (batch, head): S = scale Q K^T straight into its slot of probs (N x N, in L1), softmax in place,
// O = P V into the head's columns of out. Nothing is permuted or copied.
void TrainingKernels::attentionForward(const AttentionTrainingArgs& a, int64_t begin, int64_t end) {
    const KernelSet& k = kernels();
    for (int64_t pair = begin; pair < end; ++pair) {
        const HeadView h(a, pair);
        BlasGemm::multiply(false, true, h.n, h.n, h.d, a.scale, h.q, h.qkvRow, h.k, h.qkvRow, 0.0f, h.probs, h.n);
        k.softmax(h.probs, h.n, h.n, a.mask);
        BlasGemm::multiply(false, false, h.n, h.d, h.n, 1.0f, h.probs, h.n, h.v, h.qkvRow, 0.0f,
                           a.out + h.batchOffset(a, pair, h.w), h.w);
    }
}

void TrainingKernels::attentionBackward(const AttentionTrainingArgs& a, int64_t begin, int64_t end) {
    const KernelSet& k = kernels();
    std::vector<float> scratch(static_cast<size_t>(a.tokens * a.tokens));
    float* ds = scratch.data();
    for (int64_t pair = begin; pair < end; ++pair) {
        const HeadView h(a, pair);
        const float* dOut = a.gradOut + h.batchOffset(a, pair, h.w);
        float* dq = a.gradQkv + h.batchOffset(a, pair, h.qkvRow);
        float* dk = dq + h.w;
        float* dv = dq + 2 * h.w;
        // dV = P^T dO; dP = dO V^T, then dS (with the scale of S) in place.
        BlasGemm::multiply(true, false, h.n, h.d, h.n, 1.0f, h.probs, h.n, dOut, h.w, 0.0f, dv, h.qkvRow);
        BlasGemm::multiply(false, true, h.n, h.n, h.d, 1.0f, dOut, h.w, h.v, h.qkvRow, 0.0f, ds, h.n);
        k.softmaxBackward(h.probs, ds, h.n, h.n, a.scale);
        // dQ = dS K, dK = dS^T Q.
        BlasGemm::multiply(false, false, h.n, h.d, h.n, 1.0f, ds, h.n, h.k, h.qkvRow, 0.0f, dq, h.qkvRow);
        BlasGemm::multiply(true, false, h.n, h.d, h.n, 1.0f, ds, h.n, h.q, h.qkvRow, 0.0f, dk, h.qkvRow);
    }
}

const char* TrainingKernels::instructionSet() {
    return kernels().name;
}

bool TrainingKernels::useInstructionSet(const char* name) {
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

}  // namespace cosmoclip
