#include "catalog/catalogsearch.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "catalog/catalog.h"
#include "common/error.h"
#include "retrieval/approximateindex.h"
#include "retrieval/nearduplicates.h"
#include "retrieval/vectorindex.h"
#include "retrieval/vectormath.h"

namespace fs = std::filesystem;

namespace cosmoclip {
namespace {

using Stamps = std::vector<std::pair<int64_t, int64_t>>;  // (image id, indexed_at), by id

// Allowed-id sets up to this size are scored by reading their vectors one by one (catalogs not in
// memory): ~10 us per vector, cheaper than streaming a large catalog.
constexpr size_t kSubsetLookupRows = 50000;
// Added vectors up to 1/16 of the catalog are read one by one; more, by streaming it.
constexpr size_t kLookupFraction = 16;

double secondsSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// The query normalised, with the same checks as VectorIndex::search.
std::vector<float> checkedQuery(const float* query, size_t dim) {
    for (size_t i = 0; i < dim; ++i)
        if (!std::isfinite(query[i])) throw Error("search: the query holds NaN or infinity");
    std::vector<float> q = l2Normalized(query, dim);
    if (l2Norm(q.data(), dim) == 0.0) throw Error("search: the query is all zeros");
    return q;
}

void keepBest(std::vector<SearchHit>& best, const std::vector<SearchHit>& more, size_t k) {
    best.insert(best.end(), more.begin(), more.end());
    std::sort(best.begin(), best.end(), betterHit);
    if (best.size() > k) best.resize(k);
}

int64_t tagOf(const Stamps& stamps, int64_t id) {
    const auto it = std::lower_bound(stamps.begin(), stamps.end(), std::make_pair(id, INT64_MIN));
    return it != stamps.end() && it->first == id ? it->second : INT64_MIN;
}

}  // namespace

SearchMode parseSearchMode(const std::string& name) {
    if (name == "exact") return SearchMode::Exact;
    if (name == "approximate") return SearchMode::Approximate;
    if (name == "auto") return SearchMode::Auto;
    throw Error("search index '" + name + "': expected exact, approximate or auto");
}

CatalogSearch::CatalogSearch(Catalog& catalog, const ModelRecord& model, size_t threads)
    : CatalogSearch(catalog, model, [threads] {
          CatalogSearchOptions o;
          o.threads = threads;
          return o;
      }()) {}

CatalogSearch::CatalogSearch(Catalog& catalog, const ModelRecord& model, CatalogSearchOptions options)
    : m_catalogPath(catalog.path()),
      m_modelId(model.id),
      m_dim(static_cast<size_t>(std::max(model.embedDim, 1))),
      m_options(std::move(options)) {
    const Stamps stamps = catalog.embeddingStamps(model.id);
    m_ids.reserve(stamps.size());
    for (const auto& s : stamps) m_ids.push_back(s.first);
    m_size = m_ids.size();
    // Small catalogs: read the vectors now, through the caller's connection, as before.
    if (m_size < m_options.approximateRows && m_size <= m_options.maxInMemoryRows) loadExact(catalog);
}

CatalogSearch::~CatalogSearch() = default;

size_t CatalogSearch::size() const { return m_size; }
size_t CatalogSearch::dim() const { return m_dim; }

std::string CatalogSearch::approximateIndexPath() const {
    return m_catalogPath + ".model" + std::to_string(m_modelId) + ".ann";
}

Catalog& CatalogSearch::reader() {
    if (!m_reader) m_reader = std::make_unique<Catalog>(m_catalogPath, Catalog::Mode::ReadOnly);
    return *m_reader;
}

void CatalogSearch::log(const std::string& line) const {
    if (m_options.log)
        m_options.log(line);
    else
        std::fprintf(stderr, "cosmoclip: %s\n", line.c_str());
}

void CatalogSearch::forEachChunk(Catalog& catalog, const std::function<void(const EmbeddingMatrix&)>& fn) const {
    for (int64_t after = INT64_MIN;;) {
        const EmbeddingMatrix m = catalog.embeddingsAfter(m_modelId, after, m_options.chunkRows);
        if (m.imageIds.empty()) break;
        if (static_cast<size_t>(m.dim) != m_dim)
            throw Error(m_catalogPath, "embeddings of model " + std::to_string(m_modelId) + " have " +
                                           std::to_string(m.dim) + " values, the model " + std::to_string(m_dim));
        fn(m);
        after = m.imageIds.back();
    }
}

void CatalogSearch::loadExact(Catalog& catalog) {
    auto index = std::make_unique<VectorIndex>(m_dim, m_options.threads);
    index->reserve(m_size);
    // In chunks: the matrix is never held twice.
    forEachChunk(catalog, [&](const EmbeddingMatrix& m) { index->add(m.imageIds.data(), m.vectors.data(), m.imageIds.size()); });
    m_exact = std::move(index);
}

const VectorIndex& CatalogSearch::exact() {
    if (!m_exact) {
        if (m_size > m_options.maxInMemoryRows)
            throw Error(m_catalogPath, std::to_string(m_size) + " vectors are more than exact search holds in memory (" +
                                           std::to_string(m_options.maxInMemoryRows) + ")");
        loadExact(reader());
    }
    return *m_exact;
}

bool CatalogSearch::wantsApproximate(const SearchFilter& filter) const {
    if (m_size < m_options.approximateRows || !ApproximateIndex::available()) return false;
    // A selective filter leaves too few vectors in the probed cells: scan exactly.
    return !(filter.allowedIds && filter.allowedIds->size() * 8 < m_size);
}

std::vector<SearchHit> CatalogSearch::search(const float* query, size_t k, const SearchFilter& filter,
                                             SearchMode mode, bool distinct) {
    if (mode == SearchMode::Auto) mode = wantsApproximate(filter) ? SearchMode::Approximate : SearchMode::Exact;
    if (mode == SearchMode::Exact) return searchExact(query, k, filter, distinct);
    return searchApproximate(query, k, filter, distinct);
}

std::vector<SearchHit> CatalogSearch::searchExact(const float* query, size_t k, const SearchFilter& filter,
                                                  bool distinct) {
    if (m_exact || m_size <= m_options.maxInMemoryRows) {
        const VectorIndex& index = exact();
        return distinct ? index.searchDistinct(query, k, kNearDuplicateCosine, filter) : index.search(query, k, filter);
    }
    const std::vector<float> q = checkedQuery(query, m_dim);
    const bool subset = filter.allowedIds && filter.allowedIds->size() <= kSubsetLookupRows;
    // Distinct: fetch more until k distinct hits or everything was fetched.
    for (size_t fetch = distinct ? 4 * k : k;; fetch *= 4) {
        auto hits = subset ? subsetExact(q.data(), fetch, filter) : streamExact(q.data(), fetch, filter);
        if (!distinct) return hits;
        auto kept = collapse(hits, k);
        if (kept.size() >= k || hits.size() < fetch) return kept;
    }
}

std::vector<SearchHit> CatalogSearch::streamExact(const float* q, size_t k, const SearchFilter& filter) {
    // Exact over a catalog larger than memory: chunk after chunk into a small float32 index, the
    // k best kept. Reads every vector per query (seconds at 10M): the fallback, not the fast path.
    VectorIndex chunk(m_dim, m_options.threads);
    chunk.setHalfPrecisionScan(false);
    std::vector<SearchHit> best;
    Catalog& catalog = reader();
    forEachChunk(catalog, [&](const EmbeddingMatrix& m) {
        chunk.clear();
        chunk.add(m.imageIds.data(), m.vectors.data(), m.imageIds.size());
        keepBest(best, chunk.search(q, k, filter), k);
    });
    return best;
}

std::vector<SearchHit> CatalogSearch::subsetExact(const float* q, size_t k, const SearchFilter& filter) {
    VectorIndex subset(m_dim, 1);
    Catalog& catalog = reader();
    for (int64_t id : *filter.allowedIds) {
        if (!std::binary_search(m_ids.begin(), m_ids.end(), id)) continue;  // not an ok image of this model
        const std::vector<float> v = catalog.embedding(id, m_modelId);
        if (v.size() == m_dim) subset.add(id, v.data());
    }
    return subset.search(q, k, filter);
}

std::vector<SearchHit> CatalogSearch::collapse(const std::vector<SearchHit>& hits, size_t k) {
    // collapseNearDuplicates compares stored vectors: those of the hits, from memory or the catalog.
    VectorIndex vectors(m_dim, 1);
    for (const auto& h : hits) {
        if (vectors.contains(h.id)) continue;
        if (m_exact && m_exact->contains(h.id)) {
            vectors.add(h.id, m_exact->vector(h.id));
        } else {
            const std::vector<float> v = reader().embedding(h.id, m_modelId);
            if (v.size() == m_dim) vectors.add(h.id, v.data());
        }
    }
    auto kept = collapseNearDuplicates(hits, vectors);
    if (kept.size() > k) kept.resize(k);
    return kept;
}

std::vector<SearchHit> CatalogSearch::rescore(const float* q, std::vector<SearchHit> hits, size_t k) {
    // IVF-PQ scores come from binary16 copies (within ~1e-3): the final order and scores are the
    // float32 ones, as exact search gives, from the catalog's vectors (a handful of reads).
    for (auto& h : hits) {
        const float* v = m_exact ? m_exact->vector(h.id) : nullptr;
        std::vector<float> stored;
        if (!v) {
            stored = reader().embedding(h.id, m_modelId);
            if (stored.size() != m_dim) continue;
            l2Normalize(stored.data(), m_dim);
            v = stored.data();
        }
        h.score = dot(v, q, m_dim);
    }
    std::sort(hits.begin(), hits.end(), betterHit);
    if (hits.size() > k) hits.resize(k);
    return hits;
}

std::vector<SearchHit> CatalogSearch::searchApproximate(const float* query, size_t k, const SearchFilter& filter,
                                                        bool distinct) {
    if (m_size == 0) return {};
    if (!m_approximate) prepareApproximate();
    const ApproximateIndex& index = *m_approximate;
    const std::vector<float> q = checkedQuery(query, m_dim);
    const bool rescored = index.kind() == ApproximateKind::IvfPq;
    for (size_t want = distinct ? 4 * k : k;; want *= 4) {
        // Twice as many from IVF-PQ, so that the float32 re-score decides the order at the k-th place.
        const size_t fetch = rescored ? 2 * want : want;
        auto hits = index.search(q.data(), fetch, 0, filter);
        const bool exhausted = hits.size() < fetch;
        if (rescored) hits = rescore(q.data(), std::move(hits), want);
        if (!distinct) return hits;
        auto kept = collapse(hits, k);
        if (kept.size() >= k || exhausted || want >= 4096) return kept;
    }
}

CatalogSearch::IndexReport CatalogSearch::prepareApproximate() {
    if (!ApproximateIndex::available())
        throw Error("approximate index not available in this build (built without FAISS)");
    const auto t0 = std::chrono::steady_clock::now();
    // What the catalog holds now (not when this object was made): the index follows it.
    const Stamps stamps = reader().embeddingStamps(m_modelId);
    const std::string path = approximateIndexPath();
    // Version 1 lived in CATALOG.model<ID>.ivf with a stamp file beside it.
    const std::string legacy = m_catalogPath + ".model" + std::to_string(m_modelId) + ".ivf";
    std::error_code ec;
    if (fs::exists(legacy, ec)) {
        fs::remove(legacy, ec);
        fs::remove(legacy + ".stamp", ec);
        log(legacy + ": removed the old-format approximate index (it is rebuilt as " + fs::path(path).filename().string() + ")");
    }

    std::unique_ptr<ApproximateIndex> index;
    if (fs::exists(path, ec)) {
        try {
            index = std::make_unique<ApproximateIndex>(ApproximateIndex::load(path));
        } catch (const ApproximateIndexDamaged& e) {
            log(std::string(e.what()) + "; rebuilding it");
        }
        if (index && index->dim() != m_dim) {
            log(path + ": built for " + std::to_string(index->dim()) + "-d vectors, the model has " +
                std::to_string(m_dim) + "; rebuilding it");
            index.reset();
        }
    }
    IndexReport report;
    if (index) {
        // Which stored vectors are gone or re-embedded (other tag), and which are new.
        std::vector<int64_t> toRemove, toAdd;
        const auto entries = index->entries();
        auto a = entries.begin();
        auto b = stamps.begin();
        while (a != entries.end() || b != stamps.end()) {
            if (b == stamps.end() || (a != entries.end() && a->first < b->first)) {
                toRemove.push_back((a++)->first);
            } else if (a == entries.end() || b->first < a->first) {
                toAdd.push_back((b++)->first);
            } else {
                if (a->second != b->second) {
                    toRemove.push_back(a->first);
                    toAdd.push_back(b->first);
                }
                ++a;
                ++b;
            }
        }
        if (index->wantsRetrain(toAdd.size(), toRemove.size())) {
            log(path + ": the catalog changed from " + std::to_string(index->trainedRows()) + " vectors at training to " +
                std::to_string(stamps.size()) + "; retraining the index");
            index.reset();
        } else if (!toAdd.empty() || !toRemove.empty()) {
            index->setStoragePath(path);
            index->remove(toRemove.data(), toRemove.size());
            addFromCatalog(*index, stamps, toAdd);
            index->save(path);
            report.action = IndexAction::Updated;
            report.added = toAdd.size();
            report.removed = toRemove.size();
        }
    }
    if (!index && !stamps.empty()) {
        report = buildApproximate(stamps);
        index = std::move(m_approximate);
    }
    if (!index) throw Error(m_catalogPath, "no embeddings of model " + std::to_string(m_modelId) + " to index");
    m_approximate = std::move(index);
    // One query scans a few ms of codes: waking OpenMP workers for it cost more than it saved on a
    // busy 2-core machine (bench_ann: p95 40 ms on 2 threads against 17 ms on one), so only an
    // explicit thread count splits a query.
    m_approximate->setSearchThreads(m_options.threads == 0 ? 1 : m_options.threads);
    report.seconds = secondsSince(t0);
    if (report.action == IndexAction::Built)
        log(path + ": built an " + std::string(approximateKindName(m_approximate->kind())) + " index of " +
            std::to_string(m_approximate->size()) + " vectors in " + std::to_string(std::lround(report.seconds)) + " s");
    return report;
}

CatalogSearch::IndexReport CatalogSearch::buildApproximate(const Stamps& stamps) {
    const size_t n = stamps.size();
    ApproximateIndexParams params;
    const bool compressed = n >= std::max(m_options.compressedRows, ApproximateIndexParams::kMinPqRows);
    params.kind = compressed ? ApproximateKind::IvfPq : ApproximateKind::IvfFlat;
    const ApproximateIndexParams resolved = params.resolve(n, m_dim);
    // Training sample: an even stride over the ids, read one by one (a few hundred thousand at most).
    const size_t count = std::min(n, resolved.trainSamples);
    std::vector<float> samples;
    samples.reserve(count * m_dim);
    size_t got = 0;
    Catalog& catalog = reader();
    for (size_t s = 0; s < count; ++s) {
        const int64_t id = stamps[static_cast<size_t>(double(s) * double(n) / double(count))].first;
        const std::vector<float> v = catalog.embedding(id, m_modelId);
        if (v.size() != m_dim) continue;
        samples.insert(samples.end(), v.begin(), v.end());
        ++got;
    }
    if (got == 0) throw Error(m_catalogPath, "no embeddings of model " + std::to_string(m_modelId) + " to index");
    auto index = std::make_unique<ApproximateIndex>();
    const std::string path = approximateIndexPath();
    index->setStoragePath(path);
    index->train(samples.data(), got, m_dim, n, params);
    std::vector<float>().swap(samples);
    std::vector<int64_t> all;
    all.reserve(n);
    for (const auto& s : stamps) all.push_back(s.first);
    addFromCatalog(*index, stamps, all);
    index->save(path);
    m_approximate = std::move(index);
    IndexReport report;
    report.action = IndexAction::Built;
    report.added = n;
    return report;
}

void CatalogSearch::addFromCatalog(ApproximateIndex& index, const Stamps& stamps, const std::vector<int64_t>& ids) {
    if (ids.empty()) return;
    Catalog& catalog = reader();
    std::vector<int64_t> batchIds, batchTags;
    std::vector<float> batch;
    auto flush = [&] {
        if (batchIds.empty()) return;
        index.add(batchIds.data(), batch.data(), batchIds.size(), batchTags.data());
        batchIds.clear();
        batchTags.clear();
        batch.clear();
    };
    if (ids.size() * kLookupFraction < stamps.size()) {
        // A few new vectors: read them one by one.
        for (int64_t id : ids) {
            const std::vector<float> v = catalog.embedding(id, m_modelId);
            if (v.size() != m_dim) continue;  // deleted since the stamps were read
            batchIds.push_back(id);
            batchTags.push_back(tagOf(stamps, id));
            batch.insert(batch.end(), v.begin(), v.end());
            if (batchIds.size() == m_options.chunkRows) flush();
        }
        flush();
        return;
    }
    // Many: stream the catalog and keep the wanted ones (ids sorted, as the stamps are).
    forEachChunk(catalog, [&](const EmbeddingMatrix& m) {
        for (size_t i = 0; i < m.imageIds.size(); ++i) {
            const int64_t id = m.imageIds[i];
            const int64_t tag = tagOf(stamps, id);
            // Skipped: not wanted, or new since the stamps were read (the next update adds it).
            if (tag == INT64_MIN || !std::binary_search(ids.begin(), ids.end(), id)) continue;
            batchIds.push_back(id);
            batchTags.push_back(tag);
            batch.insert(batch.end(), m.vectors.begin() + static_cast<std::ptrdiff_t>(i * m_dim),
                         m.vectors.begin() + static_cast<std::ptrdiff_t>((i + 1) * m_dim));
        }
        flush();
    });
}

}  // namespace cosmoclip
