// `cosmoclip demo build` as the README's main job runs it: a subset built, then indexed by the roots it prints.
#include <filesystem>

#include <QTemporaryDir>
#include <QTest>

#include "catalog/catalog.h"
#include "clirunner.h"

using json = nlohmann::json;
using namespace cosmoclip;
namespace fs = std::filesystem;

namespace {

const QString kModel = QStringLiteral(COSMOCLIP_SHARED_DIR "/clip-reference/model-hf");

bool haveStellarium() { return fs::is_regular_file("/usr/share/stellarium/nebulae/default/catalog.dat"); }

}  // namespace

class TestCliDemo : public QObject {
    Q_OBJECT

private slots:
    void buildPrintsTheContractKeysAndIsIdempotent() {
        if (!haveStellarium()) QSKIP("stellarium-data is not installed");
        QTemporaryDir dir;
        const QString out = dir.filePath("demo");
        const auto r = runCli({"demo", "build", "--out", out, "--limit", "24", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const json j = r.json();
        QVERIFY2(j.is_object(), qPrintable(r.out));
        QCOMPARE(QString::fromStdString(j["catalog"].get<std::string>()), out + "/catalog.sqlite");
        QCOMPARE(j["images"].get<int>(), 24);
        int total = 0;
        for (const auto& [label, n] : j["classes"].items()) total += n.get<int>();
        QCOMPARE(total, 24);
        QVERIFY(j["classes"].contains("spiral galaxy"));
        QCOMPARE(j["added"].get<int>(), 24);
        QVERIFY(j["roots"].is_array() && !j["roots"].empty());
        QVERIFY(fs::is_regular_file((out + "/catalog.sqlite").toStdString()));

        const auto again = runCli({"demo", "build", "--out", out, "--limit", "24", "--json"});
        QVERIFY2(again.exitCode == 0, qPrintable(again.err));
        QCOMPARE(again.json()["added"].get<int>(), 0);
        QCOMPARE(again.json()["unchanged"].get<int>(), 24);
        QCOMPARE(again.json()["rendered"].get<int>(), 0);

        // The roots it prints are what `index` embeds: every demo image, labels and credits kept.
        if (!fs::is_regular_file((kModel + "/model.safetensors").toStdString())) QSKIP("no reference model to index with");
        QStringList index = {"index", "--db", out + "/catalog.sqlite", "--model", kModel, "--json"};
        for (const auto& root : j["roots"]) index << QString::fromStdString(root.get<std::string>());
        const auto indexed = runCli(index, 300000);
        QVERIFY2(indexed.exitCode == 0, qPrintable(indexed.err));
        QCOMPARE(indexed.json()["failed"].size(), size_t{0});
        Catalog catalog((out + "/catalog.sqlite").toStdString(), Catalog::Mode::ReadOnly);
        QCOMPARE(catalog.countImages(ImageStatus::Ok), int64_t{24});
        QCOMPARE(catalog.allImages().size(), size_t{24});
        for (const auto& image : catalog.allImages()) {
            QVERIFY(image.credit && !image.credit->empty());
            QCOMPARE(catalog.labels(image.id).size(), size_t{1});
        }
    }

    void missingStellariumSaysWhichPackage() {
        QTemporaryDir dir;
        const auto r = runCli({"demo", "build", "--out", dir.filePath("demo"), "--stellarium", dir.filePath("none"), "--json"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("stellarium-data"), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void usageErrors() {
        // Each run loads LibTorch (about 2 s here): two cases stand for the parser's usage errors.
        QCOMPARE(runCli({"demo", "make", "--out", "x"}).exitCode, 2);
        const auto r = runCli({"demo", "build", "--limit", "0"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("usage: cosmoclip demo build"));
    }
};

QTEST_GUILESS_MAIN(TestCliDemo)
#include "tst_cli_demo.moc"
