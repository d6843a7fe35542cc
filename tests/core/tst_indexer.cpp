#include <atomic>
#include <cmath>
#include <filesystem>

#include <QTemporaryDir>
#include <QTest>

#include "catalog/catalog.h"
#include "catalog/indexer.h"
#include "catalog/sqlitedatabase.h"
#include "catalog/sqlitestatement.h"
#include "common/error.h"
#include "image/clipinput.h"
#include "model/clipencoder.h"
#include "catalogtestfiles.h"

using namespace cosmoclip;
namespace fs = std::filesystem;

namespace {

const std::string kModelHf = std::string(COSMOCLIP_SHARED_DIR) + "/clip-reference/model-hf";
const std::string kModelOpenClip = std::string(COSMOCLIP_SHARED_DIR) + "/clip-reference/model-openclip";

std::string integrity(Catalog& catalog) {
    auto s = catalog.database().prepare("PRAGMA integrity_check");
    s.step();
    return s.text(0);
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        ab += double(a[i]) * b[i];
        aa += double(a[i]) * a[i];
        bb += double(b[i]) * b[i];
    }
    return ab / std::sqrt(aa * bb);
}

}  // namespace

class TestIndexer : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path m_images;
    std::unique_ptr<ClipEncoder> m_encoder;

    std::string dbPath() const { return (fs::path(m_dir.path().toStdString()) / "catalog.sqlite").string(); }

    IndexReport index(Catalog& c, const std::vector<std::string>& roots, IndexOptions options = {}) {
        const ModelRecord model = Indexer::registerModel(c, kModelHf, *m_encoder);
        return Indexer(c, *m_encoder, model, options).run(roots);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_images = fs::path(m_dir.path().toStdString()) / "sky";
        fs::create_directories(m_images / "night2");
        for (int i = 0; i < 5; ++i) catalogtest::writeTestPng((m_images / ("p" + std::to_string(i) + ".png")).string(), i);
        catalogtest::writeTestFits((m_images / "night2" / "m51.fits").string(), "M51");
        catalogtest::writeText((m_images / "night2" / "broken.fits").string(), "SIMPLE  =                    T  this is not FITS");
        m_encoder = std::make_unique<ClipEncoder>(kModelHf, ClipEncoderOptions{1, 4, false, true});
    }

    void firstRunAddsEverythingAndRecordsFailures() {
        Catalog c(dbPath());
        std::vector<IndexProgress> progress;
        const ModelRecord model = Indexer::registerModel(c, kModelHf, *m_encoder);
        IndexOptions options;
        options.batchSize = 3;
        const IndexReport r = Indexer(c, *m_encoder, model, options).run({m_images.string()}, [&](const IndexProgress& p) {
            progress.push_back(p);
        });
        QCOMPARE(r.added, size_t(6));
        QCOMPARE(r.failed.size(), size_t(1));
        QVERIFY(r.failed[0].path.find("broken.fits") != std::string::npos);
        QVERIFY2(r.failed[0].error.find("broken.fits") != std::string::npos, r.failed[0].error.c_str());
        QCOMPARE(r.total, size_t(6));
        QCOMPARE(progress.size(), size_t(7));
        QCOMPARE(progress.back().done, size_t(7));
        QCOMPARE(progress.back().total, size_t(7));

        const auto m51 = c.imageByPath((m_images / "night2" / "m51.fits").string());
        QVERIFY(m51);
        QCOMPARE(*m51->object, std::string("M51"));
        QCOMPARE(*m51->telescope, std::string("KPNO 0.9m"));
        QCOMPARE(m51->format, std::string("fits"));
        QCOMPARE(m51->width, 16);
        QVERIFY(std::abs(*m51->ra - 202.4696) < 1e-3);
        QCOMPARE(c.captions(m51->id).at(0).source, std::string("template"));
        QVERIFY(c.captions(m51->id).at(0).text.find("M51") != std::string::npos);

        // Stored vectors are the model's normalised embeddings of the same preprocessed input.
        const auto path = (m_images / "p3.png").string();
        const auto input = clipInputFromFile(path, m_encoder->preprocess().toPreprocessConfig());
        const auto expected = m_encoder->encodeImages(input.data(), 1);
        const auto stored = c.embedding(c.imageByPath(path)->id, model.id);
        QVERIFY(cosine(stored, expected) > 0.99999);
        double norm = 0;
        for (float v : stored) norm += double(v) * v;
        QVERIFY(std::abs(norm - 1.0) < 1e-5);
        QCOMPARE(integrity(c), std::string("ok"));
    }

    void secondRunSkipsUnchangedFiles() {
        Catalog c(dbPath());
        const IndexReport r = index(c, {m_images.string()});
        QCOMPARE(r.added, size_t(0));
        QCOMPARE(r.updated, size_t(0));
        QCOMPARE(r.unchanged, size_t(5 + 1));
        QCOMPARE(r.failed.size(), size_t(1));  // the broken file is reported again, not re-read
    }

    void changedMovedAndRemovedFiles() {
        Catalog c(dbPath());
        const auto moved = (m_images / "p1.png").string();
        const auto movedTo = (m_images / "night2" / "renamed.png").string();
        const int64_t movedId = c.imageByPath(moved)->id;
        c.addCaption(movedId, "a caption the user wrote", "user");
        fs::rename(moved, movedTo);
        fs::remove(m_images / "p2.png");
        catalogtest::writeTestPng((m_images / "p0.png").string(), 100, 48, 48);  // new content
        const IndexReport r = index(c, {m_images.string()});
        QCOMPARE(r.added, size_t(0));
        QCOMPARE(r.updated, size_t(2));   // p0 changed, p1 moved
        QCOMPARE(r.removed, size_t(1));   // p2
        QCOMPARE(r.total, size_t(5));
        const auto record = c.imageByPath(movedTo);
        QVERIFY(record);
        QCOMPARE(record->id, movedId);
        QCOMPARE(c.captions(movedId).at(0).text, std::string("a caption the user wrote"));
        QCOMPARE(c.imageByPath((m_images / "p2.png").string())->status, ImageStatus::Removed);
        QCOMPARE(c.imageByPath((m_images / "p0.png").string())->width, 48);
        // The removed file comes back under a new name: it is recognised by content.
        catalogtest::writeTestPng((m_images / "back.png").string(), 2);
        const IndexReport again = index(c, {m_images.string()});
        QCOMPARE(again.added, size_t(0));
        QCOMPARE(again.updated, size_t(1));
        QCOMPARE(c.imageByPath((m_images / "back.png").string())->status, ImageStatus::Ok);
    }

    void anotherModelEmbedsAgainWithoutMixing() {
        Catalog c(dbPath());
        ClipEncoder other(kModelOpenClip, ClipEncoderOptions{1, 4, false, true});
        const ModelRecord model = Indexer::registerModel(c, kModelOpenClip, other);
        QCOMPARE(c.models().size(), size_t(2));
        const IndexReport r = Indexer(c, other, model, {}).run({m_images.string()});
        QCOMPARE(r.updated, size_t(6));
        QCOMPARE(c.embeddings(model.id).imageIds.size(), size_t(6));
        QCOMPARE(c.embeddings(c.models().front().id).imageIds.size(), size_t(6));
    }

    void cancelKeepsCommittedBatchesAndResumes() {
        QTemporaryDir dir;
        const fs::path folder = dir.path().toStdString();
        for (int i = 0; i < 12; ++i) catalogtest::writeTestPng((folder / ("c" + std::to_string(i) + ".png")).string(), 50 + i);
        const std::string db = (folder / "cancel.sqlite").string();
        std::atomic<bool> cancel{false};
        {
            Catalog c(db);
            const ModelRecord model = Indexer::registerModel(c, kModelHf, *m_encoder);
            IndexOptions options;
            options.batchSize = 4;
            const IndexReport r = Indexer(c, *m_encoder, model, options).run({folder.string()}, [&](const IndexProgress& p) {
                if (p.done == 4) cancel = true;
            }, &cancel);
            QVERIFY(r.cancelled);
            QCOMPARE(r.added, size_t(4));
            QCOMPARE(r.removed, size_t(0));
            QCOMPARE(c.countImages(ImageStatus::Ok), int64_t(4));
            QCOMPARE(integrity(c), std::string("ok"));
        }
        Catalog c(db);
        const IndexReport r = index(c, {folder.string()});
        QCOMPARE(r.added, size_t(8));
        QCOMPARE(r.unchanged, size_t(4));
        QCOMPARE(r.total, size_t(12));
    }

    void importedImagesCountAsAddedWhenFirstRead() {
        QTemporaryDir dir;
        const fs::path file = fs::path(dir.path().toStdString()) / "imported.png";
        catalogtest::writeTestPng(file.string(), 777);
        Catalog c((fs::path(dir.path().toStdString()) / "c.sqlite").string());
        ImageRecord pending;
        pending.path = file.string();
        pending.status = ImageStatus::Pending;
        const int64_t id = c.insertImage(pending);
        const IndexReport r = index(c, {file.string()});
        QCOMPARE(r.added, size_t(1));
        QCOMPARE(r.updated, size_t(0));
        QCOMPARE(c.imageById(id)->status, ImageStatus::Ok);
    }

    void missingRootIsReportedAndCatalogUntouched() {
        Catalog c(dbPath());
        const auto before = c.countImages(ImageStatus::Ok);
        const IndexReport r = index(c, {(m_images / "nothing-here").string()});
        QCOMPARE(r.failed.size(), size_t(1));
        QVERIFY(r.failed[0].error.find("no such") != std::string::npos);
        QCOMPARE(c.countImages(ImageStatus::Ok), before);
    }
};

QTEST_GUILESS_MAIN(TestIndexer)
#include "tst_indexer.moc"
