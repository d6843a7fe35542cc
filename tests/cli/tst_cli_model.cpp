// The model commands of the CLI contract: tokenize, embed, model init, bench — checked against
// shared/clip-reference (made with OpenAI's own code) for all three checkpoint layouts.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

#include "clirunner.h"

using nlohmann::json;

namespace {

double cosine(const json& a, const json& b) {
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        const double x = a[i], y = b[i];
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    return ab / std::sqrt(aa * bb);
}

QString refDir() { return QStringLiteral(COSMOCLIP_SHARED_DIR "/clip-reference"); }

}  // namespace

class TestCliModel : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    json m_ref;

private slots:
    void initTestCase() {
        std::ifstream in((refDir() + QStringLiteral("/reference.json")).toStdString());
        if (!in) QSKIP("shared/clip-reference is not beside the checkout");
        m_ref = json::parse(in);
    }

    void tokenizeGivesOpenAiIds() {
        QStringList args{QStringLiteral("tokenize"), QStringLiteral("--tokenizer"), refDir(), QStringLiteral("--json")};
        for (const auto& t : m_ref["texts"]) args << QString::fromStdString(t["text"].get<std::string>());
        const CliResult r = runCli(args);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const json out = r.json();
        QCOMPARE(out.size(), m_ref["texts"].size());
        for (size_t i = 0; i < out.size(); ++i) QCOMPARE(out[i]["ids"], m_ref["texts"][i]["context_ids"]);
    }

    void embedMatchesTheReference_data() {
        QTest::addColumn<QStringList>("modelArgs");
        QTest::addColumn<QString>("key");
        QTest::newRow("hugging face") << QStringList{QStringLiteral("--model"), refDir() + QStringLiteral("/model-hf")}
                                      << QStringLiteral("embedding_hf");
        QTest::newRow("open_clip f16") << QStringList{QStringLiteral("--model"), refDir() + QStringLiteral("/model-openclip")}
                                       << QStringLiteral("embedding_openclip");
        QTest::newRow("openai .pt") << QStringList{QStringLiteral("--model"), refDir() + QStringLiteral("/model-openai.pt"),
                                                   QStringLiteral("--tokenizer"), refDir()}
                                    << QStringLiteral("embedding");
    }
    void embedMatchesTheReference() {
        QFETCH(QStringList, modelArgs);
        QFETCH(QString, key);
        QStringList args = QStringList{QStringLiteral("embed"), QStringLiteral("--json")} + modelArgs;
        for (const auto& im : m_ref["images"])
            args << QStringLiteral("--image") << refDir() + QLatin1Char('/') + QString::fromStdString(im["path"]);
        for (const auto& t : m_ref["texts"]) args << QStringLiteral("--text") << QString::fromStdString(t["text"]);
        const CliResult r = runCli(args, 120000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const json out = r.json();
        QCOMPARE(int(out["model"]["embed_dim"]), 64);
        QCOMPARE(int(out["model"]["image_size"]), 64);
        const std::string k = key.toStdString();
        // From image files the whole pipeline (decode, Pillow-exact resize) is in the loop: >= 0.999.
        for (size_t i = 0; i < out["images"].size(); ++i) {
            const double c = cosine(out["images"][i]["embedding"], m_ref["images"][i][k]);
            QVERIFY2(c >= 0.999, qPrintable(QStringLiteral("%1: %2").arg(QString::fromStdString(out["images"][i]["path"])).arg(c)));
        }
        for (size_t i = 0; i < out["texts"].size(); ++i) {
            QCOMPARE(out["texts"][i]["tokens"], m_ref["texts"][i]["context_ids"]);
            const double c = cosine(out["texts"][i]["embedding"], m_ref["texts"][i][k]);
            QVERIFY2(c >= 0.99999, qPrintable(QStringLiteral("text %1: %2").arg(i).arg(c)));
        }
        double norm = 0;
        for (const auto& v : out["texts"][0]["embedding"]) norm += double(v) * double(v);
        QVERIFY(std::fabs(norm - 1.0) < 1e-4);  // L2-normalised unless --raw
    }

    // --precision bf16: bfloat16 matrix products, embeddings within cosine 0.99 of the reference.
    void embedInBfloat16StaysCloseToTheReference() {
        QStringList args = {QStringLiteral("embed"), QStringLiteral("--json"), QStringLiteral("--precision"),
                            QStringLiteral("bf16"), QStringLiteral("--model"), refDir() + QStringLiteral("/model-hf")};
        for (const auto& t : m_ref["texts"]) args << QStringLiteral("--text") << QString::fromStdString(t["text"]);
        const CliResult r = runCli(args, 120000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const json out = r.json();
        for (size_t i = 0; i < out["texts"].size(); ++i) {
            const double c = cosine(out["texts"][i]["embedding"], m_ref["texts"][i]["embedding_hf"]);
            QVERIFY2(c >= 0.99, qPrintable(QStringLiteral("text %1: %2").arg(i).arg(c)));
        }
        const CliResult bad = runCli({QStringLiteral("embed"), QStringLiteral("--precision"), QStringLiteral("int3"),
                                      QStringLiteral("--text"), QStringLiteral("x")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.err.contains(QStringLiteral("--precision")));
    }

    void modelInitWritesALoadableModel() {
        const QString out = m_dir.filePath(QStringLiteral("tiny"));
        const CliResult init = runCli({QStringLiteral("model"), QStringLiteral("init"), QStringLiteral("--config"),
                                       refDir() + QStringLiteral("/model-hf/config.json"), QStringLiteral("--tokenizer"),
                                       refDir(), QStringLiteral("--out"), out, QStringLiteral("--seed"), QStringLiteral("3")});
        QVERIFY2(init.exitCode == 0, qPrintable(init.err));
        for (const char* f : {"config.json", "model.safetensors", "preprocessor_config.json", "vocab.json", "merges.txt"})
            QVERIFY2(QFile::exists(out + QLatin1Char('/') + QLatin1String(f)), f);
        const CliResult embed = runCli({QStringLiteral("embed"), QStringLiteral("--model"), out, QStringLiteral("--text"),
                                        QStringLiteral("a ring nebula"), QStringLiteral("--json")});
        QVERIFY2(embed.exitCode == 0, qPrintable(embed.err));
        QCOMPARE(embed.json()["texts"][0]["embedding"].size(), size_t(64));
        // The same seed gives the same weights.
        const QString again = m_dir.filePath(QStringLiteral("tiny2"));
        runCli({QStringLiteral("model"), QStringLiteral("init"), QStringLiteral("--config"),
                refDir() + QStringLiteral("/model-hf/config.json"), QStringLiteral("--tokenizer"), refDir(),
                QStringLiteral("--out"), again, QStringLiteral("--seed"), QStringLiteral("3")});
        QFile a(out + QStringLiteral("/model.safetensors")), b(again + QStringLiteral("/model.safetensors"));
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        QVERIFY(a.readAll() == b.readAll());
    }

    void benchReportsThroughput() {
        const CliResult r = runCli({QStringLiteral("bench"), QStringLiteral("embed"), QStringLiteral("--arch"),
                                    QStringLiteral("tiny"), QStringLiteral("--batch"), QStringLiteral("4"),
                                    QStringLiteral("--seconds"), QStringLiteral("1"), QStringLiteral("--threads"),
                                    QStringLiteral("1"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const json out = r.json();
        for (const char* key : {"arch", "batch", "threads", "images_per_second", "gflops_per_second", "precision",
                                "matmul_reference", "fraction_of_matmul_rate"})
            QVERIFY2(out.contains(key), key);
        QVERIFY(double(out["images_per_second"]) > 0);
        QVERIFY(double(out["matmul_reference"]["gflops_per_second"]) > 0);
        QCOMPARE(out["precision"].get<std::string>(), std::string("fp32"));
        const CliResult text = runCli({QStringLiteral("bench"), QStringLiteral("text"), QStringLiteral("--arch"),
                                       QStringLiteral("tiny"), QStringLiteral("--seconds"), QStringLiteral("1"),
                                       QStringLiteral("--json")});
        QVERIFY2(text.exitCode == 0, qPrintable(text.err));
        QVERIFY(double(text.json()["texts_per_second"]) > 0);
    }

    void badModelInputsExitOneNamingTheProblem() {
        // An OpenAI .pt carries no tokenizer; alone in a folder, --tokenizer is required.
        const QString lonePt = m_dir.filePath(QStringLiteral("ViT-tiny.pt"));
        QVERIFY(QFile::copy(refDir() + QStringLiteral("/model-openai.pt"), lonePt));
        const CliResult pt = runCli({QStringLiteral("embed"), QStringLiteral("--model"), lonePt,
                                     QStringLiteral("--text"), QStringLiteral("x"), QStringLiteral("--json")});
        QCOMPARE(pt.exitCode, 1);
        QVERIFY2(pt.err.contains(QStringLiteral("tokenizer")), qPrintable(pt.err));
        // A folder whose weights are garbage.
        const QString broken = m_dir.filePath(QStringLiteral("broken"));
        QDir().mkpath(broken);
        QFile::copy(refDir() + QStringLiteral("/model-hf/config.json"), broken + QStringLiteral("/config.json"));
        QFile junk(broken + QStringLiteral("/model.safetensors"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("\xff\xff\xff\xff\xff\xff\xff\x7f{}");
        junk.close();
        const CliResult r = runCli({QStringLiteral("embed"), QStringLiteral("--model"), broken, QStringLiteral("--text"),
                                    QStringLiteral("x"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(!r.crashed);
        QVERIFY2(r.err.contains(QStringLiteral("model.safetensors")), qPrintable(r.err));
        // Usage mistakes.
        QCOMPARE(runCli({QStringLiteral("model"), QStringLiteral("init"), QStringLiteral("--out"), broken}).exitCode, 2);
        QCOMPARE(runCli({QStringLiteral("embed"), QStringLiteral("--model"), broken}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliModel)
#include "tst_cli_model.moc"
