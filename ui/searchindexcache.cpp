#include "searchindexcache.h"

#include "catalog/catalog.h"

namespace cosmoclip {

std::vector<SearchHit> SearchIndexCache::search(Catalog& catalog, const ModelRecord& model, const float* query,
                                                size_t k, const SearchFilter& filter) {
    const std::lock_guard lock(m_mutex);
    if (!m_search || m_catalogPath != catalog.path() || m_modelId != model.id || m_generation != m_current) {
        m_search.reset();  // free the old vectors before reading the new ones
        m_search = std::make_unique<CatalogSearch>(catalog, model);
        m_catalogPath = catalog.path();
        m_modelId = model.id;
        m_generation = m_current;
    }
    return m_search->search(query, k, filter, SearchMode::Auto, false);
}

void SearchIndexCache::invalidate() {
    const std::lock_guard lock(m_mutex);
    ++m_current;
}

bool SearchIndexCache::isBuilt(const std::string& catalogPath, int64_t modelId) const {
    const std::lock_guard lock(m_mutex);
    return m_search && m_catalogPath == catalogPath && m_modelId == modelId && m_generation == m_current;
}

}  // namespace cosmoclip
