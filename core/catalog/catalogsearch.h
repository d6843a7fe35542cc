#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalogrecords.h"
#include "retrieval/approximateindex.h"
#include "retrieval/searchfilter.h"

namespace cosmoclip {

class Catalog;
class VectorIndex;

/// How a catalog search scans: every vector (exact), the FAISS cells nearest the query
/// (approximate), or by size (auto): exact below CatalogSearchOptions::approximateRows, approximate
/// from there when this build has FAISS.
enum class SearchMode { Exact, Approximate, Auto };
SearchMode parseSearchMode(const std::string& name);

/// Thresholds and knobs; the defaults are what the CLI and the GUI use (measurements behind them in
/// core/catalog/README.md). Tests lower them to exercise the large-catalog paths on small data.
struct CatalogSearchOptions {
    /// Auto: exact brute force below this many vectors (a query at 200k x 512 takes ~10 ms).
    size_t approximateRows = 200000;
    /// Auto and Approximate: IVF-Flat below this many vectors, IVF-PQ with binary16 re-scoring
    /// from here. IVF-PQ measured faster and smaller than IVF-Flat at every size from 200k
    /// (core/retrieval/README.md); below ~10k vectors its 256-centroid codebooks lack training
    /// points (and never below ApproximateIndexParams::kMinPqRows).
    size_t compressedRows = ApproximateIndexParams::kGoodPqRows;
    /// Exact search holds the vectors in memory (float32 and binary16 copy: 3 KiB per 512-d vector)
    /// up to this many; above, it streams them from the catalog in chunks (slower, little memory).
    size_t maxInMemoryRows = 1500000;
    /// Vectors read from the catalog per chunk when building indexes or streaming.
    size_t chunkRows = 65536;
    /// Search threads (0: one per hardware thread).
    size_t threads = 0;
    /// Where progress and repairs are reported ("rebuilding the damaged index ..."); null: stderr.
    std::function<void(const std::string&)> log;
};

/// Searches the embeddings of one model in a catalog. Small catalogs are held in memory (an exact
/// VectorIndex); large ones are not: the approximate index is persisted beside the catalog file
/// (`CATALOG.model<ID>.ann`, plus `.ann.f16-*` binary16 segments for IVF-PQ), built from the
/// catalog's vectors in chunks, and on later runs brought up to date incrementally (new vectors
/// added, removed or re-embedded ones dropped; rebuilt only when the catalog grew past twice what
/// its cells were trained for). Exact search above maxInMemoryRows streams the catalog.
///
/// Keeps no reference to the Catalog passed in: later reads open their own read-only connection,
/// so one CatalogSearch may outlive the Catalog object and serve searches from any one thread at a
/// time (the GUI keeps one per model).
class CatalogSearch final {
public:
    static constexpr size_t kAutoApproximateRows = 200000;

    CatalogSearch(Catalog& catalog, const ModelRecord& model, size_t threads = 0);
    CatalogSearch(Catalog& catalog, const ModelRecord& model, CatalogSearchOptions options);
    ~CatalogSearch();

    /// Vectors of the model in the catalog (when this object was made).
    size_t size() const;
    size_t dim() const;
    /// The in-memory exact index, loaded on first use; throws Error above maxInMemoryRows.
    const VectorIndex& exact();
    /// The k best images for `query` (dim floats, any norm). Approximate mode brings the persisted
    /// index up to date first; without FAISS it throws, Auto falls back to exact. `distinct`
    /// collapses near-duplicates (cosine >= kNearDuplicateCosine).
    std::vector<SearchHit> search(const float* query, size_t k, const SearchFilter& filter = {},
                                  SearchMode mode = SearchMode::Auto, bool distinct = false);
    /// Where the approximate index of this model lives.
    std::string approximateIndexPath() const;

    /// What preparing the approximate index did (for logs and tests).
    enum class IndexAction { Loaded, Updated, Built };
    struct IndexReport {
        IndexAction action = IndexAction::Loaded;
        size_t added = 0;
        size_t removed = 0;
        double seconds = 0.0;
    };
    /// Loads, updates or builds the approximate index now (search() does it on first need).
    IndexReport prepareApproximate();
    /// The approximate index after prepareApproximate() (nullptr before).
    const ApproximateIndex* approximateIndex() const { return m_approximate.get(); }

private:
    std::vector<SearchHit> searchExact(const float* query, size_t k, const SearchFilter& filter, bool distinct);
    std::vector<SearchHit> searchApproximate(const float* query, size_t k, const SearchFilter& filter, bool distinct);
    std::vector<SearchHit> streamExact(const float* query, size_t k, const SearchFilter& filter);
    std::vector<SearchHit> subsetExact(const float* query, size_t k, const SearchFilter& filter);
    std::vector<SearchHit> collapse(const std::vector<SearchHit>& hits, size_t k);
    std::vector<SearchHit> rescore(const float* query, std::vector<SearchHit> hits, size_t k);
    bool wantsApproximate(const SearchFilter& filter) const;
    IndexReport buildApproximate(const std::vector<std::pair<int64_t, int64_t>>& stamps);
    void addFromCatalog(ApproximateIndex& index, const std::vector<std::pair<int64_t, int64_t>>& stamps,
                        const std::vector<int64_t>& ids);
    /// Every vector of the model in the catalog, chunkRows at a time by image id (the matrix is never
    /// held whole); throws Error when the stored vectors do not have the model's dimension.
    void forEachChunk(Catalog& catalog, const std::function<void(const EmbeddingMatrix&)>& fn) const;
    void loadExact(Catalog& catalog);
    Catalog& reader();
    void log(const std::string& line) const;

    std::string m_catalogPath;
    int64_t m_modelId;
    size_t m_dim;
    size_t m_size;
    std::vector<int64_t> m_ids;  // the model's vectors in the catalog (ok images), sorted
    CatalogSearchOptions m_options;
    std::unique_ptr<Catalog> m_reader;
    std::unique_ptr<VectorIndex> m_exact;
    std::unique_ptr<ApproximateIndex> m_approximate;
};

}  // namespace cosmoclip
