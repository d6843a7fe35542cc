// Distributed indexing: `index --shard I/N --shard-out` + `merge` give the catalog a single run gives.
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include <QTemporaryDir>
#include <QTest>

#include "catalog/catalog.h"
#include "catalog/shardspec.h"
#include "common/error.h"
#include "../core/catalogtestfiles.h"
#include "clirunner.h"

using namespace cosmoclip;
namespace fs = std::filesystem;

namespace {

const QString kModel = QStringLiteral(COSMOCLIP_SHARED_DIR "/clip-reference/model-hf");

/// What a catalog says about its images, independent of row ids and indexing times.
struct ImageState {
    std::string hash, format, status, error, object;
    int64_t size = 0;
    int width = 0, height = 0;
    std::vector<std::string> captions;
    std::vector<float> embedding;
};

std::map<std::string, ImageState> stateOf(const QString& db) {
    Catalog c(db.toStdString(), Catalog::Mode::ReadOnly);
    const auto models = c.models();
    std::map<std::string, ImageState> out;
    for (const auto& r : c.allImages()) {
        ImageState s{r.contentHash, r.format, imageStatusName(r.status), r.error, r.object.value_or(""),
                     r.fileSize, r.width, r.height, {}, {}};
        for (const auto& cap : c.captions(r.id)) s.captions.push_back(cap.source + ":" + cap.text);
        if (models.size() == 1) s.embedding = c.embedding(r.id, models.front().id);
        out.emplace(r.path, std::move(s));
    }
    return out;
}

float maxDifference(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size()) return INFINITY;
    float worst = 0;
    for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
    return worst;
}

}  // namespace

class TestCliShard : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_images;
    QString m_single;

    QString path(const QString& name) const { return m_dir.filePath(name); }

    QString indexShards(const QString& name, int count) {
        const QString db = path(name + ".sqlite");
        QStringList shards;
        std::set<std::string> seen;
        for (int i = 0; i < count; ++i) {
            const QString shard = path(QStringLiteral("%1-%2.sqlite").arg(name).arg(i));
            const auto r = runCli({"index", "--db", db, "--model", kModel, "--shard", QStringLiteral("%1/%2").arg(i).arg(count),
                                   "--shard-out", shard, m_images, "--json"});
            if (r.exitCode != 0) qFatal("shard index failed: %s", qPrintable(r.err));
            // Each file lands in exactly one shard.
            for (const auto& [p, s] : stateOf(shard)) {
                if (!seen.insert(p).second) qFatal("%s is in two shards", p.c_str());
            }
            shards << shard;
        }
        if (seen.size() != stateOf(m_single).size()) qFatal("the shards do not cover the folder");
        const auto merged = runCli(QStringList{"merge", "--db", db} + shards + QStringList{"--json"});
        if (merged.exitCode != 0) qFatal("merge failed: %s", qPrintable(merged.err));
        return db;
    }

private slots:
    void initTestCase() {
        m_images = path("images");
        fs::create_directories(m_images.toStdString() + "/deeper");
        for (int i = 0; i < 14; ++i) {
            catalogtest::writeTestPng(m_images.toStdString() + (i % 3 ? "/" : "/deeper/") + "img" + std::to_string(i) + ".png", i);
        }
        catalogtest::writeTestFits(m_images.toStdString() + "/m51.fits", "M51");
        catalogtest::writeText(m_images.toStdString() + "/broken.fits", "SIMPLE  = not a header");
        m_single = path("single.sqlite");
        const auto r = runCli({"index", "--db", m_single, "--model", kModel, m_images, "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }

    void shardSpecIsAPureFunctionOfThePath() {
        const ShardSpec half = ShardSpec::parse("1/2");
        QCOMPARE(half.index, 1);
        QCOMPARE(half.count, 2);
        int inShard = 0;
        for (int i = 0; i < 1000; ++i) {
            const std::string p = "/archive/night-" + std::to_string(i) + ".fits";
            QCOMPARE(half.contains(p), half.contains(p));
            QCOMPARE(half.contains(p), !ShardSpec::parse("0/2").contains(p));
            inShard += half.contains(p);
        }
        QVERIFY2(inShard > 430 && inShard < 570, qPrintable(QString::number(inShard)));  // ~ binomial(1000, 1/2)
        // SHA-256 of the path, first 8 bytes big-endian, modulo N: fixed across machines and releases.
        QVERIFY(ShardSpec::parse("0/1").contains("/anything"));
        for (const char* bad : {"2/2", "-1/2", "1/0", "1", "a/b", "1/2/3", "1/2x"}) {
            QVERIFY_THROWS_EXCEPTION(Error, ShardSpec::parse(bad));
        }
    }

    void shardedIndexingEqualsOneRun_data() {
        QTest::addColumn<int>("count");
        QTest::newRow("1 shard") << 1;
        QTest::newRow("2 shards") << 2;
        QTest::newRow("3 shards") << 3;
    }

    void shardedIndexingEqualsOneRun() {
        QFETCH(int, count);
        const auto single = stateOf(m_single);
        QCOMPARE(single.size(), size_t(16));
        const auto merged = stateOf(indexShards(QStringLiteral("sharded%1").arg(count), count));
        QCOMPARE(merged.size(), single.size());
        for (const auto& [p, want] : single) {
            const auto it = merged.find(p);
            QVERIFY2(it != merged.end(), p.c_str());
            const ImageState& got = it->second;
            QCOMPARE(got.hash, want.hash);
            QCOMPARE(got.status, want.status);
            QCOMPARE(got.error, want.error);
            QCOMPARE(got.format, want.format);
            QCOMPARE(got.object, want.object);
            QCOMPARE(got.width, want.width);
            QCOMPARE(got.captions, want.captions);
            QCOMPARE(got.embedding.empty(), want.embedding.empty());
            // Batches are composed differently, so BLAS may round differently in the last bits.
            QVERIFY2(maxDifference(got.embedding, want.embedding) < 1e-5f, p.c_str());
        }
    }

    void mergingTwiceChangesNothing() {
        const QString db = path("sharded2.sqlite");  // made by the test above
        const auto before = stateOf(db);
        const auto again = runCli({"merge", "--db", db, path("sharded2-0.sqlite"), path("sharded2-1.sqlite"), "--json"});
        QVERIFY2(again.exitCode == 0, qPrintable(again.err));
        QCOMPARE(again.json()["merged"].get<int>(), 0);
        QCOMPARE(again.json()["total"].get<int>(), 15);  // 16 files, one unreadable
        const auto after = stateOf(db);
        QCOMPARE(after.size(), before.size());
        for (const auto& [p, s] : before) QCOMPARE(after.at(p).embedding, s.embedding);
    }

    void aShardSkipsWhatTheCatalogHasAndMovedFilesKeepTheirRow() {
        const QString db = path("sharded3.sqlite");  // made by the test above
        const std::string from = m_images.toStdString() + "/img1.png";
        const std::string to = m_images.toStdString() + "/deeper/img1-renamed.png";
        fs::rename(from, to);
        const auto idBefore = Catalog(db.toStdString(), Catalog::Mode::ReadOnly).imageByPath(from)->id;
        int unchanged = 0, added = 0;
        QStringList shards;
        for (int i = 0; i < 2; ++i) {
            const QString shard = path(QStringLiteral("moved-again-%1.sqlite").arg(i));
            const auto r = runCli({"index", "--db", db, "--model", kModel, "--shard", QStringLiteral("%1/2").arg(i),
                                   "--shard-out", shard, m_images, "--json"});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            unchanged += r.json()["unchanged"].get<int>();
            added += r.json()["added"].get<int>();
            shards << shard;
        }
        QCOMPARE(added, 1);       // only the renamed file is read again
        QCOMPARE(unchanged, 14);  // the unreadable file is tried again, the rest is known to the catalog
        const auto merged = runCli(QStringList{"merge", "--db", db} + shards + QStringList{"--json"});
        QVERIFY2(merged.exitCode == 0, qPrintable(merged.err));
        Catalog c(db.toStdString(), Catalog::Mode::ReadOnly);
        const auto moved = c.imageByPath(to);
        QVERIFY(moved);
        QCOMPARE(moved->id, idBefore);
        QVERIFY(!c.imageByPath(from));
        fs::rename(to, from);
    }

    void badShardArgumentsAreUsageErrors() {
        const QString db = path("bad.sqlite");
        auto r = runCli({"index", "--db", db, "--model", kModel, "--shard", "3/3", "--shard-out", path("x.sqlite"), m_images});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("numbered 0..2"), qPrintable(r.err));
        r = runCli({"index", "--db", db, "--model", kModel, "--shard", "0/3", m_images});
        QCOMPARE(r.exitCode, 2);
        r = runCli({"index", "--db", db, "--model", kModel, "--shard", "0/2", "--shard-out", db, m_images});
        QCOMPARE(r.exitCode, 2);
        r = runCli({"merge", "--db", db, path("missing.sqlite")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("missing.sqlite"), qPrintable(r.err));
        catalogtest::writeText(path("junk.sqlite").toStdString(), "not a database at all, just text");
        r = runCli({"merge", "--db", db, path("junk.sqlite")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("junk.sqlite"), qPrintable(r.err));
        QVERIFY(!r.crashed);
    }
};

QTEST_GUILESS_MAIN(TestCliShard)
#include "tst_cli_shard.moc"
