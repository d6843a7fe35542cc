#include "image/orderstats.h"

#include <vector>

#include "common/parallelfor.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cosmoclip {

namespace {

FiniteRange finiteRangeScalar(const float* values, size_t n) {
    float lo = INFINITY;
    float hi = -INFINITY;
    size_t count = 0;
    for (size_t i = 0; i < n; ++i) {
        const float x = values[i];
        if (std::fabs(x) <= FLT_MAX) {  // false for NaN and +-inf
            lo = std::min(lo, x);
            hi = std::max(hi, x);
            ++count;
        }
    }
    return {lo, hi, count};
}

#if defined(__SSE2__)
// Compilers do not vectorise a NaN-aware min/max reduction on their own (it needs -ffinite-math-only,
// which would also fold away the NaN test). By hand with SSE2 (baseline on x86-64) it runs at memory
// speed: ~10 ms for a 4096^2 image instead of ~40 ms.
FiniteRange finiteRangeSerial(const float* values, size_t n) {
    const __m128 absMask = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
    const __m128 largest = _mm_set1_ps(FLT_MAX);
    const __m128 posInf = _mm_set1_ps(INFINITY);
    const __m128 negInf = _mm_set1_ps(-INFINITY);
    __m128 lo = posInf, hi = negInf;
    size_t count = 0;
    size_t i = 0;
    while (i + 4 <= n) {
        // Lane counters are 32-bit: fold them into `count` every 2^24 vectors.
        const size_t blockEnd = std::min(n - n % 4, i + (size_t{1} << 26));
        __m128i lanes = _mm_setzero_si128();
        for (; i < blockEnd; i += 4) {
            const __m128 x = _mm_loadu_ps(values + i);
            const __m128 ok = _mm_cmple_ps(_mm_and_ps(x, absMask), largest);  // NaN compares false
            lo = _mm_min_ps(_mm_or_ps(_mm_and_ps(ok, x), _mm_andnot_ps(ok, posInf)), lo);
            hi = _mm_max_ps(_mm_or_ps(_mm_and_ps(ok, x), _mm_andnot_ps(ok, negInf)), hi);
            lanes = _mm_sub_epi32(lanes, _mm_castps_si128(ok));  // ok lanes are -1
        }
        alignas(16) uint32_t c[4];
        _mm_store_si128(reinterpret_cast<__m128i*>(c), lanes);
        count += size_t{c[0]} + c[1] + c[2] + c[3];
    }
    alignas(16) float l[4], h[4];
    _mm_store_ps(l, lo);
    _mm_store_ps(h, hi);
    FiniteRange r = finiteRangeScalar(values + i, n - i);
    for (int k = 0; k < 4; ++k) {
        r.lo = std::min(r.lo, l[k]);
        r.hi = std::max(r.hi, h[k]);
    }
    r.count += count;
    return r;
}
#else
FiniteRange finiteRangeSerial(const float* values, size_t n) {
    return finiteRangeScalar(values, n);
}
#endif

}  // namespace

FiniteRange finiteRange(const float* values, size_t n) {
    // A 4096^2 image is memory-bound on one core; each core scans its own part.
    constexpr size_t kMinPerThread = size_t{1} << 20;
    std::vector<FiniteRange> parts(parallelParts(n, kMinPerThread), FiniteRange{INFINITY, -INFINITY, 0});
    parallelFor(n, kMinPerThread, [&](size_t part, size_t begin, size_t end) {
        parts[part] = finiteRangeSerial(values + begin, end - begin);
    });
    FiniteRange r{INFINITY, -INFINITY, 0};
    for (const FiniteRange& p : parts) {
        r.lo = std::min(r.lo, p.lo);
        r.hi = std::max(r.hi, p.hi);
        r.count += p.count;
    }
    return r;
}

double quantileInPlace(std::vector<float>& values, double q) {
    const size_t n = values.size();
    const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(n - 1);
    const auto k = static_cast<size_t>(std::floor(pos));
    const double frac = pos - static_cast<double>(k);
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
    const double a = values[k];
    if (frac <= 0.0 || k + 1 >= n) {
        return a;
    }
    // After nth_element everything right of k is >= values[k]: the next order statistic is their min.
    const double b = *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(k + 1), values.end());
    return a + (b - a) * frac;
}

}  // namespace cosmoclip
