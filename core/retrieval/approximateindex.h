#pragma once

#include "retrieval/searchfilter.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cosmoclip {

class VectorIndex;

/// How to build an approximate index. Zeros pick values from the number of vectors N.
struct ApproximateIndexParams {
    size_t lists = 0;         ///< inverted lists (k-means cells); 0: about sqrt(N) / 2, at least 1
    size_t probes = 0;        ///< lists scanned per query by default; 0: lists / 16, at least 16
    size_t trainSamples = 0;  ///< vectors k-means trains on; 0: min(N, 64 x lists)
    size_t trainIterations = 10;
};

/// Approximate cosine search for catalogs too large to scan per query: FAISS IVF-Flat with inner
/// product on normalised vectors. k-means splits the vectors into `lists` cells; a query scans
/// only the `probes` cells nearest to it, with exact float32 scores inside them, so recall (not
/// score accuracy) is what the speed costs. The index is a file beside the catalog, written
/// atomically.
///
/// FAISS is optional at build time: without it available() is false and every other member
/// throws cosmoclip::Error("approximate index not available in this build"); callers then use
/// VectorIndex.
class ApproximateIndex {
public:
    static bool available();

    ApproximateIndex();
    ~ApproximateIndex();
    ApproximateIndex(ApproximateIndex&&) noexcept;
    ApproximateIndex& operator=(ApproximateIndex&&) noexcept;

    /// Trains the cells on (a sample of) the vectors and adds them all. Replaces any previous
    /// content. Rows are normalised here. Throws Error on no vectors or bad shapes.
    void build(const VectorIndex& exact, const ApproximateIndexParams& params = {});
    void build(const float* vectors, const int64_t* ids, size_t n, size_t dim,
               const ApproximateIndexParams& params = {});

    bool isBuilt() const;
    size_t size() const;
    size_t dim() const;
    size_t lists() const;
    size_t defaultProbes() const { return m_probes; }
    void setDefaultProbes(size_t probes) { m_probes = probes; }

    /// The k best hits among the scanned cells, best first (ties by lower id); `probes` 0 = the
    /// default. Filters are applied inside the scan (FAISS IDSelector; a predicate is called from
    /// FAISS's OpenMP threads), so a very selective filter can return fewer than k hits: for small
    /// subsets use VectorIndex.
    std::vector<SearchHit> search(const float* query, size_t k, size_t probes = 0,
                                  const SearchFilter& filter = {}) const;

    /// Writes the index to `path` atomically (old file or complete new one). Throws Error.
    void save(const std::string& path) const;
    /// Reads a file written by save(). Throws Error "PATH: ..." on a missing, foreign or damaged
    /// file.
    static ApproximateIndex load(const std::string& path);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    size_t m_probes = 8;
};

}  // namespace cosmoclip
