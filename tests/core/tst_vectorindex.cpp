#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>

#include "common/error.h"
#include "retrieval/halfprecision.h"
#include "retrieval/nearduplicates.h"
#include "retrieval/vectorindex.h"
#include "retrieval/vectormath.h"

using namespace cosmoclip;

namespace {

std::vector<float> randomRows(size_t n, size_t dim, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    std::vector<float> v(n * dim);
    for (auto& x : v)
        x = normal(rng);
    return v;
}

// The reference: score every stored row with the same float32 dot product, sort everything.
std::vector<SearchHit> naiveSearch(const VectorIndex& index, const float* query, size_t k,
                                   const SearchFilter& filter)
{
    const auto q = l2Normalized(query, index.dim());
    std::vector<SearchHit> all;
    for (size_t r = 0; r < index.size(); ++r)
        if (filter.accepts(index.idAt(r)))
            all.push_back({index.idAt(r), dot(index.rowAt(r), q.data(), index.dim())});
    std::sort(all.begin(), all.end(), betterHit);
    all.resize(std::min(all.size(), k));
    return all;
}

QString firstDifference(const std::vector<SearchHit>& a, const std::vector<SearchHit>& b)
{
    if (a.size() != b.size())
        return QString("sizes %1 vs %2").arg(a.size()).arg(b.size());
    for (size_t i = 0; i < a.size(); ++i)
        if (!(a[i] == b[i]))
            return QString("rank %1: id %2 score %3 vs id %4 score %5").arg(i).arg(a[i].id)
                .arg(double(a[i].score), 0, 'g', 9).arg(b[i].id).arg(double(b[i].score), 0, 'g', 9);
    return {};
}

}  // namespace

// Brute-force search equals a full sort of all scores, for every thread count and filter.
class TestVectorIndex : public QObject {
    Q_OBJECT

private slots:
    void equalsNaiveFullSort_data() {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("dim");
        QTest::addColumn<bool>("simd");
        QTest::addColumn<bool>("half");
        QTest::newRow("empty") << 0 << 16 << true << true;
        QTest::newRow("one") << 1 << 16 << true << true;
        QTest::newRow("small odd dim") << 37 << 37 << true << true;
        QTest::newRow("1000 x 64") << 1000 << 64 << true << true;
        // From VectorIndex::kHalfScanMinRows rows on, the binary16 first scan (where the CPU has F16C).
        QTest::newRow("40000 x 64 (threaded, half scan)") << 40000 << 64 << true << true;
        QTest::newRow("35001 x 33 (threaded, tails, half scan)") << 35001 << 33 << true << true;
        QTest::newRow("40000 x 64 (threaded, float32 scan)") << 40000 << 64 << true << false;
        QTest::newRow("portable kernel, 1003 x 37") << 1003 << 37 << false << false;
        QTest::newRow("portable kernel, 35001 x 33") << 35001 << 33 << false << false;
    }
    void equalsNaiveFullSort() {
        QFETCH(int, rows);
        QFETCH(int, dim);
        QFETCH(bool, simd);
        QFETCH(bool, half);
        setSimdKernelsEnabled(simd);
        struct Restore { ~Restore() { setSimdKernelsEnabled(true); } } restore;
        const size_t n = size_t(rows), d = size_t(dim);
        const auto data = randomRows(n, d, 7u + n);
        std::vector<int64_t> ids(n);
        for (size_t i = 0; i < n; ++i)
            ids[i] = int64_t(i * 7919 % 1000003) - 5000;  // scattered, some negative
        VectorIndex index(d);
        index.setHalfPrecisionScan(half);
        index.reserve(n);
        index.add(ids.data(), data.data(), n);
        QCOMPARE(index.size(), n);
        QCOMPARE(index.usesHalfPrecisionScan(), half && halfPrecisionAvailable() && n >= VectorIndex::kHalfScanMinRows);

        const auto queries = randomRows(3, d, 99);
        std::unordered_set<int64_t> everyThird, aFew;
        for (size_t i = 0; i < n; i += 3)
            everyThird.insert(ids[i]);
        for (size_t i = 0; i < n; i += std::max<size_t>(1, n / 20))
            aFew.insert(ids[i]);
        aFew.insert(123456789);  // not stored: ignored

        std::vector<SearchFilter> filters(6);
        filters[1].excludeId = n ? ids[n / 2] : 0;
        filters[2].allowedIds = everyThird;               // large set: scanned
        filters[3].allowedIds = aFew;                     // small set: scored id by id
        filters[3].excludeId = n ? ids[0] : 0;
        filters[4].predicate = [](int64_t id) { return id % 2 == 0; };
        filters[5].allowedIds = std::unordered_set<int64_t>{};
        for (size_t qi = 0; qi < 3; ++qi) {
            const float* q = queries.data() + qi * d;
            for (size_t k : {size_t(1), size_t(10), size_t(100), n + 5}) {
                for (size_t f = 0; f < filters.size(); ++f) {
                    const auto expected = naiveSearch(index, q, k, filters[f]);
                    for (size_t threads : {1u, 2u, 3u, 8u}) {
                        index.setThreads(threads);
                        const auto got = index.search(q, k, filters[f]);
                        const QString diff = firstDifference(got, expected);
                        QVERIFY2(diff.isEmpty(), qPrintable(QString("k %1 filter %2 threads %3: %4")
                                                                .arg(k).arg(f).arg(threads).arg(diff)));
                    }
                }
            }
        }
    }

    void scoresAreCosines() {
        // Against a double-precision cosine of the raw (unnormalised) inputs.
        const size_t n = 500, d = 48;
        const auto data = randomRows(n, d, 3);
        VectorIndex index(d);
        for (size_t i = 0; i < n; ++i)
            index.add(int64_t(i), data.data() + i * d);
        const auto q = randomRows(1, d, 4);
        const auto hits = index.search(q.data(), n);
        QCOMPARE(hits.size(), n);
        for (const auto& h : hits) {
            const float* row = data.data() + size_t(h.id) * d;
            const double cosine = dotDouble(row, q.data(), d) / (l2Norm(row, d) * l2Norm(q.data(), d));
            QVERIFY(std::abs(h.score - cosine) < 1e-5);
        }
        for (size_t i = 1; i < hits.size(); ++i)
            QVERIFY(hits[i - 1].score >= hits[i].score);
    }

    void tiesBreakByLowerId() {
        // 50 copies of one vector (scaled differently: same direction) under shuffled ids, plus
        // noise rows; every thread count must list the copies in id order.
        const size_t d = 16;
        const auto base = randomRows(1, d, 11);
        const auto noise = randomRows(40000, d, 12);  // enough rows for the half-precision scan
        std::vector<int64_t> ids(50);
        for (size_t i = 0; i < ids.size(); ++i)
            ids[i] = int64_t((i * 37) % 50) * 1000 + 1;
        VectorIndex index(d);
        for (size_t i = 0; i < noise.size() / d; ++i)
            index.add(int64_t(100000 + i), noise.data() + i * d);
        for (size_t i = 0; i < ids.size(); ++i) {
            std::vector<float> v = base;
            for (auto& x : v)
                x *= 0.5f + float(i % 4);  // powers of two keep the normalised rows bit-identical
            index.add(ids[i], v.data());
        }
        std::sort(ids.begin(), ids.end());
        QCOMPARE(index.usesHalfPrecisionScan(), halfPrecisionAvailable());
        for (size_t threads : {1u, 2u, 4u}) {
            index.setThreads(threads);
            const auto hits = index.search(base.data(), 20);
            for (size_t i = 0; i < 20; ++i)
                QCOMPARE(hits[i].id, ids[i]);
            QCOMPARE(hits[0].score, hits[19].score);
        }
    }

    void halfScanKeepsFloat32RankingAmongNearTies() {
        // Rows a hair apart in float32 (far below binary16 resolution) around the query direction:
        // the half scan cannot tell them apart, the float32 re-score must.
        if (!halfPrecisionAvailable())
            QSKIP("no F16C on this CPU");
        const size_t d = 64, n = 50000;
        auto data = randomRows(n, d, 41);
        const auto q = randomRows(1, d, 42);
        for (size_t i = 0; i < 300; ++i)
            for (size_t j = 0; j < d; ++j)
                data[i * 977 % n * d + j] = q[j] * 3.0f + 1e-4f * float(i % 17) * data[(i + 1) * d + j];
        VectorIndex halfIndex(d), floatIndex(d);
        floatIndex.setHalfPrecisionScan(false);
        for (size_t i = 0; i < n; ++i) {
            halfIndex.add(int64_t(i), data.data() + i * d);
            floatIndex.add(int64_t(i), data.data() + i * d);
        }
        QVERIFY(halfIndex.usesHalfPrecisionScan());
        QVERIFY(!floatIndex.usesHalfPrecisionScan());
        for (size_t k : {1u, 10u, 100u, 299u, 500u}) {
            const auto expected = naiveSearch(floatIndex, q.data(), k, {});
            QVERIFY(firstDifference(floatIndex.search(q.data(), k), expected).isEmpty());
            const QString diff = firstDifference(halfIndex.search(q.data(), k), expected);
            QVERIFY2(diff.isEmpty(), qPrintable(QString("k %1: %2").arg(k).arg(diff)));
        }
        // halfToFloat(floatToHalf(x)) is within the bound's rounding term.
        std::vector<uint16_t> h(d);
        std::vector<float> back(d);
        floatToHalf(halfIndex.rowAt(0), h.data(), d);
        halfToFloat(h.data(), back.data(), d);
        QVERIFY(std::abs(dotDouble(back.data(), q.data(), d) - dotDouble(halfIndex.rowAt(0), q.data(), d)) /
                    l2Norm(q.data(), d) <= halfDotErrorBound(d));
    }

    void removeKeepsSearchConsistent() {
        const size_t n = 2000, d = 24;
        const auto data = randomRows(n, d, 21);
        VectorIndex index(d);
        for (size_t i = 0; i < n; ++i)
            index.add(int64_t(i), data.data() + i * d);
        for (int64_t id = 0; id < int64_t(n); id += 3)
            QVERIFY(index.remove(id));
        QVERIFY(!index.remove(0));
        QCOMPARE(index.size(), n - (n + 2) / 3);
        QVERIFY(!index.contains(3));
        QVERIFY(index.contains(4));
        const auto v4 = l2Normalized(data.data() + 4 * d, d);
        for (size_t i = 0; i < d; ++i)
            QCOMPARE(index.vector(4)[i], v4[i]);
        const auto q = randomRows(1, d, 22);
        QVERIFY(firstDifference(index.search(q.data(), 50), naiveSearch(index, q.data(), 50, {})).isEmpty());
        // An image -> image query finds itself first unless excluded.
        QCOMPARE(index.search(index.vector(4), 1)[0].id, int64_t(4));
        SearchFilter notItself;
        notItself.excludeId = 4;
        QVERIFY(index.search(index.vector(4), 5, notItself)[0].id != 4);
    }

    void rejectsBadInput() {
        VectorIndex index(4);
        const float v[4] = {1, 2, 3, 4};
        index.add(1, v);
        QVERIFY_THROWS_EXCEPTION(Error, index.add(1, v));
        const float nan[4] = {1, NAN, 0, 0};
        QVERIFY_THROWS_EXCEPTION(Error, index.add(2, nan));
        const int64_t twoIds[2] = {5, 5};
        const float twoRows[8] = {};
        QVERIFY_THROWS_EXCEPTION(Error, index.add(twoIds, twoRows, 2));
        QCOMPARE(index.size(), size_t(1));  // nothing of the rejected batch went in
        const float zero[4] = {};
        QVERIFY_THROWS_EXCEPTION(Error, index.search(zero, 3));
        QVERIFY_THROWS_EXCEPTION(Error, index.search(nan, 3));
        QVERIFY_THROWS_EXCEPTION(Error, VectorIndex(0));
        QVERIFY(index.search(v, 0).empty());
        // A throwing predicate surfaces as an exception in the caller, from any thread.
        VectorIndex big(8, 2);
        const auto rows = randomRows(40000, 8, 5);
        for (size_t i = 0; i < 40000; ++i)
            big.add(int64_t(i), rows.data() + i * 8);
        SearchFilter bad;
        bad.predicate = [](int64_t id) -> bool { if (id > 30000) throw Error("boom"); return true; };
        QVERIFY_THROWS_EXCEPTION(Error, big.search(rows.data(), 5, bad));
    }

    void collapsesNearDuplicates() {
        // Groups: A (ids 1..3, nearly equal), B (id 10, alone), A' (id 4, cosine ~0.95 to A: kept
        // at 0.98, dropped at 0.9).
        const size_t d = 8;
        std::vector<float> a = {1, 0, 0, 0, 0, 0, 0, 0};
        VectorIndex index(d);
        auto addTilted = [&](int64_t id, double angle, size_t axis) {
            std::vector<float> v(d, 0.0f);
            v[0] = float(std::cos(angle));
            v[axis] = float(std::sin(angle));
            index.add(id, v.data());
        };
        addTilted(1, 0.0, 1);
        addTilted(2, 0.05, 1);   // cos 0.99875 to 1
        addTilted(3, 0.1, 2);    // cos 0.995 to 1
        addTilted(4, 0.32, 3);   // cos 0.949 to 1
        std::vector<float> b(d, 0.0f);
        b[5] = 1;
        index.add(10, b.data());
        const auto hits = index.search(a.data(), 5);
        QCOMPARE(hits.size(), size_t(5));
        QCOMPARE(hits[0].id, int64_t(1));
        auto ids = [](const std::vector<SearchHit>& h) {
            std::vector<int64_t> out;
            for (const auto& x : h)
                out.push_back(x.id);
            return out;
        };
        QCOMPARE(ids(collapseNearDuplicates(hits, index)), (std::vector<int64_t>{1, 4, 10}));
        QCOMPARE(ids(collapseNearDuplicates(hits, index, 0.9f)), (std::vector<int64_t>{1, 10}));
        QCOMPARE(ids(collapseNearDuplicates(hits, index, 1.01f)), (std::vector<int64_t>{1, 2, 3, 4, 10}));
        // Unknown ids are kept as they are.
        auto withUnknown = hits;
        withUnknown.insert(withUnknown.begin() + 1, SearchHit{777, 0.5f});
        QCOMPARE(ids(collapseNearDuplicates(withUnknown, index)), (std::vector<int64_t>{1, 777, 4, 10}));
        // searchDistinct fetches past the duplicates.
        QCOMPARE(ids(index.searchDistinct(a.data(), 2, kNearDuplicateCosine)), (std::vector<int64_t>{1, 4}));
        QCOMPARE(ids(index.searchDistinct(a.data(), 10, 0.9f)), (std::vector<int64_t>{1, 10}));
    }

    void searchDistinctEqualsCollapsedFullRanking() {
        // Many near-duplicate clusters: the distinct top-k must equal collapsing the full ranking.
        const size_t d = 16, clusters = 300, copies = 20;
        const auto centres = randomRows(clusters, d, 31);
        const auto jitter = randomRows(clusters * copies, d, 32);
        VectorIndex index(d);
        for (size_t c = 0; c < clusters; ++c)
            for (size_t j = 0; j < copies; ++j) {
                std::vector<float> v(centres.begin() + c * d, centres.begin() + (c + 1) * d);
                for (size_t i = 0; i < d; ++i)
                    v[i] += 0.02f * jitter[(c * copies + j) * d + i];
                index.add(int64_t(c * copies + j), v.data());
            }
        const auto q = randomRows(1, d, 33);
        const auto full = collapseNearDuplicates(index.search(q.data(), index.size()), index);
        const auto distinct = index.searchDistinct(q.data(), 10, kNearDuplicateCosine);
        QCOMPARE(distinct.size(), size_t(10));
        QVERIFY(firstDifference(distinct, {full.begin(), full.begin() + 10}).isEmpty());
    }
};

QTEST_APPLESS_MAIN(TestVectorIndex)
#include "tst_vectorindex.moc"
