// `cosmoclip finetune` as separate processes on loopback Gloo: --nproc 2 trains as one process and
// prints the same report once; the torchrun environment (RANK, WORLD_SIZE, ...) without --nproc
// does the same, rank 1 printing nothing; a killed worker ends the job at once with a message
// naming it and a restart with --resume completes the run; a stopped (hanging) worker is named
// within --dist-timeout.
#include <ATen/ATen.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "catalog/catalog.h"
#include "model/safetensorsfile.h"
#include "training/distributedlauncher.h"
#include "../core/catalogtestfiles.h"
#include "clirunner.h"

#include <QFileInfo>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

using json = nlohmann::json;
using namespace cosmoclip;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {
const QString kReferenceModel = QStringLiteral(COSMOCLIP_SHARED_DIR "/clip-reference/model-hf");
constexpr double kTolerance = 2e-5;  // as tests/core/tst_distributed.cpp

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

double maxDifference(const std::string& a, const std::string& b) {
    const SafetensorsFile fa = SafetensorsFile::open(a);
    const SafetensorsFile fb = SafetensorsFile::open(b);
    if (fa.names() != fb.names()) return std::numeric_limits<double>::infinity();
    double worst = 0;
    for (const auto& name : fa.names())
        worst = std::max(worst, (fa.tensor(name, at::kFloat) - fb.tensor(name, at::kFloat)).abs().max().item<double>());
    return worst;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// The pid of the child of `parent` whose environment has RANK=`rank`, or -1.
pid_t workerPid(qint64 parent, int rank) {
    for (const auto& entry : fs::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        const std::string stat = readFile(entry.path().string() + "/stat");
        const size_t close = stat.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream fields(stat.substr(close + 2));
        std::string state;
        long long ppid = 0;
        fields >> state >> ppid;
        if (ppid != parent) continue;
        const std::string environ = readFile(entry.path().string() + "/environ");
        if (environ.find(std::string("\0RANK=", 6) + std::to_string(rank) + '\0') != std::string::npos ||
            environ.rfind("RANK=" + std::to_string(rank) + '\0', 0) == 0)
            return static_cast<pid_t>(std::stol(name));
    }
    return -1;
}

bool waitFor(const std::function<bool()>& condition, double seconds) {
    const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
    while (Clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return condition();
}
}  // namespace

class TestCliDistributed : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;
    QString m_model;

    QStringList finetune(const QString& out, int epochs) const {
        return {"finetune", "--db", m_db, "--base", m_model, "--out", out, "--epochs", QString::number(epochs),
                "--batch-size", "8", "--lr", "1e-3", "--seed", "1", "--json"};
    }

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

    void nprocTrainsAsOneProcessAndReportsOnce() {
        const auto single = runCli(finetune(m_dir.filePath("single"), 2) << "--threads" << "1", 300000);
        QVERIFY2(single.exitCode == 0, qPrintable(single.err));
        const auto dist = runCli(finetune(m_dir.filePath("nproc"), 2) << "--nproc" << "2" << "--threads" << "2", 300000);
        QVERIFY2(dist.exitCode == 0, qPrintable(dist.err));
        QVERIFY2(dist.err.contains("starting 2 workers"), qPrintable(dist.err));
        // One report, shaped as the single-process one.
        QCOMPARE(dist.out.trimmed().count('\n'), 0);
        const json a = single.json(), b = dist.json();
        QVERIFY(b.is_object());
        for (const auto& item : a.items()) QVERIFY2(b.contains(item.key()), item.key().c_str());
        QCOMPARE(b.size(), a.size());
        QVERIFY(b["steps"] == a["steps"]);
        QCOMPARE(b["history"].size(), a["history"].size());
        QVERIFY(std::abs(b["history"][1]["train_loss"].get<double>() - a["history"][1]["train_loss"].get<double>()) < 1e-5);
        const double d = maxDifference(m_dir.filePath("single/last/model.safetensors").toStdString(),
                                       m_dir.filePath("nproc/last/model.safetensors").toStdString());
        qInfo("--nproc 2 vs one process: largest parameter difference %.3g (tolerance %.0e)", d, kTolerance);
        QVERIFY(d <= kTolerance);
        // Only rank 0 recorded the run.
        Catalog c(m_db.toStdString(), Catalog::Mode::ReadOnly);
        QCOMPARE(c.runs().size(), size_t(2));
        for (const auto& run : c.runs()) QCOMPARE(run.status, std::string("finished"));
    }

    void torchrunEnvironmentWithoutNproc() {
        const QString out = m_dir.filePath("torchrun");
        QProcess ranks[2];
        const int port = DistributedLauncher::freeLoopbackPort();
        for (int r = 0; r < 2; ++r) {
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert("RANK", QString::number(r));
            env.insert("WORLD_SIZE", "2");
            env.insert("LOCAL_RANK", QString::number(r));
            env.insert("MASTER_ADDR", "127.0.0.1");
            env.insert("MASTER_PORT", QString::number(port));
            ranks[r].setProcessEnvironment(env);
            ranks[r].start(QStringLiteral(COSMOCLIP_CLI), finetune(out, 2) << "--threads" << "1");
        }
        for (auto& p : ranks) QVERIFY(p.waitForFinished(300000));
        const QString err0 = QString::fromUtf8(ranks[0].readAllStandardError());
        QVERIFY2(ranks[0].exitCode() == 0, qPrintable(err0));
        QVERIFY2(ranks[1].exitCode() == 0, qPrintable(QString::fromUtf8(ranks[1].readAllStandardError())));
        QVERIFY(json::parse(ranks[0].readAllStandardOutput().toStdString()).contains("history"));
        QVERIFY(ranks[1].readAllStandardOutput().isEmpty());  // other ranks print nothing on stdout
        const double d = maxDifference(m_dir.filePath("single/last/model.safetensors").toStdString(),
                                       (out + "/last/model.safetensors").toStdString());
        qInfo("2 torchrun-style ranks vs one process: largest parameter difference %.3g", d);
        QVERIFY(d <= kTolerance);

        // --nproc under such a launch is a usage error.
        QProcess both;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const auto& [k, v] : {std::pair{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "127.0.0.1"}, {"MASTER_PORT", "1"}})
            env.insert(k, v);
        both.setProcessEnvironment(env);
        both.start(QStringLiteral(COSMOCLIP_CLI), finetune(out, 1) << "--nproc" << "2");
        QVERIFY(both.waitForFinished(60000));
        QCOMPARE(both.exitCode(), 2);
    }

    void killedWorkerStopsTheJobAndResumeCompletes() {
        const QString out = m_dir.filePath("killed");
        const QStringList args = finetune(out, 20) << "--nproc" << "2" << "--threads" << "2" << "--dist-timeout" << "10";
        QProcess job;
        job.start(QStringLiteral(COSMOCLIP_CLI), args);
        QVERIFY(job.waitForStarted());
        // Kill rank 1 after the first epoch's checkpoint.
        QVERIFY(waitFor([&] { return fs::exists((out + "/last/trainer_state.json").toStdString()); }, 240));
        const pid_t rank1 = workerPid(job.processId(), 1);
        QVERIFY(rank1 > 0);
        QCOMPARE(::kill(rank1, SIGKILL), 0);
        const auto killed = Clock::now();
        QVERIFY(job.waitForFinished(30000));
        const double seconds = std::chrono::duration<double>(Clock::now() - killed).count();
        const QString err = QString::fromUtf8(job.readAllStandardError());
        qInfo("job ended %.1f s after rank 1 was killed: %s", seconds, qPrintable(err.trimmed().split('\n').last()));
        QCOMPARE(job.exitCode(), 1);
        QVERIFY2(err.contains("rank 1 was killed by signal 9"), qPrintable(err));
        QVERIFY2(err.contains("resume with --resume"), qPrintable(err));
        QVERIFY(seconds < 10);
        QVERIFY(workerPid(job.processId(), 0) < 0);  // no worker left behind

        const auto resumed = runCli(QStringList(args) << "--resume", 600000);
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        QVERIFY2(resumed.err.contains("resuming from"), qPrintable(resumed.err));
        const json j = resumed.json();
        QCOMPARE(j["epochs"].get<int>(), 20);
        QCOMPARE(j["history"].size(), size_t(20));
    }

    void stoppedWorkerIsNamedWithinTheTimeout() {
        const QString out = m_dir.filePath("stopped");
        QProcess job;
        job.start(QStringLiteral(COSMOCLIP_CLI), finetune(out, 20) << "--nproc" << "2" << "--threads" << "2"
                                                                     << "--dist-timeout" << "4");
        QVERIFY(job.waitForStarted());
        QVERIFY(waitFor([&] { return fs::exists((out + "/last/trainer_state.json").toStdString()); }, 240));
        const pid_t rank1 = workerPid(job.processId(), 1);
        QVERIFY(rank1 > 0);
        QCOMPARE(::kill(rank1, SIGSTOP), 0);
        const auto stopped = Clock::now();
        QVERIFY(job.waitForFinished(60000));
        const double seconds = std::chrono::duration<double>(Clock::now() - stopped).count();
        const QString err = QString::fromUtf8(job.readAllStandardError());
        qInfo("job ended %.1f s after rank 1 was stopped: %s", seconds, qPrintable(err.trimmed().split('\n').last()));
        QCOMPARE(job.exitCode(), 1);
        QVERIFY2(err.contains("rank 1 did not answer within 4 s: stopping; resume with --resume"), qPrintable(err));
        QVERIFY(seconds < 4 + 8);
        QVERIFY(waitFor([&] { return ::kill(rank1, 0) != 0; }, 10));  // the stopped worker was ended too
    }
};

QTEST_GUILESS_MAIN(TestCliDistributed)
#include "tst_cli_distributed.moc"
