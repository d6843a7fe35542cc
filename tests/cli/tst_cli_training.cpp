// `cosmoclip finetune|eval|model blend` on a tiny model and a generated, labelled catalog.
#include <filesystem>

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include "catalog/catalog.h"
#include "../core/catalogtestfiles.h"
#include "clirunner.h"

using json = nlohmann::json;
using namespace cosmoclip;
namespace fs = std::filesystem;

namespace {
const QString kReferenceModel = QStringLiteral(COSMOCLIP_SHARED_DIR "/clip-reference/model-hf");

/// A disc of one colour on black: three classes the model can tell apart.
void writeShape(const std::string& path, int cls, int seed) {
    Raster8 r;
    r.width = r.height = 48;
    r.channels = 3;
    r.color = ColorSource::Rgb;
    r.pixels.assign(48 * 48 * 3, 0);
    const int cx = 16 + seed % 16, cy = 16 + (seed * 7) % 16;
    for (int y = 0; y < 48; ++y)
        for (int x = 0; x < 48; ++x)
            if ((x - cx) * (x - cx) + (y - cy) * (y - cy) < 100) r.pixels[(y * 48 + x) * 3 + cls] = 255;
    writePng(path, r);
}
}  // namespace

class TestCliTraining : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;
    QString m_model;

private slots:
    void initTestCase() {
        m_db = m_dir.filePath("shapes.sqlite");
        m_model = m_dir.filePath("tiny");
        const auto init = runCli({"model", "init", "--config", "tiny", "--tokenizer", kReferenceModel, "--out", m_model, "--seed", "3"});
        QVERIFY2(init.exitCode == 0, qPrintable(init.err));
        const fs::path images = m_dir.filePath("shapes").toStdString();
        fs::create_directories(images);
        std::string csv = "path,label,caption\n";
        const char* names[3] = {"red disc", "green disc", "blue disc"};
        for (int i = 0; i < 30; ++i) {
            const std::string file = "s" + std::to_string(i) + ".png";
            writeShape((images / file).string(), i % 3, i);
            csv += file + "," + names[i % 3] + ",\n";
        }
        catalogtest::writeText((images / "labels.csv").string(), csv);
        auto r = runCli({"index", "--db", m_db, "--model", m_model, QString::fromStdString(images.string()), "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runCli({"annotate", "--db", m_db, "--csv", QString::fromStdString((images / "labels.csv").string()), "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }

    void finetunePrintsTheContractAndRecordsTheRun() {
        const QString out = m_dir.filePath("run1");
        const auto r = runCli({"finetune", "--db", m_db, "--base", m_model, "--out", out, "--epochs", "2", "--batch-size", "8",
                               "--lr", "1e-3", "--seed", "1", "--threads", "1", "--json"}, 300000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const json j = r.json();
        QCOMPARE(j["epochs"].get<int>(), 2);
        QVERIFY(j["steps"].get<int>() > 0);
        QCOMPARE(j["history"].size(), size_t(2));
        for (const char* key : {"epoch", "train_loss", "val_loss", "top1"}) QVERIFY2(j["history"][0].contains(key), key);
        QVERIFY(j["best"].contains("top1"));
        const QString best = QString::fromStdString(j["out"].get<std::string>());
        QVERIFY(QFileInfo::exists(best + "/config.json"));
        QVERIFY(QFileInfo::exists(best + "/model.safetensors"));
        Catalog c(m_db.toStdString(), Catalog::Mode::ReadOnly);
        const auto runs = c.runs();
        QCOMPARE(runs.size(), size_t(1));
        QCOMPARE(runs[0].status, std::string("finished"));
        QVERIFY(!c.runMetrics(runs[0].id).empty());

        // The result is a model every command takes.
        const auto e = runCli({"eval", "--db", m_db, "--model", best, "--split", "all", "--json"}, 120000);
        QVERIFY2(e.exitCode == 0, qPrintable(e.err));
        const json m = e.json();
        for (const char* key : {"n", "top1", "top5", "per_class", "i2t_recall@1", "i2t_recall@5", "i2t_recall@10",
                                "t2i_recall@1", "t2i_recall@5", "t2i_recall@10"})
            QVERIFY2(m.contains(key), key);
        QCOMPARE(m["n"].get<int>(), 30);
        QCOMPARE(m["per_class"].size(), size_t(3));
    }

    void evalComparesModelsSideBySide() {
        const auto r = runCli({"eval", "--db", m_db, "--model", m_model, "--model", m_dir.filePath("run1/best"), "--split", "all", "--json"}, 120000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const json j = r.json();
        QCOMPARE(j["models"].size(), size_t(2));
        QVERIFY(j["models"][1]["model"].get<std::string>().find("run1") != std::string::npos);
        const auto table = runCli({"eval", "--db", m_db, "--model", m_model, "--model", m_dir.filePath("run1/best"), "--split", "all"}, 120000);
        QVERIFY(table.out.contains("zero-shot top-1"));
        QVERIFY(table.out.contains("text->image R@10"));
    }

    void wiseFtBlendIsAModel() {
        const QString out = m_dir.filePath("blend");
        const auto r = runCli({"model", "blend", "--base", m_model, "--finetuned", m_dir.filePath("run1/best"), "--alpha", "0.5", "--out", out, "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto e = runCli({"embed", "--model", out, "--text", "red disc", "--json"});
        QVERIFY2(e.exitCode == 0, qPrintable(e.err));
        QCOMPARE(runCli({"model", "blend", "--base", m_model, "--finetuned", kReferenceModel, "--alpha", "0.5", "--out", m_dir.filePath("bad")}).exitCode, 1);
    }

    void badInputAndUsage() {
        QCOMPARE(runCli({"finetune", "--db", m_db, "--base", m_model}).exitCode, 2);
        QCOMPARE(runCli({"finetune", "--db", m_db, "--base", m_model, "--out", m_dir.filePath("x"), "--split", "0.5,0.5"}).exitCode, 2);
        QCOMPARE(runCli({"finetune", "--db", m_db, "--base", m_model, "--out", m_dir.filePath("x"), "--freeze", "some"}).exitCode, 2);
        QCOMPARE(runCli({"eval", "--db", m_db, "--model", m_model, "--split", "holdout"}).exitCode, 2);
        const auto missing = runCli({"finetune", "--db", m_db, "--base", m_dir.filePath("nope"), "--out", m_dir.filePath("x")});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains("nope"), qPrintable(missing.err));
        const auto empty = runCli({"finetune", "--db", m_dir.filePath("empty.sqlite"), "--base", m_model, "--out", m_dir.filePath("x")});
        QCOMPARE(empty.exitCode, 1);
        QVERIFY2(empty.err.contains("no indexed images"), qPrintable(empty.err));
    }
};

QTEST_GUILESS_MAIN(TestCliTraining)
#include "tst_cli_training.moc"
