#include "image/statsaccumulator.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cosmoclip {

StatsAccumulator::StatsAccumulator()
    : m_min(std::numeric_limits<double>::infinity()), m_max(-std::numeric_limits<double>::infinity()) {}

template <typename T>
void StatsAccumulator::addLanes(const T* values, size_t n) {
    constexpr size_t kLanes = 8;
    double sums[kLanes] = {};
    int64_t nans[kLanes] = {};
    T lo[kLanes], hi[kLanes];
    for (size_t l = 0; l < kLanes; ++l) {
        lo[l] = std::numeric_limits<T>::infinity();
        hi[l] = -std::numeric_limits<T>::infinity();
    }
    auto take = [&](size_t l, T v) {
        const bool nan = v != v;
        nans[l] += nan;
        sums[l] += nan ? 0.0 : static_cast<double>(v);
        lo[l] = v < lo[l] ? v : lo[l];  // false for NaN: skipped
        hi[l] = v > hi[l] ? v : hi[l];
    };
    size_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
        for (size_t l = 0; l < kLanes; ++l) take(l, values[i + l]);
    }
    for (size_t l = 0; i < n; ++i, ++l) take(l, values[i]);
    for (size_t l = 0; l < kLanes; ++l) {
        m_nans += nans[l];
        m_sum += sums[l];
        m_min = std::min<double>(m_min, lo[l]);
        m_max = std::max<double>(m_max, hi[l]);
    }
    m_total += static_cast<int64_t>(n);
}

namespace {

uint32_t swapBytes(uint32_t x) {
    return (x >> 24) | ((x >> 8) & 0xff00u) | ((x << 8) & 0xff0000u) | (x << 24);
}

/// n big-endian float32 values to host order, one at a time (heads and tails of the vector loop).
void swapScalar(const uint8_t* in, float* out, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        uint32_t x;
        std::memcpy(&x, in + i * sizeof(float), sizeof x);
        x = swapBytes(x);
        std::memcpy(out + i, &x, sizeof x);
    }
}

#if defined(__SSE2__)
/// SSE2 has no byte shuffle: swap the bytes of each 16-bit half, then the halves.
inline __m128 swapVector(__m128i x) {
    x = _mm_or_si128(_mm_slli_epi16(x, 8), _mm_srli_epi16(x, 8));
    x = _mm_shufflelo_epi16(x, _MM_SHUFFLE(2, 3, 0, 1));
    x = _mm_shufflehi_epi16(x, _MM_SHUFFLE(2, 3, 0, 1));
    return _mm_castsi128_ps(x);
}
#endif

}  // namespace

#if defined(__SSE2__)
// float32 is what every FITS float image and every raster holds: by hand with SSE2 (baseline on x86-64)
// this runs at cache speed, ~5x the compiler's version of addLanes (which cannot keep the NaN test,
// the float -> double sums and the 64-bit NaN count in vector registers at once). With kSwapAndStore
// the values are big-endian at `in` and are stored, swapped, to `out` (16-byte aligned) with
// streaming stores.
template <bool kSwapAndStore>
void StatsAccumulator::addVectors(const void* in, float* out, size_t n) {
    const auto* bytes = static_cast<const uint8_t*>(in);
    __m128 lo = _mm_set1_ps(std::numeric_limits<float>::infinity());
    __m128 hi = _mm_set1_ps(-std::numeric_limits<float>::infinity());
    __m128d sums[4] = {_mm_setzero_pd(), _mm_setzero_pd(), _mm_setzero_pd(), _mm_setzero_pd()};
    size_t i = 0;
    while (i + 8 <= n) {
        // NaN counts are 32-bit per lane (at most 2 per lane and step): fold them in every 2^27 values.
        const size_t blockEnd = std::min(n - n % 8, i + (size_t{1} << 27));
        __m128i nans = _mm_setzero_si128();
        for (; i < blockEnd; i += 8) {
            __m128 a, b;
            if constexpr (kSwapAndStore) {
                a = swapVector(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i * 4)));
                b = swapVector(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i * 4 + 16)));
                _mm_stream_ps(out + i, a);
                _mm_stream_ps(out + i + 4, b);
            } else {
                a = _mm_loadu_ps(reinterpret_cast<const float*>(bytes) + i);
                b = _mm_loadu_ps(reinterpret_cast<const float*>(bytes) + i + 4);
            }
            // MINPS/MAXPS return the second operand when the first is NaN: NaN is skipped.
            lo = _mm_min_ps(a, lo);
            lo = _mm_min_ps(b, lo);
            hi = _mm_max_ps(a, hi);
            hi = _mm_max_ps(b, hi);
            const __m128 nanA = _mm_cmpunord_ps(a, a), nanB = _mm_cmpunord_ps(b, b);
            nans = _mm_sub_epi32(nans, _mm_castps_si128(nanA));  // NaN lanes are -1
            nans = _mm_sub_epi32(nans, _mm_castps_si128(nanB));
            const __m128 va = _mm_andnot_ps(nanA, a), vb = _mm_andnot_ps(nanB, b);  // NaN adds 0
            sums[0] = _mm_add_pd(sums[0], _mm_cvtps_pd(va));
            sums[1] = _mm_add_pd(sums[1], _mm_cvtps_pd(_mm_movehl_ps(va, va)));
            sums[2] = _mm_add_pd(sums[2], _mm_cvtps_pd(vb));
            sums[3] = _mm_add_pd(sums[3], _mm_cvtps_pd(_mm_movehl_ps(vb, vb)));
        }
        alignas(16) int32_t counts[4];
        _mm_store_si128(reinterpret_cast<__m128i*>(counts), nans);
        m_nans += int64_t{counts[0]} + counts[1] + counts[2] + counts[3];
    }
    if constexpr (kSwapAndStore) {
        _mm_sfence();  // streaming stores are weakly ordered: make them visible before anyone reads
    }
    alignas(16) float l[4], h[4];
    alignas(16) double s[8];
    _mm_store_ps(l, lo);
    _mm_store_ps(h, hi);
    for (int k = 0; k < 4; ++k) _mm_store_pd(s + 2 * k, sums[k]);
    for (int k = 0; k < 4; ++k) {
        m_min = std::min<double>(m_min, l[k]);
        m_max = std::max<double>(m_max, h[k]);
    }
    for (const double v : s) m_sum += v;
    m_total += static_cast<int64_t>(i);
    // The last few values.
    if constexpr (kSwapAndStore) {
        swapScalar(bytes + i * 4, out + i, n - i);
        addLanes(out + i, n - i);
    } else {
        addLanes(reinterpret_cast<const float*>(bytes) + i, n - i);
    }
}

void StatsAccumulator::add(const float* values, size_t n) {
    addVectors<false>(values, nullptr, n);
}

void StatsAccumulator::addBigEndian(const void* in, float* out, size_t n) {
    const auto* bytes = static_cast<const uint8_t*>(in);
    // Streaming stores need 16-byte alignment: the first few values go the scalar way.
    const size_t misaligned = (reinterpret_cast<uintptr_t>(out) / sizeof(float)) % 4;
    const size_t head = std::min(n, misaligned == 0 ? 0 : 4 - misaligned);
    if (reinterpret_cast<uintptr_t>(out) % sizeof(float) != 0) {  // not even float-aligned: no vectors
        swapScalar(bytes, out, n);
        addLanes(out, n);
        return;
    }
    swapScalar(bytes, out, head);
    addLanes(out, head);
    addVectors<true>(bytes + head * sizeof(float), out + head, n - head);
}
#else
void StatsAccumulator::add(const float* values, size_t n) { addLanes(values, n); }

void StatsAccumulator::addBigEndian(const void* in, float* out, size_t n) {
    swapScalar(static_cast<const uint8_t*>(in), out, n);
    addLanes(out, n);
}
#endif

void StatsAccumulator::add(const double* values, size_t n) { addLanes(values, n); }

void StatsAccumulator::merge(const StatsAccumulator& other) {
    m_min = std::min(m_min, other.m_min);
    m_max = std::max(m_max, other.m_max);
    m_sum += other.m_sum;
    m_nans += other.m_nans;
    m_total += other.m_total;
}

ImageStats StatsAccumulator::result() const {
    ImageStats s;
    s.nanCount = m_nans;
    s.validCount = m_total - m_nans;
    if (s.validCount > 0) {
        s.min = m_min;
        s.max = m_max;
        s.mean = m_sum / static_cast<double>(s.validCount);
    } else {
        s.min = s.max = s.mean = std::numeric_limits<double>::quiet_NaN();
    }
    return s;
}

}  // namespace cosmoclip
