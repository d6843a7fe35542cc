#pragma once

// Synthetic stand-ins for CLIP image embeddings, for the approximate-index test and benchmark.
//
// A mixture of `clusters` anisotropic Gaussian clusters on the unit sphere (the generator both use):
//   x = normalise(wMean * mu + wCluster * c_j + wLocal * sum_k s_k z_k b_{j,k} + wNoise * g / sqrt(dim))
// - mu: one direction shared by every vector. CLIP image embeddings fill a narrow cone: two
//   unrelated images have cosine ~0.4-0.5, not ~0 as random directions in 512-d would.
// - c_j: the cluster centre (a kind of picture: a galaxy type, a field, an instrument), j uniform.
// - b_{j,k}: 16 directions of this cluster taken from a shared pool of 4096, weights s_k ~ 1/sqrt(k+1)
//   (a decaying spectrum: within one kind of picture a few attributes - size, orientation,
//   brightness - account for most of the variation), z_k ~ N(0, 1).
// - g: a little full-rank noise (i.i.d. components of unit variance).
// With the default weights, unrelated vectors have cosine ~0.45, members of one cluster ~0.65, and
// a query's best match in a 1M set ~0.9 (tests/bench/bench_ann prints these statistics).
// Row i of stream s depends only on (seed, s, i), so chunks can be generated in any order and on any
// thread, and queries (another stream) come from the same distribution without being in the set.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace cosmoclip::test {

class SyntheticEmbeddings {
public:
    static constexpr size_t kLocalRank = 16;
    static constexpr size_t kPoolSize = 4096;

    SyntheticEmbeddings(size_t dim, size_t clusters, uint64_t seed)
        : m_dim(dim), m_clusters(std::max<size_t>(1, clusters)), m_seed(seed)
    {
        Rng rng{mix(seed ^ 0x5eed)};
        m_mean = unitVectors(1, rng);
        m_centres = unitVectors(m_clusters, rng);
        m_pool = unitVectors(kPoolSize, rng);
        double total = 0;
        for (size_t k = 0; k < kLocalRank; ++k)
            total += 1.0 / double(k + 1);
        for (size_t k = 0; k < kLocalRank; ++k)
            m_spectrum[k] = float(std::sqrt(1.0 / double(k + 1) / total));
    }

    size_t dim() const { return m_dim; }
    size_t clusters() const { return m_clusters; }

    /// The cluster j that row `row` of `stream` was drawn from (benchmarks: where neighbours come from).
    size_t clusterOf(uint64_t stream, uint64_t row) const
    {
        Rng rng{mix(m_seed * 0x9E3779B97F4A7C15ull ^ mix(stream + 1) ^ row)};
        return rng.next() % m_clusters;
    }

    /// Rows [first, first + count) of `stream`, normalised, into out[count * dim].
    void rows(uint64_t stream, uint64_t first, size_t count, float* out) const
    {
        const float noiseScale = kNoise / std::sqrt(float(m_dim));
        for (size_t i = 0; i < count; ++i) {
            Rng rng{mix(m_seed * 0x9E3779B97F4A7C15ull ^ mix(stream + 1) ^ (first + i))};
            float* x = out + i * m_dim;
            const size_t j = rng.next() % m_clusters;
            const float* c = &m_centres[j * m_dim];
            for (size_t d = 0; d < m_dim; ++d)
                x[d] = kMean * m_mean[d] + kCluster * c[d] + noiseScale * rng.symmetric();
            for (size_t k = 0; k < kLocalRank; k += 2) {
                float z[2];
                rng.gaussianPair(z[0], z[1]);
                for (size_t h = 0; h < 2; ++h) {
                    const float a = kLocal * m_spectrum[k + h] * z[h];
                    const float* b = &m_pool[(mix(j * kLocalRank + k + h + 1) % kPoolSize) * m_dim];
                    for (size_t d = 0; d < m_dim; ++d)
                        x[d] += a * b[d];
                }
            }
            double ss = 0;
            for (size_t d = 0; d < m_dim; ++d)
                ss += double(x[d]) * x[d];
            const float inv = float(1.0 / std::sqrt(ss));
            for (size_t d = 0; d < m_dim; ++d)
                x[d] *= inv;
        }
    }

private:
    // Weights of the four parts (their squares sum to 1).
    static constexpr float kMean = 0.67f;     // 0.45
    static constexpr float kCluster = 0.45f;  // 0.20
    static constexpr float kLocal = 0.5477f;  // 0.30
    static constexpr float kNoise = 0.2236f;  // 0.05

    static uint64_t mix(uint64_t z)
    {
        z += 0x9E3779B97F4A7C15ull;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    struct Rng {  // splitmix64 and Box-Muller
        uint64_t state;
        uint64_t next() { return mix(state++); }
        float uniform() { return float((next() >> 40) + 1) * (1.0f / 16777217.0f); }  // (0, 1)
        // Uniform with unit variance: cheaper than a Gaussian, and its dot products with anything
        // are Gaussian all the same (central limit over the dimensions).
        float symmetric() { return (2.0f * uniform() - 1.0f) * 1.7320508f; }
        void gaussianPair(float& a, float& b)
        {
            const float r = std::sqrt(-2.0f * std::log(uniform()));
            const float t = 6.2831853f * uniform();
            a = r * std::cos(t);
            b = r * std::sin(t);
        }
    };

    std::vector<float> unitVectors(size_t n, Rng& rng) const
    {
        std::vector<float> v(n * m_dim);
        for (size_t i = 0; i < n; ++i) {
            double ss = 0;
            for (size_t d = 0; d < m_dim; d += 2) {
                float a, b;
                rng.gaussianPair(a, b);
                v[i * m_dim + d] = a;
                if (d + 1 < m_dim)
                    v[i * m_dim + d + 1] = b;
            }
            for (size_t d = 0; d < m_dim; ++d)
                ss += double(v[i * m_dim + d]) * v[i * m_dim + d];
            for (size_t d = 0; d < m_dim; ++d)
                v[i * m_dim + d] = float(v[i * m_dim + d] / std::sqrt(ss));
        }
        return v;
    }

    size_t m_dim;
    size_t m_clusters;
    uint64_t m_seed;
    std::vector<float> m_mean, m_centres, m_pool;
    float m_spectrum[kLocalRank] = {};
};

}  // namespace cosmoclip::test
