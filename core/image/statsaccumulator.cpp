#include "image/statsaccumulator.h"

#include <algorithm>
#include <limits>

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

void StatsAccumulator::add(const float* values, size_t n) { addLanes(values, n); }
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
