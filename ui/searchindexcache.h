#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "catalog/catalogsearch.h"

namespace cosmoclip {

class Catalog;

/// The CatalogSearch of the active model, kept between queries: building it reads every vector of
/// the model (200 MB for 100k images), so it is built once and dropped only when a job changed the
/// catalog's vectors. Shared by the search jobs; one search at a time runs on it (CatalogSearch
/// builds its approximate index lazily). Thread-safe.
class SearchIndexCache {
public:
    /// The k best images of the model for `query`, building the search on first use. Worker threads.
    std::vector<SearchHit> search(Catalog& catalog, const ModelRecord& model, const float* query, size_t k,
                                  const SearchFilter& filter);
    /// Drops the built search (the catalog's vectors changed).
    void invalidate();
    /// Whether a search of `modelId` in `catalogPath` is built (tests).
    bool isBuilt(const std::string& catalogPath, int64_t modelId) const;

private:
    mutable std::mutex m_mutex;
    std::unique_ptr<CatalogSearch> m_search;
    std::string m_catalogPath;
    int64_t m_modelId = 0;
    uint64_t m_generation = 0;  // of the built search
    uint64_t m_current = 0;     // bumped by invalidate()
};

}  // namespace cosmoclip
