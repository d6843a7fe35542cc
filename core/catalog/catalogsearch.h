#pragma once

#include <memory>
#include <string>
#include <vector>

#include "catalog/catalogrecords.h"
#include "retrieval/searchfilter.h"

namespace cosmoclip {

class Catalog;
class VectorIndex;
class ApproximateIndex;

/// How a catalog search scans: every vector (exact), the FAISS IVF cells nearest the query
/// (approximate), or exact below kAutoApproximateRows and approximate above when this build has FAISS.
enum class SearchMode { Exact, Approximate, Auto };
SearchMode parseSearchMode(const std::string& name);

/// The embeddings of one model in a catalog, held in memory for queries: an exact VectorIndex and,
/// on demand, an approximate index persisted beside the catalog file (`CATALOG.model<ID>.ivf`) and
/// rebuilt only when the catalog's set of vectors changed. Built once, queried many times (the GUI
/// keeps one per model).
class CatalogSearch final {
public:
    static constexpr size_t kAutoApproximateRows = 200000;

    CatalogSearch(Catalog& catalog, const ModelRecord& model, size_t threads = 0);
    ~CatalogSearch();

    size_t size() const;
    const VectorIndex& exact() const;
    /// The k best images for `query` (dim floats, any norm). Approximate mode builds or loads the
    /// persisted index first; without FAISS it throws, Auto falls back to exact.
    std::vector<SearchHit> search(const float* query, size_t k, const SearchFilter& filter = {},
                                  SearchMode mode = SearchMode::Auto, bool distinct = false);
    /// Where the approximate index of this model lives.
    std::string approximateIndexPath() const;

private:
    const ApproximateIndex& approximate();

    std::string m_catalogPath;
    int64_t m_modelId;
    std::unique_ptr<VectorIndex> m_exact;
    std::unique_ptr<ApproximateIndex> m_approximate;
    uint64_t m_idsHash = 0;
};

}  // namespace cosmoclip
