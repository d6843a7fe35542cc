#pragma once

#include "common/error.h"
#include "retrieval/searchfilter.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cosmoclip {

class VectorIndex;

/// What ApproximateIndex::load() throws for our own file that cannot be used as it is (damaged,
/// truncated, a segment missing, or an older format): callers rebuild it. Other Errors from load()
/// (a foreign file, a newer format) mean the file must not be overwritten silently.
class ApproximateIndexDamaged : public Error {
public:
    using Error::Error;
};

/// The two FAISS layouts (README "Approximate index" has the measurements behind the choice).
enum class ApproximateKind {
    /// IVF-Flat: float32 vectors in k-means cells, exact scores inside the probed cells. 2 KiB per
    /// 512-d vector in memory; the simplest and most accurate while the vectors fit.
    IvfFlat,
    /// IVF-PQ: product-quantisation codes (one byte per 16 dimensions: 32 bytes for 512-d) rank the
    /// vectors of the probed cells, and the best few hundred are re-scored from a memory-mapped
    /// binary16 copy (HalfVectorStore). For catalogs whose float32 vectors do not fit in memory.
    IvfPq,
};
const char* approximateKindName(ApproximateKind kind);
/// "ivf-flat" or "ivf-pq"; throws Error otherwise.
ApproximateKind parseApproximateKind(const std::string& name);

/// How to build an approximate index. Zeros (and an unset kind) are chosen from the number of
/// vectors N by resolve(); the comments in approximateindex.cpp say why each value.
struct ApproximateIndexParams {
    /// IVF-PQ trains 256 centroids per sub-quantizer (8 bits): it is refused with fewer training
    /// vectors than that, and an unset kind resolves to it only from kGoodPqRows, FAISS's ~39 points
    /// per centroid; IVF-Flat below.
    static constexpr size_t kMinPqRows = 256;
    static constexpr size_t kGoodPqRows = 39 * 256;
    std::optional<ApproximateKind> kind;  ///< unset: IVF-PQ from kGoodPqRows vectors, else IVF-Flat
    size_t lists = 0;          ///< inverted lists (k-means cells)
    size_t probes = 0;         ///< lists scanned per query by default
    size_t trainSamples = 0;   ///< vectors k-means trains on
    size_t trainIterations = 10;
    size_t pqSubquantizers = 0;  ///< IVF-PQ: code bytes per vector (8-bit sub-quantizers); dim must divide by it
    size_t rerank = 0;           ///< IVF-PQ: candidates re-scored from binary16 per query
    /// Coarse quantizer: 1 = flat (every cell centroid scored per query and per added vector);
    /// G >= 2 = two-level: G top-level k-means groups, each split into cells trained on its members,
    /// so that assigning a vector costs G + a few groups' cells dot products instead of `lists`.
    /// 0: flat up to kMaxFlatLists cells, two-level above.
    size_t coarseGroups = 0;
    /// Two-level: top-level groups whose cells a query ranks (at least enough to hold `probes` cells).
    size_t groupProbes = 0;
    /// Two-level: groups among whose cells an added vector takes the best (persisted with the index).
    size_t assignGroups = 0;
    /// Two-level IVF-PQ: each vector is stored (as a PQ code of its residual) in its this many best
    /// cells, so that a neighbour whose best cell the query does not probe is still found through
    /// another. 0: 3 for two-level IVF-PQ, else 1 (flat quantizers and IVF-Flat store each once).
    size_t cellsPerVector = 0;
    static constexpr size_t kMaxFlatLists = 4096;
    static constexpr size_t kMaxLists = 65536;
    static constexpr size_t kMaxCellsPerVector = 4;

    /// A copy with every zero replaced by its automatic value for `n` vectors of `dim`.
    ApproximateIndexParams resolve(size_t n, size_t dim) const;
};

/// Approximate cosine search for catalogs too large to scan per query (FAISS, inner product on
/// normalised vectors): k-means splits the vectors into cells and a query scans only the cells
/// nearest to it. Either IVF-Flat (exact scores inside the cells) or IVF-PQ with binary16
/// re-scoring (ApproximateKind).
///
/// Incremental: after train(), add() and remove() change the content without retraining the cells;
/// wantsRetrain() says when the content has moved too far from what the cells were trained on.
/// Each stored id carries a caller's tag (the catalog's version of the vector), persisted with it,
/// so the caller can tell changed vectors without reading them.
///
/// Files: save(PATH) writes PATH (header, ids and tags, FAISS's serialisation, checksum)
/// atomically; IVF-PQ adds PATH.f16-* segment files (HalfVectorStore) written before PATH, so PATH
/// never names a segment that is not complete.
///
/// FAISS is optional at build time: without it available() is false and every other member
/// throws cosmoclip::Error("approximate index not available in this build"); callers then use
/// VectorIndex. Searches may run concurrently; writes (train/add/remove/save) may not.
class ApproximateIndex {
public:
    static bool available();

    ApproximateIndex();
    ~ApproximateIndex();
    ApproximateIndex(ApproximateIndex&&) noexcept;
    ApproximateIndex& operator=(ApproximateIndex&&) noexcept;

    /// train() on an even stride of the vectors, then add() them all. Replaces any previous content.
    void build(const VectorIndex& exact, const ApproximateIndexParams& params = {});
    void build(const float* vectors, const int64_t* ids, size_t n, size_t dim,
               const ApproximateIndexParams& params = {});

    /// Trains empty cells (and PQ codebooks) on `n` sample vectors of `dim` for an index of about
    /// `expectedRows` vectors (parameters resolved for that size). Replaces any previous content.
    /// Throws Error on no vectors, bad shapes or NaN.
    void train(const float* samples, size_t n, size_t dim, size_t expectedRows,
               const ApproximateIndexParams& params = {});
    /// Adds n vectors (normalised here) under ids not stored yet; `tags` (may be null: 0) are kept
    /// with them. All-or-nothing: Error on a stored or repeated id, NaN, or an untrained index.
    void add(const int64_t* ids, const float* vectors, size_t n, const int64_t* tags = nullptr);
    /// Removes the ids that are stored; returns how many were.
    size_t remove(const int64_t* ids, size_t n);
    /// IVF-PQ: rows added from now on spill to segment files beside `indexPath` every
    /// `rowsPerSegment` (HalfVectorStore::kSpillRows), so that a build larger than memory keeps
    /// little on the heap; save() must then be given the same path.
    void setStoragePath(const std::string& indexPath, size_t rowsPerSegment = size_t(1) << 20);

    bool isBuilt() const;
    ApproximateKind kind() const;
    size_t size() const;
    size_t dim() const;
    size_t lists() const;
    bool contains(int64_t id) const;
    /// (id, tag) of every stored vector, by id.
    std::vector<std::pair<int64_t, int64_t>> entries() const;
    /// Vectors the cells were trained for, and rows removed since (IVF-PQ keeps their binary16 rows
    /// until the next build).
    size_t trainedRows() const;
    size_t deadRows() const;
    /// True when, after adding `adding` and removing `removing` vectors, the content would have grown
    /// past twice what the cells were trained for (cells too full: recall at the same probes drops,
    /// queries slow down) or shrunk below a quarter (cells mostly empty), or when more rows would be
    /// dead than live (disk held by removed binary16 rows): build anew rather than update.
    bool wantsRetrain(size_t adding = 0, size_t removing = 0) const;

    /// Top-level groups of the two-level coarse quantizer; 0 when it is flat.
    size_t coarseGroups() const;
    /// Two-level: groups whose cells a query ranks (ApproximateIndexParams::groupProbes).
    size_t groupProbes() const { return m_groupProbes; }
    void setGroupProbes(size_t groups) { m_groupProbes = std::max<size_t>(1, groups); }

    /// Diagnostics (benchmarks, tests): the cells a query would scan with `probes` (0: the
    /// default), best first; the cells holding each id (empty if not stored; several when the index
    /// spills), in cell order; and the first of them (-1 if not stored). One pass over all lists.
    std::vector<int64_t> probedCells(const float* query, size_t probes = 0) const;
    std::vector<std::vector<int64_t>> cellsHolding(const std::vector<int64_t>& ids) const;
    std::vector<int64_t> cellsOf(const std::vector<int64_t>& ids) const;
    /// Cells each vector is stored in (ApproximateIndexParams::cellsPerVector); 1 when built without.
    size_t cellsPerVector() const;

    size_t defaultProbes() const { return m_probes; }
    void setDefaultProbes(size_t probes) { m_probes = probes; }
    /// IVF-PQ: candidates re-scored per query (at least k + 1 are); 0 for IVF-Flat.
    size_t rerankDepth() const { return m_rerank; }
    void setRerankDepth(size_t rerank) { m_rerank = rerank; }
    /// Threads one query may use: 1 scans the probed cells on the calling thread; more lets FAISS
    /// split the cells over its OpenMP threads (worth it when a query scans many codes). A write:
    /// not while searches run.
    void setSearchThreads(size_t threads);
    /// Bytes of the FAISS index and the id tables on the heap (not the mapped binary16 store).
    size_t memoryBytes() const;

    /// The k best hits among the scanned cells, best first (ties by lower id); `probes` 0 = the
    /// default. Scores: exact float32 cosines (IVF-Flat) or binary16 re-scores (IVF-PQ: within
    /// halfDotErrorBound of float32). Filters are applied inside the scan (a predicate is called
    /// from FAISS's OpenMP threads), so a very selective filter can return fewer than k hits: for
    /// small subsets use VectorIndex.
    std::vector<SearchHit> search(const float* query, size_t k, size_t probes = 0,
                                  const SearchFilter& filter = {}) const;

    /// Writes the index to `path` atomically (old file or complete new one), IVF-PQ's new
    /// binary16 rows first, then deletes segment files of `path` it no longer uses. Throws Error.
    void save(const std::string& path);
    /// Reads a file written by save() (and maps its segments). Throws Error "PATH: ..." on a
    /// missing, foreign, newer or damaged file (checksum, sizes, segments).
    static ApproximateIndex load(const std::string& path);

    struct Impl;  ///< opaque: defined in approximateindex.cpp (public so that its helpers can name it)

private:
    std::unique_ptr<Impl> m_impl;
    size_t m_probes = 8;
    size_t m_rerank = 0;
    size_t m_groupProbes = 1;
};

}  // namespace cosmoclip
