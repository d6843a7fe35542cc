// The built-in model (models/cosmoclip-default) against its model card: rebuilt demo catalog, test
// split, the same evaluation command as the recipe, numbers within tolerance of eval-test.json.
#include <filesystem>
#include <fstream>

#include <QTemporaryDir>
#include <QTest>

#include "clirunner.h"

using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {
const fs::path kModel = fs::path(COSMOCLIP_SOURCE_DIR) / "models" / "cosmoclip-default";
}

class TestDefaultModel : public QObject {
    Q_OBJECT

private slots:
    void cardNumbersAreReproduced() {
        if (!fs::exists(kModel / "eval-test.json")) QSKIP("no built-in model in this checkout");
        if (!fs::exists("/usr/share/stellarium/nebulae/default/m31.png")) QSKIP("stellarium-data is not installed");
        std::ifstream in(kModel / "eval-test.json");
        const json card = json::parse(in);
        QTemporaryDir dir;
        const QString demo = dir.filePath("demo");
        auto r = runCli({"demo", "build", "--out", demo, "--json"}, 300000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QStringList index = {"index", "--db", demo + "/catalog.sqlite", "--json"};
        const json built = r.json();
        QVERIFY(!built["roots"].empty());
        for (const auto& root : built["roots"]) index << QString::fromStdString(root.get<std::string>());
        r = runCli(index, 600000);  // without --model: the built-in model
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        // The model's own prompt (prompt_templates.txt) is used, as for the card.
        r = runCli({"eval", "--db", demo + "/catalog.sqlite", "--split", "test", "--caption-style", "label-caption", "--json"},
                   600000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const json now = r.json();
        QCOMPARE(now["n"].get<int>(), card["n"].get<int>());
        for (const char* key : {"top1", "top5", "i2t_recall@10", "t2i_recall@10"}) {
            const double a = now[key].get<double>(), b = card[key].get<double>();
            qInfo("%s: card %.4f, now %.4f", key, b, a);
            // Different BLAS builds round differently; a prediction or two may flip.
            QVERIFY2(std::abs(a - b) <= 0.03, key);
        }
        QVERIFY2(now["top1"].get<double>() >= 0.5, "below the issue's goal of 0.5");
    }
};

QTEST_GUILESS_MAIN(TestDefaultModel)
#include "tst_default_model.moc"
