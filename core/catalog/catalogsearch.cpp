#include "catalog/catalogsearch.h"

#include <filesystem>
#include <fstream>

#include "catalog/catalog.h"
#include "common/atomicfile.h"
#include "common/error.h"
#include "retrieval/approximateindex.h"
#include "retrieval/nearduplicates.h"
#include "retrieval/vectorindex.h"

namespace fs = std::filesystem;

namespace cosmoclip {
namespace {

/// FNV-1a over the stored ids: the approximate index on disk is reused only for the same vector set.
uint64_t hashIds(const std::vector<int64_t>& ids) {
    uint64_t h = 14695981039346656037ull;
    for (int64_t id : ids) {
        for (int b = 0; b < 8; ++b) {
            h ^= static_cast<uint64_t>(id >> (8 * b)) & 0xff;
            h *= 1099511628211ull;
        }
    }
    return h;
}

std::string readStamp(const std::string& path) {
    std::ifstream in(path);
    std::string s;
    std::getline(in, s);
    return s;
}

}  // namespace

SearchMode parseSearchMode(const std::string& name) {
    if (name == "exact") return SearchMode::Exact;
    if (name == "approximate") return SearchMode::Approximate;
    if (name == "auto") return SearchMode::Auto;
    throw Error("search index '" + name + "': expected exact, approximate or auto");
}

CatalogSearch::CatalogSearch(Catalog& catalog, const ModelRecord& model, size_t threads)
    : m_catalogPath(catalog.path()), m_modelId(model.id) {
    EmbeddingMatrix m = catalog.embeddings(model.id);
    m_exact = std::make_unique<VectorIndex>(static_cast<size_t>(m.dim > 0 ? m.dim : model.embedDim), threads);
    m_exact->add(m.imageIds.data(), m.vectors.data(), m.imageIds.size());
    m_idsHash = hashIds(m.imageIds);
}

CatalogSearch::~CatalogSearch() = default;

size_t CatalogSearch::size() const { return m_exact->size(); }
const VectorIndex& CatalogSearch::exact() const { return *m_exact; }

std::string CatalogSearch::approximateIndexPath() const {
    return m_catalogPath + ".model" + std::to_string(m_modelId) + ".ivf";
}

const ApproximateIndex& CatalogSearch::approximate() {
    if (m_approximate) return *m_approximate;
    const std::string path = approximateIndexPath();
    const std::string stampPath = path + ".stamp";
    const std::string stamp = std::to_string(m_idsHash) + " " + std::to_string(m_exact->size());
    std::error_code ec;
    if (fs::exists(path, ec) && readStamp(stampPath) == stamp) {
        try {
            m_approximate = std::make_unique<ApproximateIndex>(ApproximateIndex::load(path));
            return *m_approximate;
        } catch (const Error&) {
            // A damaged file is rebuilt below.
        }
    }
    auto index = std::make_unique<ApproximateIndex>();
    index->build(*m_exact);
    index->save(path);
    const std::string line = stamp + "\n";
    writeFileAtomically(stampPath, line.data(), line.size());
    m_approximate = std::move(index);
    return *m_approximate;
}

std::vector<SearchHit> CatalogSearch::search(const float* query, size_t k, const SearchFilter& filter, SearchMode mode,
                                             bool distinct) {
    if (mode == SearchMode::Auto) {
        const bool big = m_exact->size() >= kAutoApproximateRows && ApproximateIndex::available();
        // A selective filter leaves too few vectors in the probed cells: scan exactly.
        const bool selective = filter.allowedIds && filter.allowedIds->size() * 8 < m_exact->size();
        mode = big && !selective ? SearchMode::Approximate : SearchMode::Exact;
    }
    if (mode == SearchMode::Exact) {
        return distinct ? m_exact->searchDistinct(query, k, kNearDuplicateCosine, filter) : m_exact->search(query, k, filter);
    }
    if (m_exact->empty()) return {};
    const ApproximateIndex& index = approximate();
    if (!distinct) return index.search(query, k, 0, filter);
    // Over-fetch, then collapse near-duplicates with the exact vectors.
    auto hits = index.search(query, k * 4, 0, filter);
    hits = collapseNearDuplicates(hits, *m_exact);
    if (hits.size() > k) hits.resize(k);
    return hits;
}

}  // namespace cosmoclip
