#include "retrieval/vectormath.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define COSMOCLIP_X86_SIMD 1
#include <immintrin.h>
#endif

namespace cosmoclip {

void l2NormalizeRows(float* data, size_t rows, size_t dim)
{
    for (size_t r = 0; r < rows; ++r) {
        float* row = data + r * dim;
        const double norm = l2Norm(row, dim);
        // torch's F.normalize divides by max(norm, 1e-12): a zero row stays zero.
        const double inv = 1.0 / std::max(norm, 1e-12);
        for (size_t d = 0; d < dim; ++d)
            row[d] = static_cast<float>(row[d] * inv);
    }
}

std::vector<float> l2Normalized(const float* v, size_t dim)
{
    std::vector<float> out(v, v + dim);
    l2Normalize(out.data(), dim);
    return out;
}

double l2Norm(const float* v, size_t dim)
{
    return std::sqrt(dotDouble(v, v, dim));
}

double dotDouble(const float* a, const float* b, size_t dim)
{
    double sum = 0.0;
    for (size_t d = 0; d < dim; ++d)
        sum += static_cast<double>(a[d]) * b[d];
    return sum;
}

namespace {

float dotScalar(const float* a, const float* b, size_t dim)
{
    // Four partial sums let the compiler vectorise with plain SSE2 and keep rounding close to the
    // AVX2 path.
    float s[8] = {};
    size_t d = 0;
    for (; d + 8 <= dim; d += 8)
        for (int k = 0; k < 8; ++k)
            s[k] += a[d + k] * b[d + k];
    float sum = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
    for (; d < dim; ++d)
        sum += a[d] * b[d];
    return sum;
}

void dotRowsScalar(const float* rows, size_t n, size_t dim, const float* q, float* out)
{
    for (size_t r = 0; r < n; ++r)
        out[r] = dotScalar(rows + r * dim, q, dim);
}

#ifdef COSMOCLIP_X86_SIMD

__attribute__((target("avx2,fma"))) inline float hsum256(__m256 v)
{
    const __m128 lo = _mm256_castps256_ps128(v);
    const __m128 hi = _mm256_extractf128_ps(v, 1);
    __m128 s = _mm_add_ps(lo, hi);
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 0x55));
    return _mm_cvtss_f32(s);
}

// The last dim % 8 components as one zero-padded 8-wide load, so that every path sums a row in
// exactly the same order.
__attribute__((target("avx2,fma"))) inline __m256i tailMask(size_t rest)
{
    alignas(32) static const int32_t lanes[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(lanes + 8 - rest));
}

// One accumulator per row, summed as the four-row kernel sums each of its rows, so a row scores
// bit-identically whichever path computed it (the search ranks with both).
__attribute__((target("avx2,fma"))) float dotAvx2(const float* a, const float* b, size_t dim)
{
    const size_t simdDim = dim & ~size_t(7);
    __m256 acc = _mm256_setzero_ps();
    for (size_t d = 0; d < simdDim; d += 8)
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(a + d), _mm256_loadu_ps(b + d), acc);
    if (simdDim < dim) {
        const __m256i mask = tailMask(dim - simdDim);
        acc = _mm256_fmadd_ps(_mm256_maskload_ps(a + simdDim, mask),
                              _mm256_maskload_ps(b + simdDim, mask), acc);
    }
    return hsum256(acc);
}

// Four rows per pass: each load of q feeds four FMAs, so the loop is bound by streaming the rows
// from memory, not by loads of q.
__attribute__((target("avx2,fma"))) void dotRowsAvx2(const float* rows, size_t n, size_t dim,
                                                     const float* q, float* out)
{
    const size_t simdDim = dim & ~size_t(7);
    size_t r = 0;
    for (; r + 4 <= n; r += 4) {
        const float* r0 = rows + r * dim;
        const float* r1 = r0 + dim;
        const float* r2 = r1 + dim;
        const float* r3 = r2 + dim;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
        __m256 a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        for (size_t d = 0; d < simdDim; d += 8) {
            const __m256 qv = _mm256_loadu_ps(q + d);
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(r0 + d), qv, a0);
            a1 = _mm256_fmadd_ps(_mm256_loadu_ps(r1 + d), qv, a1);
            a2 = _mm256_fmadd_ps(_mm256_loadu_ps(r2 + d), qv, a2);
            a3 = _mm256_fmadd_ps(_mm256_loadu_ps(r3 + d), qv, a3);
        }
        if (simdDim < dim) {
            const __m256i mask = tailMask(dim - simdDim);
            const __m256 qv = _mm256_maskload_ps(q + simdDim, mask);
            a0 = _mm256_fmadd_ps(_mm256_maskload_ps(r0 + simdDim, mask), qv, a0);
            a1 = _mm256_fmadd_ps(_mm256_maskload_ps(r1 + simdDim, mask), qv, a1);
            a2 = _mm256_fmadd_ps(_mm256_maskload_ps(r2 + simdDim, mask), qv, a2);
            a3 = _mm256_fmadd_ps(_mm256_maskload_ps(r3 + simdDim, mask), qv, a3);
        }
        out[r] = hsum256(a0);
        out[r + 1] = hsum256(a1);
        out[r + 2] = hsum256(a2);
        out[r + 3] = hsum256(a3);
    }
    for (; r < n; ++r)
        out[r] = dotAvx2(rows + r * dim, q, dim);
}

#endif

}  // namespace

bool cpuHasAvx2Fma()
{
#ifdef COSMOCLIP_X86_SIMD
    static const bool has = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }();
    return has;
#else
    return false;
#endif
}

namespace {
bool g_simdEnabled = true;
}  // namespace

void setSimdKernelsEnabled(bool enabled)
{
    g_simdEnabled = enabled;
}

bool simdKernelsActive()
{
    return g_simdEnabled && cpuHasAvx2Fma();
}

float dot(const float* a, const float* b, size_t dim)
{
#ifdef COSMOCLIP_X86_SIMD
    if (simdKernelsActive())
        return dotAvx2(a, b, dim);
#endif
    return dotScalar(a, b, dim);
}

void dotRows(const float* rows, size_t n, size_t dim, const float* q, float* out)
{
#ifdef COSMOCLIP_X86_SIMD
    if (simdKernelsActive()) {
        dotRowsAvx2(rows, n, dim, q, out);
        return;
    }
#endif
    dotRowsScalar(rows, n, dim, q, out);
}

}  // namespace cosmoclip
