#pragma once

#include <cstddef>
#include <cstdint>
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

/// finiteRange() and, in the same pass over memory, every finite value among values[0], values[s],
/// values[2 s], ... with s = ceil(n / maxSamples), in storage order (what sampleValid() returns).
FiniteRange finiteRangeAndSample(const float* values, size_t n, size_t maxSamples, std::vector<float>& sample);

/// Number of finite values in each block of `block` consecutive values (the last may be shorter),
/// counted on every core: lets a caller find the k-th finite value without scanning up to it.
std::vector<uint32_t> finiteCountsPerBlock(const float* values, size_t n, size_t block);

/// numpy's default ("linear") quantile, q in [0, 1], of the finite values in v. v must not be empty.
/// The two order statistics it interpolates are found by radix selection, not by sorting.
double quantileInPlace(std::vector<float>& values, double q);

/// The median as numpy computes it: the middle value, or the mean of the two middle values.
inline double medianInPlace(std::vector<float>& values) {
    return quantileInPlace(values, 0.5);
}

}  // namespace cosmoclip
