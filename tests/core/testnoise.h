#pragma once

// Deterministic noise for stretch and renderer tests, reproducible in the Python snippets that
// computed the expected values (same splitmix64 finaliser, same Box-Muller).
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace testnoise {

/// splitmix64 finaliser of i mapped to [0, 1).
inline double u(uint64_t i) {
    uint64_t z = i * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) / 9007199254740992.0;
}

inline double gauss(uint64_t i) {  // Box-Muller
    const double u1 = std::max(u(2 * i), 1e-300), u2 = u(2 * i + 1);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

}  // namespace testnoise
