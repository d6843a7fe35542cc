#pragma once

#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

namespace cosmoclip {

/// A small counter-based generator (splitmix64) whose streams are pure functions of their key, so
/// that the batch order of an epoch and the augmentation of every sample depend only on
/// (seed, epoch, index): a resumed run draws exactly what an uninterrupted one would, whichever
/// worker thread handles a sample. The same numbers on every platform (no std distributions).
class TrainingRandom final {
public:
    explicit TrainingRandom(uint64_t seed) : m_state(seed) {}
    /// The stream for one (seed, epoch, index).
    static TrainingRandom forKey(uint64_t seed, uint64_t epoch, uint64_t index) {
        return TrainingRandom(mix(mix(mix(seed) ^ (epoch + 0x632be59bd9b4e019ull)) ^ (index + 0x8cb92ba72f3d8dd7ull)));
    }

    uint64_t next() { return mix(m_state += 0x9e3779b97f4a7c15ull); }
    /// Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    /// Uniform integer in [0, n), n >= 1 (multiply-shift; the bias is below 2^-32 for n < 2^32).
    uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64); }
    bool coin() { return (next() >> 63) != 0; }

    static uint64_t mix(uint64_t z) {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }

private:
    uint64_t m_state;
};

/// The training order of epoch `epoch`: a Fisher-Yates shuffle of 0..n-1 keyed by (seed, epoch).
inline std::vector<size_t> epochOrder(size_t n, uint64_t seed, uint64_t epoch) {
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t{0});
    TrainingRandom random = TrainingRandom::forKey(seed, epoch, ~uint64_t{0});
    for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[random.below(i)]);
    return order;
}

}  // namespace cosmoclip
