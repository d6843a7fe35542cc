#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include <QTemporaryDir>
#include <QTest>

#include "catalog/catalog.h"
#include "catalog/catalogsql.h"
#include "catalog/filescanner.h"
#include "catalog/headerkeys.h"
#include "catalog/sqlitedatabase.h"
#include "catalog/sqlitestatement.h"
#include "catalog/sqlitetransaction.h"
#include "catalog/templatecaption.h"
#include "common/error.h"
#include "common/sha256.h"
#include "catalogtestfiles.h"

using namespace cosmoclip;
namespace fs = std::filesystem;

namespace {

ImageRecord sampleImage(const std::string& path) {
    ImageRecord r;
    r.path = path;
    r.contentHash = Sha256::hex(path);
    r.fileSize = 100;
    r.mtimeNs = 5;
    r.format = "fits";
    r.width = 16;
    r.height = 8;
    r.planes = 1;
    r.bitpix = -32;
    r.object = "M51";
    r.ra = 202.47;
    r.status = ImageStatus::Ok;
    return r;
}

std::string integrity(Catalog& catalog) {
    auto s = catalog.database().prepare("PRAGMA integrity_check");
    s.step();
    return s.text(0);
}

QString errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

}  // namespace

class TestCatalog : public QObject {
    Q_OBJECT

private slots:
    void sha256MatchesKnownDigests() {
        QCOMPARE(Sha256::hex(""), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QCOMPARE(Sha256::hex("abc"), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        // Two blocks, and a length that crosses the padding boundary.
        QCOMPARE(Sha256::hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                 std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
        Sha256 streamed;
        const std::string million(1000000, 'a');
        for (size_t i = 0; i < million.size(); i += 999) streamed.update(million.data() + i, std::min<size_t>(999, million.size() - i));
        QCOMPARE(streamed.finishHex(), std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
        // The CPU's SHA instructions and the portable code agree on every length around the block size.
        qInfo("SHA-256 hardware instructions in use: %s", Sha256::hardwareAccelerated() ? "yes" : "no");
        std::string data;
        for (int i = 0; i < 300; ++i) data += static_cast<char>(i * 131 + 7);
        for (size_t n = 0; n <= data.size(); ++n) {
            Sha256 fast;
            Sha256 slow = Sha256::portable();
            fast.update(data.data(), n);
            slow.update(data.data(), n);
            QCOMPARE(fast.finishHex(), slow.finishHex());
        }
        Sha256 slow = Sha256::portable();
        slow.update("abc");
        QCOMPARE(slow.finishHex(), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }

    void createsSchemaAndReopens() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("c.sqlite").toStdString();
        int64_t id = 0;
        {
            Catalog c(path);
            QCOMPARE(c.schemaVersion(), Catalog::kSchemaVersion);
            id = c.insertImage(sampleImage("/data/a.fits"));
        }
        Catalog c(path, Catalog::Mode::ReadOnly);
        const auto r = c.imageByPath("/data/a.fits");
        QVERIFY(r);
        QCOMPARE(r->id, id);
        QCOMPARE(*r->object, std::string("M51"));
        QCOMPARE(*r->ra, 202.47);
        QVERIFY(!r->dec);
        QCOMPARE(r->status, ImageStatus::Ok);
        QCOMPARE(integrity(c), std::string("ok"));
        auto mode = c.database().prepare("PRAGMA journal_mode");
        mode.step();
        QCOMPARE(mode.text(0), std::string("wal"));
    }

    void migratesAnOlderCatalogKeepingItsData() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("old.sqlite").toStdString();
        {
            Catalog v1(path, Catalog::Mode::ReadWrite, 1);
            QCOMPARE(v1.schemaVersion(), 1);
            SqliteDatabase& db = v1.database();
            db.exec("INSERT INTO images (path, content_hash, status) VALUES ('/x/old.png', 'h1', 'ok')");
            db.exec("INSERT INTO captions (image_id, text, source, added_at) VALUES (1, 'an old caption', 'user', 0)");
            // A reader of this version cannot open it read-only: it must be upgraded first.
        }
        QVERIFY(errorOf([&] { Catalog(path, Catalog::Mode::ReadOnly); }).contains("older"));
        Catalog c(path);
        QCOMPARE(c.schemaVersion(), 2);
        const auto r = c.imageByPath("/x/old.png");
        QVERIFY(r);
        QVERIFY(!r->credit);
        QCOMPARE(c.captions(r->id).at(0).text, std::string("an old caption"));
        const int64_t run = c.startRun("base", "/out", "{}");
        c.addRunMetric(run, 1, 10, "val_loss", 0.5);
        QCOMPARE(c.runMetrics(run).size(), size_t(1));
    }

    void refusesWhatIsNotACatalog() {
        QTemporaryDir dir;
        const std::string text = dir.filePath("notes.sqlite").toStdString();
        catalogtest::writeText(text, std::string(4096, 'x'));
        QString e = errorOf([&] { Catalog c(text); });
        QVERIFY2(e.contains("notes.sqlite") && e.contains("not"), qPrintable(e));
        QCOMPARE(fs::file_size(text), uintmax_t(4096));  // untouched

        const std::string other = dir.filePath("other.sqlite").toStdString();
        {
            SqliteDatabase db(other, SqliteDatabase::Mode::ReadWrite);
            db.exec("CREATE TABLE accounts (id INTEGER)");
        }
        e = errorOf([&] { Catalog c(other); });
        QVERIFY2(e.contains("another program"), qPrintable(e));

        const std::string newer = dir.filePath("newer.sqlite").toStdString();
        { Catalog c(newer); c.database().exec("PRAGMA user_version = 99"); }
        e = errorOf([&] { Catalog c(newer); });
        QVERIFY2(e.contains("newer"), qPrintable(e));
        QVERIFY(errorOf([&] { Catalog(dir.filePath("missing.sqlite").toStdString(), Catalog::Mode::ReadOnly); }).contains("no such catalog"));
    }

    void embeddingsAreKeptPerModel() {
        QTemporaryDir dir;
        Catalog c(dir.filePath("c.sqlite").toStdString());
        fs::create_directories(dir.filePath("A").toStdString());
        fs::create_directories(dir.filePath("B").toStdString());
        const std::string weightsA = dir.filePath("A/model.safetensors").toStdString();
        const std::string weightsB = dir.filePath("B/model.safetensors").toStdString();
        catalogtest::writeText(weightsA, "weights A");
        catalogtest::writeText(weightsB, "weights B");
        const ModelRecord a = c.ensureModel(dir.filePath("A").toStdString(), weightsA, "cfg", 3, 64);
        const ModelRecord b = c.ensureModel(dir.filePath("B").toStdString(), weightsB, "cfg", 2, 64);
        QVERIFY(a.id != b.id);
        QCOMPARE(c.ensureModel(dir.filePath("A").toStdString(), weightsA, "cfg", 3, 64).id, a.id);
        QVERIFY(a.identity.rfind(Sha256::hex("weights A"), 0) == 0);
        // The same weights copied elsewhere are the same model; new weights in place are a new one.
        fs::create_directories(dir.filePath("A2").toStdString());
        fs::copy_file(weightsA, dir.filePath("A2/model.safetensors").toStdString());
        QCOMPARE(c.ensureModel(dir.filePath("A2").toStdString(), dir.filePath("A2/model.safetensors").toStdString(), "cfg", 3, 64).id, a.id);
        catalogtest::writeText(weightsB, "weights B, retrained");
        const ModelRecord b2 = c.ensureModel(dir.filePath("B").toStdString(), weightsB, "cfg", 2, 64);
        QVERIFY(b2.id != b.id);
        QCOMPARE(c.ensureModel(dir.filePath("B").toStdString(), weightsB, "cfg", 2, 64).id, b2.id);

        const int64_t i1 = c.insertImage(sampleImage("/d/1.fits"));
        const int64_t i2 = c.insertImage(sampleImage("/d/2.fits"));
        const float va[] = {1, 0, 0}, vb[] = {0, 1};
        c.putEmbedding(i1, a.id, va, 3);
        c.putEmbedding(i2, a.id, va, 3);
        c.putEmbedding(i1, b.id, vb, 2);
        QVERIFY(c.hasEmbedding(i1, b.id));
        QVERIFY(!c.hasEmbedding(i2, b.id));
        const EmbeddingMatrix ma = c.embeddings(a.id);
        QCOMPARE(ma.imageIds, (std::vector<int64_t>{i1, i2}));
        QCOMPARE(ma.dim, 3);
        QCOMPARE(c.embeddings(b.id).vectors, (std::vector<float>{0, 1}));
        // Replacing keeps one row; removed images leave search.
        const float va2[] = {0, 0, 1};
        c.putEmbedding(i1, a.id, va2, 3);
        QCOMPARE(c.embedding(i1, a.id), (std::vector<float>{0, 0, 1}));
        c.markRemoved(i2);
        QCOMPARE(c.embeddings(a.id).imageIds, (std::vector<int64_t>{i1}));
    }

    void captionsAndLabelsOrderedBySource() {
        QTemporaryDir dir;
        Catalog c(dir.filePath("c.sqlite").toStdString());
        const int64_t id = c.insertImage(sampleImage("/d/m51.fits"));
        c.replaceCaptions(id, "template", {"an astronomical image of M51"});
        c.addCaption(id, "the Whirlpool galaxy", "user");
        c.replaceLabels(id, "zero-shot", std::nullopt, {{"spiral galaxy", 0.7}, {"nebula", 0.2}});
        c.replaceLabels(id, "import", std::nullopt, {{"galaxy", 1.0}});
        QCOMPARE(c.captions(id).front().text, std::string("the Whirlpool galaxy"));
        const auto labels = c.labels(id);
        QCOMPARE(labels.size(), size_t(3));
        QCOMPARE(labels[0].label, std::string("galaxy"));
        QCOMPARE(labels[1].label, std::string("spiral galaxy"));
        c.replaceLabels(id, "zero-shot", std::nullopt, {{"star", 0.9}});
        QCOMPARE(c.labels(id).size(), size_t(2));
        QCOMPARE(c.groundTruthLabels(), (std::vector<std::pair<std::string, int64_t>>{{"galaxy", 1}}));
        refreshTemplateCaption(c, id);
        const auto captions = c.captions(id);
        QCOMPARE(captions.back().source, std::string("template"));
        QVERIFY2(captions.back().text.find("galaxy: M51") != std::string::npos, captions.back().text.c_str());
    }

    void transactionRollsBackOnException() {
        QTemporaryDir dir;
        Catalog c(dir.filePath("c.sqlite").toStdString());
        try {
            SqliteTransaction t(c.database());
            c.insertImage(sampleImage("/d/a.fits"));
            c.insertImage(sampleImage("/d/a.fits"));  // UNIQUE path: throws
            t.commit();
            QFAIL("duplicate path accepted");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("c.sqlite"), e.what());
        }
        QCOMPARE(c.allImages().size(), size_t(0));
    }

    void readersSeeCommittedBatchesWhileAWriterWrites() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("c.sqlite").toStdString();
        Catalog writer(path);
        std::atomic<bool> done{false};
        std::atomic<int> reads{0};
        std::string readerError;
        std::thread reader([&] {
            try {
                Catalog r(path, Catalog::Mode::ReadOnly);
                int64_t last = 0;
                while (!done) {
                    const int64_t n = r.countImages(ImageStatus::Ok);
                    // Batches of 10 commit atomically: a reader never sees half a batch.
                    if (n < last || n % 10 != 0) throw Error("reader saw " + std::to_string(n) + " after " + std::to_string(last));
                    last = n;
                    ++reads;
                }
            } catch (const std::exception& e) {
                readerError = e.what();
            }
        });
        for (int batch = 0; batch < 30; ++batch) {
            // Interleave for real: each batch waits (briefly) for the reader to have read since the last.
            const int seen = reads;
            for (int spin = 0; spin < 100 && reads == seen; ++spin)
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            SqliteTransaction t(writer.database());
            for (int i = 0; i < 10; ++i) writer.insertImage(sampleImage("/d/" + std::to_string(batch * 10 + i) + ".png"));
            t.commit();
        }
        done = true;
        reader.join();
        QVERIFY2(readerError.empty(), readerError.c_str());
        QVERIFY(reads > 0);
        QCOMPARE(writer.countImages(ImageStatus::Ok), int64_t(300));
    }

    void headerKeysAndAngles() {
        QCOMPARE(*parseAngle("13:29:52.7", true), (13 + 29 / 60.0 + 52.7 / 3600.0) * 15);
        QCOMPARE(*parseAngle("-05 23 28", false), -(5 + 23 / 60.0 + 28 / 3600.0));
        QCOMPARE(*parseAngle("202.47", true), 202.47);
        QVERIFY(!parseAngle("north", false));
        ImageRecord r;
        fillHeaderKeys(r, {{"OBJECT", "M51 ", ""}, {"FILTER1", "Ha", ""}, {"EXPOSURE", "30", ""},
                           {"CTYPE1", "RA---TAN", ""}, {"CTYPE2", "DEC--TAN", ""}, {"CRVAL1", "202.5", ""},
                           {"CRVAL2", "47.2", ""}});
        QCOMPARE(*r.object, std::string("M51"));
        QCOMPARE(*r.filter, std::string("Ha"));
        QCOMPARE(*r.exptime, 30.0);
        QCOMPARE(*r.ra, 202.5);
        QCOMPARE(*r.dec, 47.2);
        QVERIFY(!r.telescope);
    }

    void templateCaptions() {
        ImageRecord r = sampleImage("/d/x.fits");
        r.telescope = "KPNO 0.9m";
        r.filter = "R";
        QCOMPARE(templateCaption(r, {"spiral galaxy"}),
                 std::string("a spiral galaxy: M51, observed with KPNO 0.9m through the R filter"));
        ImageRecord bare;
        bare.format = "png";
        QCOMPARE(templateCaption(bare, {}), std::string("an image of the sky"));
        QCOMPARE(templateCaption(bare, {"emission nebula", "open cluster"}), std::string("an emission nebula and open cluster"));
    }

    void scannerFindsImagesRecursively() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        fs::create_directories(root / "a" / "b");
        fs::create_directories(root / ".hidden");
        for (const char* name : {"a/x.FITS", "a/b/y.png", "a/b/z.fits.gz", "a/notes.txt", ".hidden/h.png", "a/.h.png", "top.jpeg"}) {
            catalogtest::writeText((root / name).string(), "x");
        }
        fs::create_directory_symlink(root / "a", root / "a" / "b" / "loop");
        const auto scan = scanImageFiles({root.string(), (root / "a" / "notes.txt").string(), (root / "gone").string()});
        std::vector<std::string> names;
        for (const auto& f : scan.files) names.push_back(fs::relative(f, root).string());
        QCOMPARE(names, (std::vector<std::string>{"a/b/y.png", "a/b/z.fits.gz", "a/notes.txt", "a/x.FITS", "top.jpeg"}));
        QCOMPARE(scan.failures.size(), size_t(1));
        QVERIFY(scan.failures[0].path.find("gone") != std::string::npos);
        QCOMPARE(scan.folders.size(), size_t(1));
    }
};

QTEST_GUILESS_MAIN(TestCatalog)
#include "tst_catalog.moc"
