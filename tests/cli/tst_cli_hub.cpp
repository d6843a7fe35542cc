// `cosmoclip model pull|list` and `--model owner/name` against a fake hub on 127.0.0.1 (tests/hub):
// the JSON contract, exit codes, messages, Ctrl-C and resume, and the pulled model used by embed.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

#include "clirunner.h"
#include "fakehub.h"
#include "tinymodel.h"

using nlohmann::json;

namespace {

const QString kRepo = QStringLiteral("tiny/clip-hf");

QStringList pullArgs(const QString& repo) { return {QStringLiteral("model"), QStringLiteral("pull"), repo}; }

}  // namespace

class TestCliHub : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    std::unique_ptr<FakeHub> m_hub;
    std::unique_ptr<QTemporaryDir> m_models;

    QString modelFolder() const { return QDir(m_models->path()).filePath(QStringLiteral("tiny--clip-hf")); }

private slots:
    void initTestCase() {
        const QString tiny = QDir(m_tmp.path()).filePath(QStringLiteral("tiny"));
        const QString error = makeTinyModel(tiny);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_hub = std::make_unique<FakeHub>();
        m_hub->addRepo(kRepo, tiny);
    }

    void init() {
        m_models = std::make_unique<QTemporaryDir>();
        qputenv("COSMOCLIP_MODELS_DIR", m_models->path().toUtf8());
        qputenv("HF_ENDPOINT", m_hub->endpoint().toUtf8());
        qunsetenv("HF_TOKEN");
        qunsetenv("HF_HUB_OFFLINE");
        m_hub->clearFaults();
        m_hub->clearRequests();
    }

    void pullListAndEmbedByName() {
        const CliResult r = runCli(pullArgs(kRepo) << QStringLiteral("--json"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const json out = r.json();
        QCOMPARE(out["repo"], "tiny/clip-hf");
        QCOMPARE(out["revision"], "main");
        QCOMPARE(out["commit"], FakeHub::kCommit);
        QCOMPARE(QString::fromStdString(out["path"]), modelFolder());
        QVERIFY(out["files"].size() >= 5);
        for (const auto& f : out["files"]) {
            const QString path = QDir(modelFolder()).filePath(QString::fromStdString(f["name"]));
            QCOMPARE(QFileInfo(path).size(), f["size"].get<qint64>());
            QCOMPARE(f["sha256"].get<std::string>().size(), size_t(64));
        }

        const CliResult list = runCli({QStringLiteral("model"), QStringLiteral("list"), QStringLiteral("--json")});
        QVERIFY2(list.exitCode == 0, qPrintable(list.err));
        QCOMPARE(QString::fromStdString(list.json()["models_dir"]), m_models->path());
        QCOMPARE(list.json()["models"].size(), size_t(1));
        QCOMPARE(list.json()["models"][0]["repo"], "tiny/clip-hf");
        QCOMPARE(list.json()["models"][0]["commit"], FakeHub::kCommit);
        const CliResult table = runCli({QStringLiteral("model"), QStringLiteral("list")});
        QVERIFY(table.exitCode == 0 && table.out.contains(kRepo) && table.out.contains(modelFolder()));

        const CliResult embed = runCli({QStringLiteral("embed"), QStringLiteral("--model"), kRepo, QStringLiteral("--text"),
                                        QStringLiteral("a spiral galaxy"), QStringLiteral("--json")});
        QVERIFY2(embed.exitCode == 0, qPrintable(embed.err));
        QCOMPARE(QString::fromStdString(embed.json()["model"]["path"]), modelFolder());
        QCOMPARE(embed.json()["texts"][0]["embedding"].size(), size_t(32));

        // Pulling again: up to date, and people get a sentence on stdout.
        const CliResult again = runCli(pullArgs(kRepo));
        QVERIFY2(again.exitCode == 0 && again.out.contains(QLatin1String("up to date")), qPrintable(again.out + again.err));
    }

    void anUnpulledNameSaysHowToPullIt() {
        const CliResult r = runCli({QStringLiteral("embed"), QStringLiteral("--model"), QStringLiteral("tiny/never-pulled"),
                                    QStringLiteral("--text"), QStringLiteral("x")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QLatin1String("cosmoclip model pull tiny/never-pulled")), qPrintable(r.err));
    }

    void failuresExitWithOneAndSayWhy_data() {
        QTest::addColumn<QString>("repo");
        QTest::addColumn<QString>("failPath");
        QTest::addColumn<int>("status");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("404 repository") << QStringLiteral("nobody/missing") << QString() << 0
                                        << QStringList{QStringLiteral("nobody/missing"), QStringLiteral("HTTP 404"), QStringLiteral("not found")};
        QTest::newRow("500") << kRepo << QStringLiteral("/api/models/") << 500
                             << QStringList{QStringLiteral("HTTP 500"), QStringLiteral("/api/models/tiny/clip-hf/revision/main")};
    }
    void failuresExitWithOneAndSayWhy() {
        QFETCH(QString, repo);
        QFETCH(QString, failPath);
        QFETCH(int, status);
        QFETCH(QStringList, expected);
        if (status) m_hub->failWith(failPath, status);
        const CliResult r = runCli(pullArgs(repo));
        QCOMPARE(r.exitCode, 1);
        QVERIFY(!r.crashed);
        for (const QString& e : expected) QVERIFY2(r.err.contains(e), qPrintable(QStringLiteral("'%1' not in: %2").arg(e, r.err)));
        QCOMPARE(r.err.count(QLatin1Char('\n')), 1);  // one line
    }

    void checksumMismatchRegistersNothing() {
        m_hub->advertiseWrongChecksum(QStringLiteral("model.safetensors"));
        const CliResult r = runCli(pullArgs(kRepo));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QLatin1String("checksum mismatch")), qPrintable(r.err));
        QVERIFY(!QFile::exists(QDir(modelFolder()).filePath(QStringLiteral("model.safetensors"))));
        QVERIFY(!QFile::exists(QDir(modelFolder()).filePath(QStringLiteral("cosmoclip-model.json"))));  // not registered
    }

    void offlineFailsFast() {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const QString closed = QStringLiteral("http://127.0.0.1:%1").arg(probe.serverPort());
        probe.close();
        qputenv("HF_ENDPOINT", closed.toUtf8());
        QElapsedTimer clock;
        clock.start();
        const CliResult r = runCli(pullArgs(kRepo));
        QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(closed) && r.err.contains(QLatin1String("cannot reach")), qPrintable(r.err));
    }

    void usageErrorsExitWithTwo() {
        QCOMPARE(runCli({QStringLiteral("model"), QStringLiteral("pull")}).exitCode, 2);
        QCOMPARE(runCli(pullArgs(QStringLiteral("not-a-repo"))).exitCode, 2);
    }

    void ctrlCKeepsThePartialFileAndThePullResumes() {
        m_hub->slowDown(QStringLiteral("model.safetensors"));
        QProcess p;
        p.start(QStringLiteral(COSMOCLIP_CLI), pullArgs(kRepo));
        const QString partial = QDir(modelFolder()).filePath(QStringLiteral("model.safetensors.incomplete"));
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(partial).size() > 0, 15000);
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);  // stopped, not killed by the signal
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(QString::fromUtf8(p.readAllStandardError()).contains(QLatin1String("cancelled")), "no message");
        const qint64 kept = QFileInfo(partial).size();
        QVERIFY(kept > 0);

        m_hub->clearFaults();
        m_hub->clearRequests();
        const CliResult r = runCli(pullArgs(kRepo) << QStringLiteral("--json"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        bool resumed = false;
        for (const auto& request : m_hub->requests())
            if (request.server == QLatin1String("lfs"))
                resumed = request.headers.value("range") == "bytes=" + QByteArray::number(kept) + "-" && request.status == 206;
        QVERIFY(resumed);
    }
};

QTEST_GUILESS_MAIN(TestCliHub)
#include "tst_cli_hub.moc"
