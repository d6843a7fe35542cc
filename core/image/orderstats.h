#pragma once

#include <cstddef>
#include <vector>

// Internal to core/image: the NaN-aware statistics kernels shared by the stretches.

namespace cosmoclip {

/// Smallest and largest finite value of n values; lo > hi (lo = +inf, hi = -inf) when none is finite.
/// count is the number of finite values.
struct FiniteRange {
    float lo;
    float hi;
    size_t count;
};
FiniteRange finiteRange(const float* values, size_t n);

/// numpy's default ("linear") quantile, q in [0, 1], of the values in v (reordered). v must not be empty.
double quantileInPlace(std::vector<float>& values, double q);

/// The median as numpy computes it: the middle value, or the mean of the two middle values.
inline double medianInPlace(std::vector<float>& values) {
    return quantileInPlace(values, 0.5);
}

}  // namespace cosmoclip
