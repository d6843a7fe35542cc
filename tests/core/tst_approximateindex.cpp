#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "common/error.h"
#include "retrieval/approximateindex.h"
#include "retrieval/halfprecision.h"
#include "retrieval/halfvectorstore.h"
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

ApproximateIndexParams smallPq()
{
    ApproximateIndexParams p;
    p.kind = ApproximateKind::IvfPq;
    // These 64-d clusters have isotropic noise, the hardest case for PQ: 4 dims per byte, and 1/4
    // of the lists (recall@10 ~0.95 here, 0.7 with 8 dims per byte and 8 of 32 lists).
    p.lists = 64;
    p.probes = 16;
    p.pqSubquantizers = 16;
    p.rerank = 128;
    return p;
}

// smallPq() under a two-level quantizer: 256 cells in 16 groups, adds in their 3 best groups,
// queries ranking 8.
ApproximateIndexParams smallTwoLevel()
{
    ApproximateIndexParams p = smallPq();
    p.lists = 256;
    p.coarseGroups = 16;
    p.assignGroups = 3;
    p.groupProbes = 8;
    return p;
}

// Rows [first, first + n) of `index` (storage order) as ids and vectors.
struct Rows {
    std::vector<int64_t> ids;
    std::vector<float> vectors;
};
Rows rowsOf(const VectorIndex& index, size_t first, size_t n)
{
    Rows r;
    for (size_t i = first; i < first + n; ++i) {
        r.ids.push_back(index.idAt(i));
        r.vectors.insert(r.vectors.end(), index.rowAt(i), index.rowAt(i) + index.dim());
    }
    return r;
}

void flipByte(const std::string& path, size_t offsetFromEnd)
{
    std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
    f.seekg(0, std::ios::end);
    const auto size = static_cast<std::streamoff>(f.tellg());
    f.seekg(size - static_cast<std::streamoff>(offsetFromEnd));
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x40);
    f.seekp(size - static_cast<std::streamoff>(offsetFromEnd));
    f.write(&c, 1);
}

template <class E>
QString messageOf(const std::function<void()>& fn)
{
    try {
        fn();
    } catch (const E& e) {
        return QString::fromStdString(e.what());
    } catch (...) {
        return QStringLiteral("<other exception>");
    }
    return QStringLiteral("<no exception>");
}

}  // namespace

// FAISS IVF-Flat and IVF-PQ recall against brute force, filters, incremental updates, save/load.
// Skipped without FAISS (except the binary16 conversions).
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
        ApproximateIndexParams flat;
        flat.kind = ApproximateKind::IvfFlat;
        approx.build(exact, flat);
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
        ApproximateIndexParams params;
        params.kind = ApproximateKind::IvfFlat;
        params.lists = 32;
        params.probes = 32;
        approx.build(exact, params);
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

    // The portable binary16 conversions (the store on CPUs without F16C) round exactly as F16C.
    void portableHalfMatchesF16c() {
        std::vector<float> values = {0.0f, -0.0f, 1.0f, -1.0f, 0.1f, 1e-8f, -3e-5f, 6.1e-5f, 65504.0f, 65519.0f,
                                     65520.0f, 1e6f, INFINITY, -INFINITY, 5.9604645e-8f, 2.9802322e-8f,
                                     8.940697e-8f, 1.0f + 1.0f / 2048.0f, 1.0f + 3.0f / 2048.0f};
        std::mt19937 rng(7);
        std::uniform_real_distribution<float> u(-1.0f, 1.0f);
        for (int i = 0; i < 20000; ++i)
            values.push_back(u(rng) * std::ldexp(1.0f, int(rng() % 40) - 30));
        for (float v : values) {
            const uint16_t h = floatToHalfPortable(v);
            if (halfPrecisionAvailable()) {
                uint16_t f16c = 0;
                floatToHalf(&v, &f16c, 1);
                QCOMPARE(h, f16c);
                float back = 0.0f;
                halfToFloat(&h, &back, 1);
                QCOMPARE(halfToFloatPortable(h), back);
            }
            if (std::isfinite(v) && std::abs(v) < 65504.0f)
                QVERIFY(std::abs(halfToFloatPortable(h) - v) <= std::abs(v) * 0.0005f + 6e-8f);
        }
    }

    void ivfPqRecallAndScores() {
        if (!ApproximateIndex::available())
            QSKIP("built without FAISS");
        const auto exact = clusteredIndex(20000, 64, 64, 11);
        ApproximateIndex approx;
        approx.build(exact, smallPq());
        QCOMPARE(approx.kind(), ApproximateKind::IvfPq);
        QCOMPARE(approx.size(), size_t(20000));
        QCOMPARE(approx.rerankDepth(), size_t(128));
        const auto q = queriesNear(exact, 50, 12);
        const double recall = recallAt10(exact, approx, q, 0);
        qInfo("IVF-PQ recall@10 %.3f (%zu of %zu lists, re-rank %zu)", recall, approx.defaultProbes(),
              approx.lists(), approx.rerankDepth());
        QVERIFY2(recall >= 0.9, qPrintable(QString::number(recall)));
        // Scores are binary16 re-scores: within the proven bound of the float32 cosine.
        for (const auto& h : approx.search(q.data(), 10)) {
            const double truth = dotDouble(exact.vector(h.id), l2Normalized(q.data(), 64).data(), 64);
            QVERIFY(std::abs(h.score - truth) <= halfDotErrorBound(64));
        }
        // Automatic parameters: IVF-PQ, sizes from N.
        const auto small = ApproximateIndexParams{}.resolve(300000, 512);
        QCOMPARE(*small.kind, ApproximateKind::IvfPq);
        QCOMPARE(small.lists, size_t(2048));
        const auto million = ApproximateIndexParams{}.resolve(1000000, 512);
        QCOMPARE(million.lists, size_t(4096));
        QCOMPARE(million.coarseGroups, size_t(1));  // flat up to 4096 cells
        QVERIFY(million.probes >= 16 && million.rerank >= 128 && million.trainSamples >= 39 * million.lists);
        // Beyond: cells of ~150 vectors under a two-level quantizer, 3 cells per vector.
        const auto big = ApproximateIndexParams{}.resolve(10000000, 512);
        QCOMPARE(*big.kind, ApproximateKind::IvfPq);
        QCOMPARE(big.pqSubquantizers, size_t(32));
        QCOMPARE(big.lists, size_t(65536));
        QCOMPARE(big.coarseGroups, size_t(256));
        QCOMPARE(big.cellsPerVector, size_t(3));  // spilling under the two-level quantizer only
        QCOMPARE(million.cellsPerVector, size_t(1));
        QVERIFY(big.groupProbes >= 8 && big.groupProbes <= big.coarseGroups);
        QVERIFY(big.probes >= 16 && big.rerank >= 128 && big.trainSamples >= 16 * big.lists);
        const auto twoMillion = ApproximateIndexParams{}.resolve(2000000, 512);  // flat cells serve it better
        QCOMPARE(twoMillion.lists, size_t(4096));
        QCOMPARE(twoMillion.coarseGroups, size_t(1));
        const auto fourMillion = ApproximateIndexParams{}.resolve(4000000, 512);
        QCOMPARE(fourMillion.lists, size_t(32768));
        QCOMPARE(fourMillion.coarseGroups, size_t(256));
        ApproximateIndexParams flatPq;
        flatPq.coarseGroups = 1;
        flatPq.cellsPerVector = 3;
        QCOMPARE(flatPq.resolve(10000000, 512).cellsPerVector, size_t(1));  // a flat quantizer stores once
        QCOMPARE(ApproximateIndexParams{}.resolve(1000000, 768).pqSubquantizers, size_t(48));
    }

    // The two-level coarse quantizer: every vector lies in the cell a query for it ranks first
    // (same rule when the query ranks as many groups as an add searches), recall, save/load round
    // trip, and damage in its tables refused.
    void twoLevelQuantizer() {
        if (!ApproximateIndex::available())
            QSKIP("built without FAISS");
        const auto exact = clusteredIndex(20000, 64, 64, 41);
        ApproximateIndexParams params = smallTwoLevel();
        params.cellsPerVector = 1;  // spilledCells() covers more
        ApproximateIndex approx;
        approx.build(exact, params);
        QCOMPARE(approx.cellsPerVector(), size_t(1));
        QCOMPARE(approx.lists(), size_t(256));
        QCOMPARE(approx.coarseGroups(), size_t(16));
        QCOMPARE(approx.groupProbes(), size_t(8));

        // Assignment consistency: an add searches its 3 best groups; ranking 3 groups for the
        // vector itself must put its own cell first (BLAS and our AVX2 kernel round differently, which
        // may flip a rare near tie).
        std::vector<int64_t> ids;
        for (size_t i = 0; i < exact.size(); i += 7)
            ids.push_back(exact.idAt(i));
        const auto cells = approx.cellsOf(ids);
        approx.setGroupProbes(3);
        size_t same = 0, inProbed = 0;
        std::set<int64_t> used;
        for (size_t j = 0; j < ids.size(); ++j) {
            QVERIFY(cells[j] >= 0 && cells[j] < 256);
            used.insert(cells[j]);
            const auto ranked = approx.probedCells(exact.vector(ids[j]), 16);
            QCOMPARE(ranked.size(), size_t(16));
            same += ranked.front() == cells[j];
            inProbed += std::find(ranked.begin(), ranked.end(), cells[j]) != ranked.end();
        }
        qInfo("two-level: %zu of %zu vectors ranked their own cell first, %zu cells used", same, ids.size(),
              used.size());
        // Taking the best cell of the best group only (not of 3) changes 7 of these 2858.
        QVERIFY2(same + 2 >= ids.size(), qPrintable(QString::number(same)));
        QCOMPARE(inProbed, ids.size());
        QVERIFY(used.size() > 200);  // the cells are balanced, not a few giant ones
        QCOMPARE(approx.cellsOf({-5}).front(), int64_t(-1));

        const auto q = queriesNear(exact, 50, 42);
        approx.setGroupProbes(8);
        const double recall = recallAt10(exact, approx, q, 0);
        qInfo("two-level IVF-PQ recall@10 %.3f (%zu probes in %zu of 16 groups)", recall, approx.defaultProbes(),
              approx.groupProbes());
        QVERIFY2(recall >= 0.85, qPrintable(QString::number(recall)));
        // Probing every cell (every group) finds what the PQ re-rank finds over the whole set.
        QCOMPARE(approx.probedCells(q.data(), 256).size(), size_t(256));

        // Round trip: same groups, cells and hits.
        QTemporaryDir dir;
        const std::string path = dir.filePath("two.ann").toStdString();
        approx.setStoragePath(path);
        approx.save(path);
        const auto loaded = ApproximateIndex::load(path);
        QCOMPARE(loaded.coarseGroups(), size_t(16));
        QCOMPARE(loaded.groupProbes(), size_t(8));
        QCOMPARE(loaded.lists(), size_t(256));
        QVERIFY(loaded.cellsOf(ids) == cells);
        for (size_t i = 0; i < 10; ++i) {
            QVERIFY(loaded.probedCells(q.data() + i * 64) == approx.probedCells(q.data() + i * 64));
            QVERIFY(loaded.search(q.data() + i * 64, 10) == approx.search(q.data() + i * 64, 10));
        }
        // Incremental adds after loading use the same two-level assignment.
        {
            auto more = ApproximateIndex::load(path);
            const std::vector<int64_t> gone(ids.begin(), ids.begin() + 100);
            std::vector<float> vectors;
            for (int64_t id : gone)
                vectors.insert(vectors.end(), exact.vector(id), exact.vector(id) + 64);
            QCOMPARE(more.remove(gone.data(), gone.size()), size_t(100));
            more.add(gone.data(), vectors.data(), gone.size());
            QVERIFY(more.cellsOf(gone) == std::vector<int64_t>(cells.begin(), cells.begin() + 100));
        }

        // Damage in the group section (after the 80-byte header, ids, tags and one segment entry:
        // assignment groups, cells per vector, group table, centroids): checksum; truncation; an
        // older reader's version is refused as outdated, a newer one as newer.
        namespace fs = std::filesystem;
        const std::string copy = dir.filePath("copy.ann").toStdString();
        const size_t groupTable = 80 + 20000 * 16 + 1 * sizeof(HalfVectorStore::SegmentInfo) + 16;
        for (size_t offset : {groupTable - 8, groupTable + 8, groupTable + 17 * 8 + 100}) {
            fs::copy_file(path, copy, fs::copy_options::overwrite_existing);
            std::fstream f(copy, std::ios::binary | std::ios::in | std::ios::out);
            f.seekg(static_cast<std::streamoff>(offset));
            char c = 0;
            f.read(&c, 1);
            c = static_cast<char>(c ^ 0x01);
            f.seekp(static_cast<std::streamoff>(offset));
            f.write(&c, 1);
            f.close();
            const QString m = messageOf<ApproximateIndexDamaged>([&] { ApproximateIndex::load(copy); });
            QVERIFY2(m.contains("checksum"), qPrintable(m));
        }
        fs::copy_file(path, copy, fs::copy_options::overwrite_existing);
        fs::resize_file(copy, groupTable + 40);
        QVERIFY(messageOf<ApproximateIndexDamaged>([&] { ApproximateIndex::load(copy); }) != "<no exception>");
        for (uint32_t version : {1u, 5u}) {
            fs::copy_file(path, copy, fs::copy_options::overwrite_existing);
            std::fstream f(copy, std::ios::binary | std::ios::in | std::ios::out);
            f.seekp(8);
            f.write(reinterpret_cast<const char*>(&version), 4);
            f.close();
            if (version == 1)
                QVERIFY(messageOf<ApproximateIndexDamaged>([&] { ApproximateIndex::load(copy); }).contains("outdated"));
            else
                QVERIFY(messageOf<Error>([&] { ApproximateIndex::load(copy); }).contains("newer"));
        }
    }

    // Spilling: each vector is stored in its 3 best cells (the add rule), found through any of them,
    // returned once, removed from all of them, and kept so by save/load; recall at few probes rises
    // over one cell per vector on the same cells.
    void spilledCells() {
        if (!ApproximateIndex::available())
            QSKIP("built without FAISS");
        const auto exact = clusteredIndex(20000, 64, 64, 41);
        ApproximateIndexParams params = smallTwoLevel();
        params.probes = 4;
        params.cellsPerVector = 1;
        ApproximateIndex single;
        single.build(exact, params);
        params.cellsPerVector = 3;
        ApproximateIndex spilled;
        spilled.build(exact, params);
        QCOMPARE(spilled.cellsPerVector(), size_t(3));

        std::vector<int64_t> ids;
        for (size_t i = 0; i < exact.size(); i += 7)
            ids.push_back(exact.idAt(i));
        const auto holding = spilled.cellsHolding(ids);
        const auto first = single.cellsOf(ids);
        spilled.setGroupProbes(3);
        size_t same = 0;
        for (size_t j = 0; j < ids.size(); ++j) {
            QCOMPARE(holding[j].size(), size_t(3));
            QVERIFY(std::set<int64_t>(holding[j].begin(), holding[j].end()).size() == 3);
            // The same 3 cells a query for the vector ranks first among the add's 3 groups, the best
            // of them the single-cell index's cell (same training: same cells).
            auto ranked = spilled.probedCells(exact.vector(ids[j]), 3);
            const int64_t best = ranked.front();
            std::sort(ranked.begin(), ranked.end());
            same += ranked == holding[j] && best == first[j];
        }
        qInfo("spilled: %zu of %zu vectors stored in the 3 cells a query for them ranks first", same, ids.size());
        // Near ties between a vector's 3rd and 4th cells (BLAS and AVX2 round differently) may swap a few.
        QVERIFY2(same + 10 >= ids.size(), qPrintable(QString::number(same)));
        spilled.setGroupProbes(8);

        const auto q = queriesNear(exact, 50, 42);
        const double recallSingle = recallAt10(exact, single, q, 0);
        const double recallSpilled = recallAt10(exact, spilled, q, 0);
        qInfo("4 probes: recall@10 %.3f with 1 cell per vector, %.3f with 3", recallSingle, recallSpilled);
        QVERIFY2(recallSpilled >= recallSingle + 0.03, qPrintable(QString::number(recallSpilled)));
        for (size_t i = 0; i < 20; ++i) {
            const auto hits = spilled.search(q.data() + i * 64, 10);
            QCOMPARE(hits.size(), size_t(10));
            std::set<int64_t> seen;
            for (const auto& h : hits)
                QVERIFY(seen.insert(h.id).second);  // each vector once
        }

        // Removal takes every copy; save/load keeps the spilled layout.
        const std::vector<int64_t> gone(ids.begin(), ids.begin() + 50);
        QCOMPARE(spilled.remove(gone.data(), gone.size()), size_t(50));
        for (const auto& cells : spilled.cellsHolding(gone))
            QVERIFY(cells.empty());
        for (int64_t id : gone)
            for (const auto& h : spilled.search(exact.vector(id), 10))
                QVERIFY(h.id != id);
        QTemporaryDir dir;
        const std::string path = dir.filePath("spill.ann").toStdString();
        spilled.setStoragePath(path);
        spilled.save(path);
        const auto loaded = ApproximateIndex::load(path);
        QCOMPARE(loaded.cellsPerVector(), size_t(3));
        const std::vector<int64_t> kept(ids.begin() + 50, ids.begin() + 150);
        QVERIFY(loaded.cellsHolding(kept) == spilled.cellsHolding(kept));
        for (size_t i = 0; i < 10; ++i)
            QVERIFY(loaded.search(q.data() + i * 64, 10) == spilled.search(q.data() + i * 64, 10));
    }

    // Adding and removing after training gives the same results as adding the final set to the same
    // trained cells at once (both kinds), and ids, tags and filters follow the rows.
    void incrementalMatchesRebuild_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("ivf-flat") << int(ApproximateKind::IvfFlat);
        QTest::newRow("ivf-pq") << int(ApproximateKind::IvfPq);
    }
    void incrementalMatchesRebuild() {
        if (!ApproximateIndex::available())
            QSKIP("built without FAISS");
        QFETCH(int, kind);
        const auto all = clusteredIndex(12000, 64, 48, 21);
        ApproximateIndexParams params = smallPq();
        params.kind = ApproximateKind(kind);
        QTemporaryDir dir;
        const std::string trainedPath = dir.filePath("trained.ann").toStdString();
        {
            // Trained once; both indexes start from this file, so their cells are the same.
            ApproximateIndex trained;
            trained.train(all.data(), all.size(), all.dim(), all.size(), params);
            QCOMPARE(trained.size(), size_t(0));
            trained.save(trainedPath);
        }
        // Incremental: rows 0..9999, then remove 2000..3999, then add 10000..11999 with tags.
        auto incremental = ApproximateIndex::load(trainedPath);
        const Rows first = rowsOf(all, 0, 10000), gone = rowsOf(all, 2000, 2000), later = rowsOf(all, 10000, 2000);
        incremental.add(first.ids.data(), first.vectors.data(), first.ids.size());
        QCOMPARE(incremental.remove(gone.ids.data(), gone.ids.size()), size_t(2000));
        QCOMPARE(incremental.remove(gone.ids.data(), gone.ids.size()), size_t(0));  // already gone
        std::vector<int64_t> tags(later.ids.size(), 77);
        incremental.add(later.ids.data(), later.vectors.data(), later.ids.size(), tags.data());
        QCOMPARE(incremental.size(), size_t(10000));
        QCOMPARE(incremental.deadRows(), size_t(2000));
        QVERIFY(!incremental.contains(gone.ids[5]) && incremental.contains(later.ids[5]));
        // A stored or repeated id is refused and changes nothing.
        QVERIFY_THROWS_EXCEPTION(Error, incremental.add(later.ids.data(), later.vectors.data(), 1));
        QCOMPARE(incremental.size(), size_t(10000));

        auto rebuilt = ApproximateIndex::load(trainedPath);
        const Rows a = rowsOf(all, 0, 2000), b = rowsOf(all, 4000, 8000);
        rebuilt.add(b.ids.data(), b.vectors.data(), b.ids.size());  // another order on purpose
        rebuilt.add(a.ids.data(), a.vectors.data(), a.ids.size());
        QCOMPARE(rebuilt.size(), size_t(10000));

        const auto q = queriesNear(all, 40, 22);
        SearchFilter odd;
        odd.predicate = [](int64_t id) { return id % 2 == 1; };
        for (size_t i = 0; i < 40; ++i) {
            const float* query = q.data() + i * 64;
            QVERIFY(incremental.search(query, 10) == rebuilt.search(query, 10));
            QVERIFY(incremental.search(query, 10, 0, odd) == rebuilt.search(query, 10, 0, odd));
            for (const auto& h : incremental.search(query, 20))
                QVERIFY(h.id < gone.ids.front() || h.id > gone.ids.back());
        }
        const auto entries = incremental.entries();
        QCOMPARE(entries.size(), size_t(10000));
        QVERIFY(std::is_sorted(entries.begin(), entries.end()));
        QCOMPARE(entries.back(), std::make_pair(later.ids.back(), int64_t(77)));
        QCOMPARE(entries.front().second, int64_t(0));

        // Retraining is wanted past twice the trained size, below a quarter, or when most rows are dead.
        QVERIFY(!incremental.wantsRetrain());
        QVERIFY(!incremental.wantsRetrain(10000, 0));
        QVERIFY(incremental.wantsRetrain(14001, 0));
        QVERIFY(incremental.wantsRetrain(0, 7500));
    }

    // IVF-PQ on disk: binary16 rows in segment files, incremental saves add segments, many small
    // ones are merged, spilling keeps big builds off the heap, and damage is detected.
    void ivfPqPersistence() {
        if (!ApproximateIndex::available())
            QSKIP("built without FAISS");
        namespace fs = std::filesystem;
        QTemporaryDir dir;
        const std::string path = dir.filePath("cat.ann").toStdString();
        const auto all = clusteredIndex(9000, 64, 32, 31);
        auto segmentFiles = [&] {
            size_t n = 0;
            for (const auto& e : fs::directory_iterator(dir.path().toStdString()))
                n += e.path().filename().string().rfind("cat.ann.f16-", 0) == 0;
            return n;
        };
        ApproximateIndex index;
        index.setStoragePath(path, 1500);  // spill every 1500 rows
        index.train(all.data(), all.size(), 64, 9000, smallPq());
        const Rows base = rowsOf(all, 0, 6000);
        index.add(base.ids.data(), base.vectors.data(), base.ids.size());
        QCOMPARE(segmentFiles(), size_t(4));  // spilled while adding
        index.save(path);
        const auto q = queriesNear(all, 10, 32);
        std::vector<std::vector<SearchHit>> before;
        for (size_t i = 0; i < 10; ++i)
            before.push_back(index.search(q.data() + i * 64, 10));
        {
            const auto loaded = ApproximateIndex::load(path);
            QCOMPARE(loaded.kind(), ApproximateKind::IvfPq);
            QCOMPARE(loaded.trainedRows(), size_t(9000));
            for (size_t i = 0; i < 10; ++i)
                QVERIFY(loaded.search(q.data() + i * 64, 10) == before[i]);
        }
        // Twelve small updates: each save writes one small segment; past 8 they are merged.
        auto updated = ApproximateIndex::load(path);
        updated.setStoragePath(path, 1500);
        for (size_t u = 0; u < 12; ++u) {
            const Rows more = rowsOf(all, 6000 + u * 100, 100);
            updated.add(more.ids.data(), more.vectors.data(), more.ids.size());
            const Rows gone = rowsOf(all, u * 10, 5);
            updated.remove(gone.ids.data(), gone.ids.size());
            updated.save(path);
            QVERIFY(segmentFiles() <= 4 + HalfVectorStore::kMaxSmallSegments);
        }
        const auto reloaded = ApproximateIndex::load(path);
        QCOMPARE(reloaded.size(), size_t(6000 + 1200 - 60));
        QCOMPARE(reloaded.deadRows(), size_t(60));
        for (size_t i = 0; i < 10; ++i)
            QVERIFY(reloaded.search(q.data() + i * 64, 10) == updated.search(q.data() + i * 64, 10));

        // Damage: a flipped byte (checksum), a truncated file, a missing segment -> rebuildable;
        // a foreign file or a newer format -> a plain Error that names the path.
        const std::string copy = dir.filePath("copy.ann").toStdString();
        auto freshCopy = [&] {
            fs::copy_file(path, copy, fs::copy_options::overwrite_existing);
        };
        freshCopy();
        flipByte(copy, 1000);
        QVERIFY(messageOf<ApproximateIndexDamaged>([&] { ApproximateIndex::load(copy); }).contains("checksum"));
        freshCopy();
        fs::resize_file(copy, fs::file_size(copy) - 100);
        QVERIFY(messageOf<ApproximateIndexDamaged>([&] { ApproximateIndex::load(copy); }).contains("copy.ann"));
        // The copy names cat.ann's segments under its own prefix: none exist.
        freshCopy();
        QVERIFY(messageOf<ApproximateIndexDamaged>([&] { ApproximateIndex::load(copy); }).contains("incomplete"));
        std::ofstream(copy, std::ios::binary | std::ios::trunc) << "SQLite format 3 and then some more bytes here";
        const QString foreign = messageOf<Error>([&] { ApproximateIndex::load(copy); });
        QVERIFY2(foreign.contains("not a CosmoCLIP approximate index"), qPrintable(foreign));
        freshCopy();
        {
            std::fstream f(copy, std::ios::binary | std::ios::in | std::ios::out);
            const uint32_t version = 99;
            f.seekp(8);
            f.write(reinterpret_cast<const char*>(&version), 4);
        }
        const QString newer = messageOf<Error>([&] { ApproximateIndex::load(copy); });
        QVERIFY2(newer.contains("newer"), qPrintable(newer));
        QVERIFY(messageOf<ApproximateIndexDamaged>([&] { ApproximateIndex::load(copy); }) == "<other exception>");
    }

    void savesAndLoads() {
        if (!ApproximateIndex::available())
            QSKIP("built without FAISS");
        QTemporaryDir dir;
        const std::string path = dir.filePath("catalog.ann").toStdString();
        const auto exact = clusteredIndex(3000, 16, 8, 5);
        ApproximateIndex approx;
        ApproximateIndexParams flat;
        flat.kind = ApproximateKind::IvfFlat;
        approx.build(exact, flat);
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
