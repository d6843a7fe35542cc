// `cosmoclip index|annotate|classify|search` driven as users and acceptance checks drive them.
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "catalog/catalog.h"
#include "catalog/sqlitedatabase.h"
#include "catalog/sqlitestatement.h"
#include "../core/catalogtestfiles.h"
#include "clirunner.h"

using json = nlohmann::json;
using namespace cosmoclip;
namespace fs = std::filesystem;

namespace {

const QString kReference = QStringLiteral(COSMOCLIP_SHARED_DIR "/clip-reference");
const QString kModel = kReference + "/model-hf";

json reference() {
    std::ifstream in((kReference + "/reference.json").toStdString());
    return json::parse(in);
}

std::vector<double> normalized(const json& v) {
    std::vector<double> out;
    double n = 0;
    for (const auto& x : v) {
        out.push_back(x.get<double>());
        n += out.back() * out.back();
    }
    for (auto& x : out) x /= std::sqrt(n);
    return out;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}

std::string integrity(const std::string& db) {
    Catalog c(db, Catalog::Mode::ReadOnly);
    auto s = c.database().prepare("PRAGMA integrity_check");
    s.step();
    return s.text(0);
}

}  // namespace

class TestCliCatalog : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_images;
    QString m_db;

    QString path(const QString& name) const { return m_dir.filePath(name); }

private slots:
    void initTestCase() {
        m_images = path("images");
        fs::create_directories(m_images.toStdString());
        for (const auto& e : fs::directory_iterator((kReference + "/images").toStdString()))
            fs::copy_file(e.path(), fs::path(m_images.toStdString()) / e.path().filename());
        catalogtest::writeText((m_images + "/corrupt.png").toStdString(), "\x89PNG\r\n\x1a\n not really");
        m_db = path("catalog.sqlite");
    }

    void indexPrintsTheContractKeys() {
        const auto r = runCli({"index", "--db", m_db, "--model", kModel, m_images, "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const json j = r.json();
        QCOMPARE(j["added"].get<int>(), 7);
        QCOMPARE(j["updated"].get<int>(), 0);
        QCOMPARE(j["unchanged"].get<int>(), 0);
        QCOMPARE(j["removed"].get<int>(), 0);
        QCOMPARE(j["total"].get<int>(), 7);
        QCOMPARE(j["failed"].size(), size_t(1));
        QVERIFY(j["failed"][0]["path"].get<std::string>().find("corrupt.png") != std::string::npos);
        QVERIFY(!j["failed"][0]["error"].get<std::string>().empty());
        const auto again = runCli({"index", "--db", m_db, "--model", kModel, m_images, "--json"}).json();
        QCOMPARE(again["unchanged"].get<int>(), 7);
        QCOMPARE(again["added"].get<int>(), 0);
    }

    void indexErrorsAndUsage() {
        auto r = runCli({"index", "--db", m_db, "--model", kModel, path("nowhere")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("nowhere") && r.err.contains("no such"), qPrintable(r.err));
        QCOMPARE(runCli({"index", "--model", kModel, m_images}).exitCode, 2);
        QCOMPARE(runCli({"index", "--db", m_db, "--model", kModel}).exitCode, 2);
        catalogtest::writeText(path("junk.sqlite").toStdString(), std::string(3000, 'j'));
        r = runCli({"index", "--db", path("junk.sqlite"), "--model", kModel, m_images});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("junk.sqlite") && r.err.contains("not"), qPrintable(r.err));
        r = runCli({"index", "--db", path("other.sqlite"), "--model", path("no-model"), m_images});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no-model"), qPrintable(r.err));
    }

    void classifyEqualsHandComputationFromReference() {
        const json ref = reference();
        const std::vector<int> textRows = {0, 3, 6, 15};
        QStringList labels;
        std::vector<std::vector<double>> classes;
        for (int t : textRows) {
            labels << QString::fromStdString(ref["texts"][t]["text"].get<std::string>());
            classes.push_back(normalized(ref["texts"][t]["embedding_hf"]));
        }
        const double scale = std::exp(ref["logit_scale"].get<double>());
        const QStringList files = {m_images + "/spiral_square.png", m_images + "/starfield_wide.png"};
        QStringList args = {"classify", "--model", kModel, "--labels", labels.join(","), "--template", "{}", "--json"};
        args << files;
        const auto r = runCli(args);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const json out = r.json();
        QCOMPARE(out["labels"].size(), size_t(4));
        for (int f = 0; f < 2; ++f) {
            const std::string name = fs::path(files[f].toStdString()).filename().string();
            std::vector<double> image;
            for (const auto& im : ref["images"])
                if (im["path"].get<std::string>() == "images/" + name) image = normalized(im["embedding_hf"]);
            QVERIFY(!image.empty());
            std::vector<double> logits;
            double maxLogit = -1e300, sum = 0;
            for (const auto& c : classes) maxLogit = std::max(maxLogit, (logits.emplace_back(scale * dot(image, c))));
            for (auto& l : logits) sum += (l = std::exp(l - maxLogit));
            const json& scores = out["results"][f]["scores"];
            QCOMPARE(scores.size(), size_t(4));
            double previous = 2;
            for (const auto& s : scores) {
                const int c = static_cast<int>(labels.indexOf(QString::fromStdString(s["label"].get<std::string>())));
                QVERIFY(c >= 0);
                const double expected = logits[c] / sum;
                QVERIFY2(std::abs(s["probability"].get<double>() - expected) < 1e-4,
                         qPrintable(QString("%1: %2 vs %3").arg(labels[c]).arg(s["probability"].get<double>()).arg(expected)));
                QVERIFY(s["probability"].get<double>() <= previous);
                previous = s["probability"].get<double>();
            }
        }
    }

    void classifyCatalogStoresLabels() {
        const auto r = runCli({"classify", "--db", m_db, "--model", kModel, "--preset", "spacenet", "--top", "3", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const json out = r.json();
        QCOMPARE(out["labels"].size(), size_t(8));
        QCOMPARE(out["results"].size(), size_t(7));
        QCOMPARE(out["results"][0]["scores"].size(), size_t(3));
        Catalog c(m_db.toStdString(), Catalog::Mode::ReadOnly);
        const auto image = c.imageByPath(out["results"][0]["path"].get<std::string>());
        QVERIFY(image);
        const auto labels = c.labels(image->id);
        QCOMPARE(labels.size(), size_t(3));
        QCOMPARE(labels[0].source, std::string("zero-shot"));
        QCOMPARE(labels[0].label, out["results"][0]["scores"][0]["label"].get<std::string>());
        QCOMPARE(runCli({"classify", "--model", kModel, "--labels", "a,b"}).exitCode, 2);  // no FILE, no --db
        QCOMPARE(runCli({"classify", "--model", kModel, "--labels", "a,b", "--template", "no placeholder", m_images + "/rgba.png"}).exitCode, 2);
        const auto bad = runCli({"classify", "--model", kModel, "--labels", "a,b", m_images + "/corrupt.png"});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY(bad.err.contains("corrupt.png"));
    }

    void searchRanksByCosineLikeBruteForce() {
        const json ref = reference();
        const std::string query = ref["texts"][0]["text"].get<std::string>();
        const auto r = runCli({"search", "--db", m_db, "--model", kModel, "--text", QString::fromStdString(query), "-k", "7", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const json out = r.json();
        QCOMPARE(out["query"].get<std::string>(), query);
        const auto text = normalized(ref["texts"][0]["embedding_hf"]);
        std::vector<std::pair<double, std::string>> expected;
        for (const auto& im : ref["images"])
            expected.emplace_back(dot(normalized(im["embedding_hf"]), text), fs::path(im["path"].get<std::string>()).filename().string());
        std::sort(expected.rbegin(), expected.rend());
        QCOMPARE(out["results"].size(), expected.size());
        for (size_t i = 0; i < expected.size(); ++i) {
            const auto& hit = out["results"][i];
            QCOMPARE(fs::path(hit["path"].get<std::string>()).filename().string(), expected[i].second);
            QVERIFY(std::abs(hit["score"].get<double>() - expected[i].first) < 1e-4);
        }
    }

    void approximateIndexIsPersistedAndAgreesOnASmallCatalog() {
        const QStringList base = {"search", "--db", m_db, "--model", kModel, "--text", "nebula", "-k", "5", "--json"};
        const auto exact = runCli(base + QStringList{"--index", "exact"}).json();
        const auto approximate = runCli(base + QStringList{"--index", "approximate"});
        if (approximate.exitCode == 1 && approximate.err.contains("not available")) QSKIP("this build has no FAISS");
        QVERIFY2(approximate.exitCode == 0, qPrintable(approximate.err));
        QVERIFY(QFileInfo::exists(m_db + ".model1.ann"));
        // Few vectors make one cell: the approximate scan sees every vector.
        const auto a = approximate.json();
        QCOMPARE(a["results"].size(), exact["results"].size());
        for (size_t i = 0; i < a["results"].size(); ++i)
            QCOMPARE(a["results"][i]["path"].get<std::string>(), exact["results"][i]["path"].get<std::string>());
        QCOMPARE(runCli(base + QStringList{"--index", "fast"}).exitCode, 2);
    }

    void searchByImageLeavesTheQueryOut() {
        const QString query = m_images + "/spiral_square.png";
        const auto out = runCli({"search", "--db", m_db, "--model", kModel, "--image", query, "-k", "3", "--json"}).json();
        QCOMPARE(out["results"].size(), size_t(3));
        for (const auto& hit : out["results"]) QVERIFY(hit["path"].get<std::string>().find("spiral_square") == std::string::npos);
        const auto combined = runCli({"search", "--db", m_db, "--model", kModel, "--text", "2:galaxy + nebula - star", "--json"});
        QVERIFY2(combined.exitCode == 0, qPrintable(combined.err));
        QCOMPARE(combined.json()["results"].size(), size_t(7));
        QCOMPARE(runCli({"search", "--db", m_db, "--model", kModel, "--text", "a + ", "--json"}).exitCode, 2);
        QCOMPARE(runCli({"search", "--db", m_db, "--model", kModel, "--json"}).exitCode, 2);
        const auto filtered = runCli({"search", "--db", m_db, "--model", kModel, "--text", "galaxy", "--where", "format=jpeg", "--json"}).json();
        QCOMPARE(filtered["results"].size(), size_t(1));
        QVERIFY(filtered["results"][0]["path"].get<std::string>().find("spiral_tall.jpg") != std::string::npos);
    }

    void annotateImportsLabelsAndCaptions() {
        const QString csv = m_images + "/labels.csv";
        catalogtest::writeText(csv.toStdString(),
                               "path,label,caption\r\n"
                               "spiral_square.png,spiral galaxy,\"A face-on spiral, with \"\"arms\"\"\"\r\n"
                               "spiral_square.png,galaxy,\r\n" +
                                   (m_images + "/tiny_gray.png").toStdString() + ",star,\r\n"
                                   "missing.png,comet,\r\n");
        const auto r = runCli({"annotate", "--db", m_db, "--csv", csv, "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const json j = r.json();
        QCOMPARE(j["rows"].get<int>(), 4);
        QCOMPARE(j["images"].get<int>(), 2);
        QCOMPARE(j["labels"].get<int>(), 3);
        QCOMPARE(j["captions"].get<int>(), 1);
        QCOMPARE(j["failed"].size(), size_t(1));
        QCOMPARE(j["failed"][0]["line"].get<int>(), 5);
        Catalog c(m_db.toStdString(), Catalog::Mode::ReadOnly);
        const auto image = c.imageByPath((m_images + "/spiral_square.png").toStdString());
        QCOMPARE(c.captions(image->id).at(0).text, std::string("A face-on spiral, with \"arms\""));
        const auto byLabel = runCli({"search", "--db", m_db, "--model", kModel, "--text", "x", "--label", "star", "--json"}).json();
        QCOMPARE(byLabel["results"].size(), size_t(1));
        const auto captions = runCli({"search", "--db", m_db, "--model", kModel, "--image", m_images + "/spiral_square.png", "--captions", "-k", "2", "--json"}).json();
        QCOMPARE(captions["results"].size(), size_t(2));
        QVERIFY(captions["results"][0].contains("caption"));

        // A malformed CSV changes nothing and names the line.
        catalogtest::writeText(csv.toStdString(), "path,label\nrgba.png,nebula\n\"unterminated,star\n");
        const auto bad = runCli({"annotate", "--db", m_db, "--csv", csv, "--json"});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("labels.csv:3"), qPrintable(bad.err));
        QVERIFY(c.labels(c.imageByPath((m_images + "/rgba.png").toStdString())->id).empty() ||
                c.labels(c.imageByPath((m_images + "/rgba.png").toStdString())->id)[0].source != "import");
        catalogtest::writeText(csv.toStdString(), "file,label\nrgba.png,nebula\n");
        QCOMPARE(runCli({"annotate", "--db", m_db, "--csv", csv}).exitCode, 1);
    }

    void killDuringIndexingLosesAtMostOneBatch() {
        QTemporaryDir dir;
        const fs::path folder = dir.filePath("many").toStdString();
        fs::create_directories(folder);
        const int count = 160;
        for (int i = 0; i < count; ++i) catalogtest::writeTestPng((folder / ("k" + std::to_string(i) + ".png")).string(), 1000 + i, 96, 96);
        const std::string db = dir.filePath("kill.sqlite").toStdString();
        int64_t committedBefore = 0;
        for (int attempt = 0; attempt < 3; ++attempt) {
            QProcess p;
            p.start(QStringLiteral(COSMOCLIP_CLI), {"index", "--db", QString::fromStdString(db), "--model", kModel,
                                                    "--batch", "4", "--threads", "1", QString::fromStdString(folder.string())});
            QVERIFY(p.waitForStarted());
            // Wait until this run has committed something beyond the last, then kill it mid-flight.
            int64_t seen = committedBefore;
            for (int spin = 0; spin < 600 && seen <= committedBefore + 4 * attempt && p.state() == QProcess::Running; ++spin) {
                QTest::qWait(10);
                if (fs::exists(db)) {
                    try {
                        seen = Catalog(db, Catalog::Mode::ReadOnly).countImages(ImageStatus::Ok);
                    } catch (const std::exception&) {
                        // schema not created yet
                    }
                }
            }
            ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
            p.waitForFinished();
            QCOMPARE(integrity(db), std::string("ok"));
            Catalog c(db, Catalog::Mode::ReadOnly);
            const int64_t now = c.countImages(ImageStatus::Ok);
            QVERIFY(now >= committedBefore);
            // Every committed image has its embedding: no half-written batch.
            QCOMPARE(static_cast<int64_t>(c.embeddings(c.models().at(0).id).imageIds.size()), now);
            committedBefore = now;
        }
        QVERIFY2(committedBefore < count, "the runs finished before they could be killed: make the folder larger");
        const auto r = runCli({"index", "--db", QString::fromStdString(db), "--model", kModel,
                               QString::fromStdString(folder.string()), "--json"}, 120000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const json j = r.json();
        QCOMPARE(j["added"].get<int64_t>(), count - committedBefore);
        QCOMPARE(j["unchanged"].get<int64_t>(), committedBefore);
        QCOMPARE(j["total"].get<int>(), count);
        QCOMPARE(integrity(db), std::string("ok"));
    }
};

QTEST_GUILESS_MAIN(TestCliCatalog)
#include "tst_cli_catalog.moc"
