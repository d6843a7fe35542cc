#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "catalog/catalog.h"
#include "catalog/catalogsearch.h"
#include "catalog/sqlitetransaction.h"
#include "catalogtestfiles.h"
#include "common/error.h"
#include "retrieval/approximateindex.h"
#include "retrieval/nearduplicates.h"
#include "retrieval/vectorindex.h"
#include "syntheticembeddings.h"

using namespace cosmoclip;
namespace fs = std::filesystem;

namespace {

constexpr int kDim = 64;

// A catalog of `n` ok images with clustered 64-d embeddings of one model (indexed_at 1000).
struct TestCatalog {
    QTemporaryDir dir;
    std::string path;
    std::unique_ptr<Catalog> catalog;
    ModelRecord model;
    test::SyntheticEmbeddings gen{kDim, 40, 5};
    std::vector<int64_t> ids;
    uint64_t nextRow = 0;

    explicit TestCatalog(size_t n) {
        path = dir.filePath("sky.sqlite").toStdString();
        catalog = std::make_unique<Catalog>(path);
        fs::create_directories(dir.filePath("model").toStdString());
        const std::string weights = dir.filePath("model/model.safetensors").toStdString();
        catalogtest::writeText(weights, "weights");
        model = catalog->ensureModel(dir.filePath("model").toStdString(), weights, "cfg", kDim, 64);
        addImages(n);
    }

    void addImages(size_t n) {
        SqliteTransaction tx(catalog->database());
        std::vector<float> v(kDim);
        for (size_t i = 0; i < n; ++i) {
            ImageRecord r;
            r.path = "/sky/" + std::to_string(nextRow) + ".fits";
            r.format = "fits";
            r.status = ImageStatus::Ok;
            r.indexedAt = 1000;
            const int64_t id = catalog->insertImage(r);
            gen.rows(1, nextRow++, 1, v.data());
            catalog->putEmbedding(id, model.id, v.data(), kDim);
            ids.push_back(id);
        }
        tx.commit();
    }

    // The in-memory reference: every ok embedding of the model.
    VectorIndex reference() {
        const EmbeddingMatrix m = catalog->embeddings(model.id);
        VectorIndex index(kDim, 1);
        index.add(m.imageIds.data(), m.vectors.data(), m.imageIds.size());
        return index;
    }

    std::vector<float> queries(size_t n, uint64_t stream = 2) const {
        std::vector<float> q(n * kDim);
        gen.rows(stream, 0, n, q.data());
        return q;
    }
};

// Thresholds low enough that a few thousand vectors take the large-catalog paths.
CatalogSearchOptions smallThresholds(std::vector<std::string>* log) {
    CatalogSearchOptions o;
    o.approximateRows = 1000;
    o.compressedRows = 2000;
    o.maxInMemoryRows = 500;
    o.chunkRows = 700;
    o.threads = 1;
    o.log = [log](const std::string& line) {
        if (log) log->push_back(line);
    };
    return o;
}

double recall(const std::vector<SearchHit>& truth, const std::vector<SearchHit>& got) {
    size_t found = 0;
    for (const auto& t : truth)
        found += std::any_of(got.begin(), got.end(), [&](const SearchHit& h) { return h.id == t.id; });
    return truth.empty() ? 1.0 : double(found) / double(truth.size());
}

bool logged(const std::vector<std::string>& log, const std::string& text) {
    return std::any_of(log.begin(), log.end(), [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

}  // namespace

// CatalogSearch over a real catalog file: exact in memory, exact streamed in chunks, and the
// persisted approximate index built, reused, updated incrementally, repaired and refused.
class TestCatalogSearch : public QObject {
    Q_OBJECT

private slots:
    void smallCatalogIsExactInMemory() {
        TestCatalog t(1500);
        CatalogSearch search(*t.catalog, t.model);
        QCOMPARE(search.size(), size_t(1500));
        const VectorIndex ref = t.reference();
        const auto q = t.queries(5);
        for (size_t i = 0; i < 5; ++i) QVERIFY(search.search(q.data() + i * kDim, 10) == ref.search(q.data() + i * kDim, 10));
        QVERIFY(!fs::exists(search.approximateIndexPath()));  // Auto stayed exact
    }

    // Above maxInMemoryRows exact search streams the catalog: the same hits as in memory, with
    // filters, small allowed sets and near-duplicate collapsing.
    void streamedExactMatchesInMemory() {
        TestCatalog t(2500);
        CatalogSearch search(*t.catalog, t.model, smallThresholds(nullptr));
        const VectorIndex ref = t.reference();
        const auto q = t.queries(6);
        SearchFilter odd;
        odd.predicate = [](int64_t id) { return id % 2 == 1; };
        odd.excludeId = t.ids[17];
        SearchFilter few;
        few.allowedIds = std::unordered_set<int64_t>(t.ids.begin() + 100, t.ids.begin() + 400);
        for (size_t i = 0; i < 6; ++i) {
            const float* query = q.data() + i * kDim;
            QVERIFY(search.search(query, 10, {}, SearchMode::Exact) == ref.search(query, 10));
            QVERIFY(search.search(query, 15, odd, SearchMode::Exact) == ref.search(query, 15, odd));
            QVERIFY(search.search(query, 10, few, SearchMode::Exact) == ref.search(query, 10, few));
            QVERIFY(search.search(query, 5, {}, SearchMode::Exact, true) ==
                    ref.searchDistinct(query, 5, kNearDuplicateCosine));
        }
        QVERIFY_THROWS_EXCEPTION(Error, search.exact());  // not held in memory at this size
    }

    void approximateIndexLifecycle() {
        if (!ApproximateIndex::available()) QSKIP("built without FAISS");
        TestCatalog t(3000);
        std::vector<std::string> log;
        const auto q = t.queries(30);
        std::string path;
        {
            // Built on first use: IVF-PQ (3000 >= compressedRows), persisted beside the catalog.
            CatalogSearch search(*t.catalog, t.model, smallThresholds(&log));
            path = search.approximateIndexPath();
            QCOMPARE(path, t.path + ".model" + std::to_string(t.model.id) + ".ann");
            const VectorIndex ref = t.reference();
            double sum = 0;
            for (size_t i = 0; i < 30; ++i) {
                const float* query = q.data() + i * kDim;
                const auto got = search.search(query, 10);  // Auto: approximate at this size
                const auto truth = ref.search(query, 10);
                sum += recall(truth, got);
                // Final scores are the float32 cosines, as exact search gives them.
                for (const auto& h : got) {
                    const auto it = std::find_if(truth.begin(), truth.end(), [&](const SearchHit& x) { return x.id == h.id; });
                    if (it != truth.end()) QCOMPARE(h.score, it->score);
                }
            }
            QVERIFY2(sum / 30 >= 0.9, qPrintable(QString::number(sum / 30)));
            QVERIFY(search.approximateIndex() && search.approximateIndex()->kind() == ApproximateKind::IvfPq);
            QVERIFY(fs::exists(path));
            QVERIFY(logged(log, "built an ivf-pq index of 3000 vectors"));
        }
        {
            CatalogSearch search(*t.catalog, t.model, smallThresholds(&log));
            QCOMPARE(search.prepareApproximate().action, CatalogSearch::IndexAction::Loaded);
        }
        // The catalog changes: 300 new images, 100 removed, 50 re-embedded (new vector, new indexed_at).
        t.addImages(300);
        for (size_t i = 0; i < 100; ++i) t.catalog->markRemoved(t.ids[i * 7]);
        std::vector<float> v(kDim);
        std::vector<int64_t> reembedded;
        for (size_t i = 0; i < 50; ++i) {
            const int64_t id = t.ids[i * 11 + 3];
            if (i * 11 + 3 == 0 || (i * 11 + 3) % 7 == 0) continue;  // a removed one
            auto r = *t.catalog->imageById(id);
            r.indexedAt = 2000;
            t.catalog->updateImage(r);
            t.gen.rows(9, i, 1, v.data());
            t.catalog->putEmbedding(id, t.model.id, v.data(), kDim);
            reembedded.push_back(id);
        }
        {
            CatalogSearch search(*t.catalog, t.model, smallThresholds(&log));
            const auto report = search.prepareApproximate();
            QCOMPARE(report.action, CatalogSearch::IndexAction::Updated);
            QCOMPARE(report.added, 300 + reembedded.size());
            QCOMPARE(report.removed, 100 + reembedded.size());
            const auto& index = *search.approximateIndex();
            const auto stamps = t.catalog->embeddingStamps(t.model.id);
            QVERIFY(index.entries() == stamps);  // exactly the catalog's ok vectors, with their versions
            // A re-embedded image is found by its new vector, removed ones never come back.
            for (size_t i = 0; i < reembedded.size(); i += 5) {
                const auto stored = t.catalog->embedding(reembedded[i], t.model.id);
                const auto hits = search.search(stored.data(), 3, {}, SearchMode::Approximate);
                QCOMPARE(hits.front().id, reembedded[i]);
                QVERIFY(hits.front().score > 0.9999f);
            }
            for (size_t i = 0; i < 30; ++i)
                for (const auto& h : search.search(q.data() + i * kDim, 20, {}, SearchMode::Approximate))
                    QVERIFY(t.catalog->imageById(h.id)->status == ImageStatus::Ok);
        }
        // A damaged file is rebuilt, with a line saying so.
        {
            std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
            f.seekp(200);
            f.put('\x7f');
        }
        log.clear();
        {
            CatalogSearch search(*t.catalog, t.model, smallThresholds(&log));
            QCOMPARE(search.prepareApproximate().action, CatalogSearch::IndexAction::Built);
            QVERIFY(logged(log, "damaged (checksum mismatch); rebuilding it"));
        }
        // Growth past twice the trained size retrains.
        t.addImages(3500);
        log.clear();
        {
            CatalogSearch search(*t.catalog, t.model, smallThresholds(&log));
            QCOMPARE(search.prepareApproximate().action, CatalogSearch::IndexAction::Built);
            QVERIFY(logged(log, "retraining"));
        }
        // Only the segment files the index names are left.
        size_t segments = 0;
        for (const auto& e : fs::directory_iterator(t.dir.path().toStdString()))
            segments += e.path().filename().string().find(".ann.f16-") != std::string::npos;
        QCOMPARE(segments, size_t(1));
        // A foreign file where the index belongs is not overwritten.
        std::ofstream(path, std::ios::binary | std::ios::trunc) << "SQLite format 3, not an index at all....";
        {
            CatalogSearch search(*t.catalog, t.model, smallThresholds(&log));
            QVERIFY_THROWS_EXCEPTION(Error, search.prepareApproximate());
        }
    }

    // Between approximateRows and compressedRows the index is IVF-Flat; an old-format .ivf index
    // and its stamp file are removed.
    void midSizeUsesIvfFlatAndDropsLegacyFiles() {
        if (!ApproximateIndex::available()) QSKIP("built without FAISS");
        TestCatalog t(1500);
        const std::string legacy = t.path + ".model" + std::to_string(t.model.id) + ".ivf";
        catalogtest::writeText(legacy, "old");
        catalogtest::writeText(legacy + ".stamp", "1 2");
        std::vector<std::string> log;
        CatalogSearch search(*t.catalog, t.model, smallThresholds(&log));
        const auto q = t.queries(1);
        const auto hits = search.search(q.data(), 10);
        QCOMPARE(hits.size(), size_t(10));
        QCOMPARE(search.approximateIndex()->kind(), ApproximateKind::IvfFlat);
        QVERIFY(!fs::exists(legacy) && !fs::exists(legacy + ".stamp"));
        QVERIFY(logged(log, "removed the old-format approximate index"));
        // A selective filter in Auto mode searches exactly.
        SearchFilter few;
        few.allowedIds = std::unordered_set<int64_t>(t.ids.begin(), t.ids.begin() + 50);
        QVERIFY(search.search(q.data(), 5, few) == t.reference().search(q.data(), 5, few));
    }
};

QTEST_APPLESS_MAIN(TestCatalogSearch)
#include "tst_catalogsearch.moc"
