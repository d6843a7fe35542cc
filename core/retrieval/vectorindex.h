#pragma once

#include "retrieval/hugepageallocator.h"
#include "retrieval/searchfilter.h"

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace cosmoclip {

/// Exact cosine search over embeddings held in memory: one contiguous row-major float32 [N, dim]
/// matrix (rows normalised on add) plus their ids. A query scans every row (brute force), split
/// into row ranges over `threads` std::threads, each keeping a partial top-k heap; the heaps are
/// merged at the end. Scores are float32 dot products of normalised vectors (AVX2+FMA when the CPU
/// has it), ranked by score, ties by lower id.
///
/// Large indexes are bound by memory bandwidth (1M x 512 floats = 2 GiB read per query), so where
/// the CPU has F16C the index also keeps a binary16 copy (+50 % memory) and, from
/// kHalfScanMinRows rows on, scans that instead: every row whose half-precision score is within
/// twice the error bound (halfDotErrorBound) of the k-th best is re-scored in float32. The result
/// is bit-identical to the float32 scan, at about half the bytes read. setHalfPrecisionScan(false)
/// drops the copy.
///
/// Not thread-safe for writes: add/remove must not run during a search. Concurrent searches are fine.
class VectorIndex {
public:
    /// `threads` 0 = one per hardware thread.
    explicit VectorIndex(size_t dim, size_t threads = 0);

    size_t dim() const { return m_dim; }
    size_t size() const { return m_ids.size(); }
    bool empty() const { return m_ids.empty(); }
    void reserve(size_t rows);
    void clear();

    /// Adds a vector of dim() floats under `id`, normalised. Throws cosmoclip::Error for an id that
    /// is already stored or a vector with a NaN or infinity. An all-zero vector is stored as zeros
    /// (it scores 0 against everything).
    void add(int64_t id, const float* vector);
    /// Adds n rows; all-or-nothing (nothing is added when one row is rejected).
    void add(const int64_t* ids, const float* vectors, size_t n);
    /// Removes `id` (the last row moves into its place); false when it is not stored.
    bool remove(int64_t id);

    bool contains(int64_t id) const { return m_rowOfId.count(id) != 0; }
    /// The stored, normalised vector of `id`; nullptr when absent. Valid until the next write.
    const float* vector(int64_t id) const;
    /// Row access in storage order (for exports and tests).
    int64_t idAt(size_t row) const { return m_ids[row]; }
    const float* rowAt(size_t row) const { return m_data.data() + row * m_dim; }
    const std::vector<int64_t>& ids() const { return m_ids; }
    const float* data() const { return m_data.data(); }

    size_t threads() const { return m_threads; }
    void setThreads(size_t threads);

    /// Rows from which the half-precision first scan is used (below, float32 fits in cache).
    static constexpr size_t kHalfScanMinRows = 32768;
    /// Keeps (true, the default where the CPU has F16C) or drops the binary16 copy.
    void setHalfPrecisionScan(bool enabled);
    /// Whether searches of an index this large take the half-precision first scan now.
    bool usesHalfPrecisionScan() const;

    /// The k stored vectors most similar to `query` (dim() floats, any norm; normalised here),
    /// best first. Fewer than k when fewer rows pass the filter. Throws Error on a non-finite or
    /// all-zero query.
    std::vector<SearchHit> search(const float* query, size_t k, const SearchFilter& filter = {}) const;

    /// Like search(), then drops near-duplicates (collapseNearDuplicates with `threshold`),
    /// fetching more candidates until k distinct hits are found or the index is exhausted.
    std::vector<SearchHit> searchDistinct(const float* query, size_t k, float threshold,
                                          const SearchFilter& filter = {}) const;

private:
    struct HalfScanPart;
    HalfScanPart searchRowsHalf(const float* q, size_t begin, size_t end, size_t k, double window,
                                const SearchFilter& filter) const;
    std::vector<SearchHit> searchHalf(const float* q, size_t k, const SearchFilter& filter) const;
    template <class Part, class Fn>
    std::vector<Part> runInThreads(Fn&& fn) const;
    std::vector<SearchHit> searchRows(const float* q, size_t begin, size_t end, size_t k,
                                      const SearchFilter& filter) const;
    std::vector<SearchHit> searchSubset(const float* q, size_t k, const SearchFilter& filter) const;
    void checkFinite(const float* vector) const;

    size_t m_dim;
    size_t m_threads;
    std::vector<float, HugePageAllocator<float>> m_data;
    std::vector<uint16_t, HugePageAllocator<uint16_t>> m_half;  // binary16 copy of m_data while m_halfEnabled
    bool m_halfEnabled = false;
    std::vector<int64_t> m_ids;
    std::unordered_map<int64_t, size_t> m_rowOfId;
};

}  // namespace cosmoclip
