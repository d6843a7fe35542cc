#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <random>
#include <set>

#include "common/error.h"
#include "retrieval/approximateindex.h"
#include "retrieval/vectorindex.h"
#include "retrieval/vectormath.h"

using namespace cosmoclip;

namespace {

// Vectors in clusters (a unit centre plus noise of norm ~0.5: cosine ~0.9 to the centre), like
// embeddings of an archive with a few dozen kinds of picture.
VectorIndex clusteredIndex(size_t n, size_t dim, size_t clusters, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    std::vector<float> centres(clusters * dim);
    for (auto& x : centres)
        x = normal(rng);
    l2NormalizeRows(centres.data(), clusters, dim);
    VectorIndex index(dim);
    std::vector<float> v(dim);
    for (size_t i = 0; i < n; ++i) {
        const float* c = centres.data() + (rng() % clusters) * dim;
        for (size_t d = 0; d < dim; ++d)
            v[d] = c[d] + 0.5f * normal(rng) / std::sqrt(float(dim));
        index.add(int64_t(i) * 3 + 1, v.data());
    }
    return index;
}

std::vector<float> queriesNear(const VectorIndex& index, size_t count, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    std::vector<float> q(count * index.dim());
    for (size_t i = 0; i < count; ++i)
        for (size_t d = 0; d < index.dim(); ++d)
            q[i * index.dim() + d] = index.rowAt(rng() % index.size())[d] + 0.05f * normal(rng);
    return q;
}

double recallAt10(const VectorIndex& exact, const ApproximateIndex& approx, const std::vector<float>& q,
                  size_t probes)
{
    size_t found = 0, total = 0;
    for (size_t i = 0; i < q.size() / exact.dim(); ++i) {
        const float* query = q.data() + i * exact.dim();
        const auto truth = exact.search(query, 10);
        const auto got = approx.search(query, 10, probes);
        for (const auto& t : truth) {
            ++total;
            for (const auto& g : got)
                found += g.id == t.id;
        }
    }
    return double(found) / double(total);
}

// Same ids, scores equal within float rounding (FAISS sums in another order than VectorIndex).
bool sameHits(const std::vector<SearchHit>& a, const std::vector<SearchHit>& b)
{
    if (a.size() != b.size())
        return false;
    std::set<int64_t> ia, ib;
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::abs(a[i].score - b[i].score) > 1e-5f)
            return false;
        ia.insert(a[i].id);
        ib.insert(b[i].id);
    }
    return ia == ib;
}

}  // namespace

// FAISS IVF-Flat recall against brute force, filters, save/load. Skipped without FAISS.
class TestApproximateIndex : public QObject {
    Q_OBJECT

private slots:
    void withoutFaissSaysSo() {
        if (ApproximateIndex::available())
            QSKIP("this build has FAISS");
        ApproximateIndex a;
        const float v[4] = {1, 0, 0, 0};
        const int64_t id = 1;
        QVERIFY_THROWS_EXCEPTION(Error, a.build(v, &id, 1, 4));
        QVERIFY_THROWS_EXCEPTION(Error, ApproximateIndex::load("/nonexistent"));
    }

    void recallOnClusteredVectors() {
        if (!ApproximateIndex::available())
            QSKIP("built without FAISS");
        const auto exact = clusteredIndex(20000, 64, 64, 1);
        ApproximateIndex approx;
        approx.build(exact);
        QCOMPARE(approx.size(), size_t(20000));
        QCOMPARE(approx.dim(), size_t(64));
        QVERIFY(approx.lists() >= 64);
        const auto q = queriesNear(exact, 50, 2);
        const double recallDefault = recallAt10(exact, approx, q, 0);
        const double recallAll = recallAt10(exact, approx, q, approx.lists());
        qInfo("recall@10: %.3f with %zu of %zu lists, %.3f with all", recallDefault,
              approx.defaultProbes(), approx.lists(), recallAll);
        QVERIFY2(recallDefault >= 0.9, qPrintable(QString::number(recallDefault)));
        QCOMPARE(recallAll, 1.0);  // scanning every list is exact

        // Scores are exact cosines within float rounding, and best first.
        const auto hits = approx.search(q.data(), 10, approx.lists());
        const auto truth = exact.search(q.data(), 10);
        for (size_t i = 0; i < 10; ++i) {
            QCOMPARE(hits[i].id, truth[i].id);
            QVERIFY(std::abs(hits[i].score - truth[i].score) < 1e-5);
        }
    }

    void filtersAndExclusion() {
        if (!ApproximateIndex::available())
            QSKIP("built without FAISS");
        const auto exact = clusteredIndex(5000, 32, 16, 3);
        ApproximateIndex approx;
        approx.build(exact, ApproximateIndexParams{32, 32, 0, 10});
        QCOMPARE(approx.lists(), size_t(32));
        const float* self = exact.vector(1);
        QCOMPARE(approx.search(self, 1)[0].id, int64_t(1));
        SearchFilter notSelf;
        notSelf.excludeId = 1;
        const auto hits = approx.search(self, 10, 0, notSelf);
        QCOMPARE(hits.size(), size_t(10));
        for (const auto& h : hits)
            QVERIFY(h.id != 1);
        QVERIFY(sameHits(hits, exact.search(self, 10, notSelf)));  // all lists probed: exact

        SearchFilter odd;
        odd.predicate = [](int64_t id) { return id % 2 == 1; };
        odd.allowedIds = std::unordered_set<int64_t>{};
        for (int64_t id = 1; id < 3000; id += 3)
            odd.allowedIds->insert(id);
        const auto filtered = approx.search(self, 20, 0, odd);
        QCOMPARE(filtered.size(), size_t(20));
        for (const auto& h : filtered)
            QVERIFY(h.id % 2 == 1 && h.id < 3000);
        QVERIFY(sameHits(filtered, exact.search(self, 20, odd)));
    }

    void savesAndLoads() {
        if (!ApproximateIndex::available())
            QSKIP("built without FAISS");
        QTemporaryDir dir;
        const std::string path = dir.filePath("catalog.ann").toStdString();
        const auto exact = clusteredIndex(3000, 16, 8, 5);
        ApproximateIndex approx;
        approx.build(exact);
        approx.setDefaultProbes(5);
        approx.save(path);
        const auto loaded = ApproximateIndex::load(path);
        QCOMPARE(loaded.size(), approx.size());
        QCOMPARE(loaded.lists(), approx.lists());
        QCOMPARE(loaded.defaultProbes(), size_t(5));
        const auto q = queriesNear(exact, 5, 6);
        for (size_t i = 0; i < 5; ++i)
            QVERIFY(loaded.search(q.data() + i * 16, 10) == approx.search(q.data() + i * 16, 10));
        // Overwrite in place, then damaged and foreign files.
        approx.save(path);
        QVERIFY(ApproximateIndex::load(path).isBuilt());
        {
            std::ifstream in(path, std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() / 2);
        }
        QVERIFY_THROWS_EXCEPTION(Error, ApproximateIndex::load(path));
        std::ofstream(path, std::ios::binary | std::ios::trunc) << "SQLite format 3";
        QVERIFY_THROWS_EXCEPTION(Error, ApproximateIndex::load(path));
        QVERIFY_THROWS_EXCEPTION(Error, ApproximateIndex::load(path + ".missing"));
        QVERIFY_THROWS_EXCEPTION(Error, ApproximateIndex().save(path));
        QVERIFY_THROWS_EXCEPTION(Error, ApproximateIndex().search(q.data(), 3));
    }
};

QTEST_APPLESS_MAIN(TestApproximateIndex)
#include "tst_approximateindex.moc"
