#include "retrieval/halfprecision.h"

#include "retrieval/vectormath.h"

#include <cmath>
#include <cstring>
#include <stdexcept>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define COSMOCLIP_X86_SIMD 1
#include <immintrin.h>
#endif

namespace cosmoclip {

#ifdef COSMOCLIP_X86_SIMD

namespace {

bool cpuHasF16c()
{
    static const bool has = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
               __builtin_cpu_supports("f16c");
    }();
    return has;
}

__attribute__((target("avx2,fma,f16c"))) inline float hsum256(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 0x55));
    return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma,f16c"))) inline __m256 loadHalf8(const uint16_t* p)
{
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

__attribute__((target("avx2,fma,f16c"))) float tailDot(const uint16_t* row, const float* q,
                                                      size_t from, size_t dim)
{
    float sum = 0.0f;
    for (size_t d = from; d < dim; ++d)
        sum += _cvtsh_ss(row[d]) * q[d];
    return sum;
}

__attribute__((target("avx2,fma,f16c"))) void floatToHalfF16c(const float* in, uint16_t* out,
                                                             size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; ++i)
        out[i] = _cvtss_sh(in[i], _MM_FROUND_TO_NEAREST_INT);
}

__attribute__((target("avx2,fma,f16c"))) void halfToFloatF16c(const uint16_t* in, float* out,
                                                             size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(out + i, loadHalf8(in + i));
    for (; i < n; ++i)
        out[i] = _cvtsh_ss(in[i]);
}

// Four rows per pass, as the float32 kernel: the loop streams half the bytes.
__attribute__((target("avx2,fma,f16c"))) void dotRowsHalfF16c(const uint16_t* rows, size_t n,
                                                             size_t dim, const float* q, float* out)
{
    const size_t simdDim = dim & ~size_t(7);
    size_t r = 0;
    for (; r + 4 <= n; r += 4) {
        const uint16_t* r0 = rows + r * dim;
        const uint16_t* r1 = r0 + dim;
        const uint16_t* r2 = r1 + dim;
        const uint16_t* r3 = r2 + dim;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
        __m256 a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        for (size_t d = 0; d < simdDim; d += 8) {
            const __m256 qv = _mm256_loadu_ps(q + d);
            a0 = _mm256_fmadd_ps(loadHalf8(r0 + d), qv, a0);
            a1 = _mm256_fmadd_ps(loadHalf8(r1 + d), qv, a1);
            a2 = _mm256_fmadd_ps(loadHalf8(r2 + d), qv, a2);
            a3 = _mm256_fmadd_ps(loadHalf8(r3 + d), qv, a3);
        }
        out[r] = hsum256(a0) + tailDot(r0, q, simdDim, dim);
        out[r + 1] = hsum256(a1) + tailDot(r1, q, simdDim, dim);
        out[r + 2] = hsum256(a2) + tailDot(r2, q, simdDim, dim);
        out[r + 3] = hsum256(a3) + tailDot(r3, q, simdDim, dim);
    }
    for (; r < n; ++r) {
        const uint16_t* row = rows + r * dim;
        __m256 a = _mm256_setzero_ps();
        for (size_t d = 0; d < simdDim; d += 8)
            a = _mm256_fmadd_ps(loadHalf8(row + d), _mm256_loadu_ps(q + d), a);
        out[r] = hsum256(a) + tailDot(row, q, simdDim, dim);
    }
}

void requireF16c()
{
    if (!halfPrecisionAvailable())
        throw std::logic_error("half-precision kernels called on a CPU without F16C");
}

}  // namespace

bool halfPrecisionAvailable()
{
    return simdKernelsActive() && cpuHasF16c();
}

void floatToHalf(const float* in, uint16_t* out, size_t n)
{
    requireF16c();
    floatToHalfF16c(in, out, n);
}

void halfToFloat(const uint16_t* in, float* out, size_t n)
{
    requireF16c();
    halfToFloatF16c(in, out, n);
}

void dotRowsHalf(const uint16_t* rows, size_t n, size_t dim, const float* q, float* out)
{
    requireF16c();
    dotRowsHalfF16c(rows, n, dim, q, out);
}

#else

bool halfPrecisionAvailable()
{
    return false;
}

void floatToHalf(const float*, uint16_t*, size_t)
{
    throw std::logic_error("half-precision kernels are x86-64 only");
}

void halfToFloat(const uint16_t*, float*, size_t)
{
    throw std::logic_error("half-precision kernels are x86-64 only");
}

void dotRowsHalf(const uint16_t*, size_t, size_t, const float*, float*)
{
    throw std::logic_error("half-precision kernels are x86-64 only");
}

#endif

uint16_t floatToHalfPortable(float value)
{
    uint32_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
    const uint32_t mag = bits & 0x7fffffffu;
    if (mag >= 0x7f800000u)  // infinity, NaN (kept quiet)
        return sign | (mag > 0x7f800000u ? 0x7e00u : 0x7c00u);
    if (mag >= 0x477ff000u)  // 65520 and up round to infinity
        return sign | 0x7c00u;
    if (mag < 0x38800000u) {  // below 2^-14: a subnormal half, in steps of 2^-24 (exact product)
        float a = 0.0f;
        std::memcpy(&a, &mag, sizeof a);
        return sign | static_cast<uint16_t>(std::nearbyint(a * 16777216.0f));
    }
    uint32_t h = ((mag >> 23) - 112u) << 10 | (mag & 0x7fffffu) >> 13;
    const uint32_t rest = mag & 0x1fffu;  // round to nearest, ties to even; a carry is correct
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u)))
        ++h;
    return sign | static_cast<uint16_t>(h);
}

float halfToFloatPortable(uint16_t h)
{
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1fu;
    const uint32_t mantissa = h & 0x3ffu;
    if (exponent == 0) {
        const float v = std::ldexp(static_cast<float>(mantissa), -24);
        return sign ? -v : v;
    }
    const uint32_t bits = sign | (exponent == 31 ? 0x7f800000u : (exponent + 112u) << 23) | mantissa << 13;
    float out = 0.0f;
    std::memcpy(&out, &bits, sizeof out);
    return out;
}

void toHalf(const float* in, uint16_t* out, size_t n)
{
    if (halfPrecisionAvailable()) {
        floatToHalf(in, out, n);
        return;
    }
    for (size_t i = 0; i < n; ++i)
        out[i] = floatToHalfPortable(in[i]);
}

void fromHalf(const uint16_t* in, float* out, size_t n)
{
    if (halfPrecisionAvailable()) {
        halfToFloat(in, out, n);
        return;
    }
    for (size_t i = 0; i < n; ++i)
        out[i] = halfToFloatPortable(in[i]);
}

void dotRowsHalfAnyCpu(const uint16_t* rows, size_t n, size_t dim, const float* q, float* out)
{
    if (halfPrecisionAvailable()) {
        dotRowsHalf(rows, n, dim, q, out);
        return;
    }
    for (size_t r = 0; r < n; ++r) {
        double sum = 0.0;
        for (size_t d = 0; d < dim; ++d)
            sum += static_cast<double>(halfToFloatPortable(rows[r * dim + d])) * q[d];
        out[r] = static_cast<float>(sum);
    }
}

double halfDotErrorBound(size_t dim)
{
    const double d = static_cast<double>(dim);
    // Rounding to half: |r - h| <= 2^-11 |r| + 2^-25 (subnormals), so the dot moves by at most
    // 2^-11 + 2^-25 sqrt(dim) for unit vectors. Each float32 accumulation (8 lanes, FMA, then a
    // horizontal sum and a tail) is within (dim / 8 + 8) * 2^-24; both are counted, then doubled.
    return std::ldexp(1.0, -11) + std::ldexp(std::sqrt(d), -25) +
           2.0 * 2.0 * (d / 8.0 + 8.0) * std::ldexp(1.0, -24);
}

}  // namespace cosmoclip
