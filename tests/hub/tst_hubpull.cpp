// cosmoclip_hub against a fake hub on 127.0.0.1: full pull, resume, checksum and HTTP errors,
// offline, the token's origin rule, pickle conversion, cancel, file choice and the registry.
#include <ATen/ATen.h>

#include "common/error.h"
#include "common/sha256.h"
#include "model/clipmodelloader.h"
#include "model/safetensorsfile.h"
#include "model/safetensorswriter.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>

#include "fakehub.h"
#include "hub/hubcancelled.h"
#include "hub/hubconfig.h"
#include "hub/hubfileplan.h"
#include "hub/hubmodelinfo.h"
#include "hub/hubmodelpuller.h"
#include "hub/hubrepoid.h"
#include "hub/modelregistry.h"
#include "pythontorch.h"
#include "tinymodel.h"

using cosmoclip::HubFilePlan;
using cosmoclip::HubModelPuller;

namespace {

const QString kRepo = QStringLiteral("tiny/clip-hf");

// A hub listing with these file names (sizes and checksums do not matter to the plan).
cosmoclip::HubModelInfo listing(const QStringList& names) {
    cosmoclip::HubModelInfo info;
    info.repo = QStringLiteral("some/repo");
    info.revision = QStringLiteral("main");
    info.commit = QString(40, QLatin1Char('a'));
    for (const QString& n : names) info.files.push_back({n, 10, QString(40, QLatin1Char('b')), {}});
    return info;
}

qint64 fileSize(const QString& path) { return QFileInfo(path).size(); }

}  // namespace

class TestHubPull : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_tiny;
    std::unique_ptr<FakeHub> m_hub;
    std::unique_ptr<QTemporaryDir> m_models;
    std::atomic<bool> m_cancel{false};

    HubModelPuller::Result pull(const QString& repo, const QString& revision = {},
                                const HubModelPuller::Progress& progress = {}) {
        HubModelPuller puller(cosmoclip::HubConfig::fromEnvironment(), cosmoclip::ModelRegistry(), &m_cancel);
        return puller.pull(repo, revision, progress);
    }
    // The message of a failed pull ("" when it succeeded).
    QString pullError(const QString& repo, const QString& revision = {}) {
        try {
            pull(repo, revision);
        } catch (const std::exception& e) {
            return QString::fromUtf8(e.what());
        }
        return {};
    }
    QString folder(const QString& name = QStringLiteral("tiny--clip-hf")) const { return QDir(m_models->path()).filePath(name); }
    QList<FakeHub::Request> requestsTo(const QString& server, const QString& pathPart) const {
        QList<FakeHub::Request> out;
        for (const auto& r : m_hub->requests())
            if (r.server == server && QString::fromUtf8(r.path).contains(pathPart)) out << r;
        return out;
    }

private slots:
    void initTestCase() {
        m_tiny = QDir(m_tmp.path()).filePath(QStringLiteral("tiny"));
        const QString error = makeTinyModel(m_tiny);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_hub = std::make_unique<FakeHub>();
        m_hub->addRepo(kRepo, m_tiny);
    }

    void init() {
        m_models = std::make_unique<QTemporaryDir>();
        qputenv("COSMOCLIP_MODELS_DIR", m_models->path().toUtf8());
        qputenv("HF_ENDPOINT", m_hub->endpoint().toUtf8());
        qunsetenv("HF_TOKEN");
        qunsetenv("HUGGING_FACE_HUB_TOKEN");
        qunsetenv("HF_HUB_OFFLINE");
        m_hub->clearFaults();
        m_hub->clearRequests();
        m_cancel = false;
    }

    void fullPullRegistersALoadableModel() {
        qint64 lastDone = -1, lastTotal = -1;
        const auto result = pull(kRepo, {}, [&](qint64 done, qint64 total, const QString&) {
            QVERIFY(done >= lastDone || done == 0);
            lastDone = done;
            lastTotal = total;
        });
        QCOMPARE(result.path, folder());
        QVERIFY(!result.upToDate);
        QCOMPARE(lastDone, lastTotal);
        QCOMPARE(result.manifest.commit, QLatin1String(FakeHub::kCommit));
        QCOMPARE(result.manifest.layout, QStringLiteral("Hugging Face"));
        QStringList names;
        for (const auto& f : result.manifest.files) {
            names << f.name;
            const QString path = QDir(folder()).filePath(f.name);
            QCOMPARE(fileSize(path), f.size);
            QCOMPARE(f.sha256.toStdString(), cosmoclip::Sha256::fileHex(path.toStdString()));
        }
        for (const char* n : {"config.json", "preprocessor_config.json", "vocab.json", "merges.txt", "model.safetensors"})
            QVERIFY2(names.contains(QLatin1String(n)), n);
        QCOMPARE(names.last(), QStringLiteral("model.safetensors"));  // the weights last
        QVERIFY(QFile::exists(QDir(folder()).filePath(QStringLiteral("cosmoclip-model.json"))));
        QVERIFY(QDir(folder()).entryList({QStringLiteral("*.incomplete")}, QDir::Files).isEmpty());
        cosmoclip::ClipModelLoader::load(folder().toStdString());
        // Registered: found by name, listed.
        const auto entry = cosmoclip::ModelRegistry().find(kRepo);
        QVERIFY(entry);
        QCOMPARE(entry->path, folder());
        QCOMPARE(cosmoclip::ModelRegistry().list().size(), size_t(1));
        // The LFS file came from the storage host after a redirect; the git files from the hub.
        const auto viaHub = requestsTo(QStringLiteral("hub"), QStringLiteral("/resolve/") + QLatin1String(FakeHub::kCommit) + QStringLiteral("/model.safetensors"));
        QCOMPARE(viaHub.size(), 1);
        QCOMPARE(viaHub[0].status, 302);
        QCOMPARE(requestsTo(QStringLiteral("lfs"), QStringLiteral("model.safetensors")).size(), 1);
        QCOMPARE(requestsTo(QStringLiteral("hub"), QStringLiteral("config.json")).value(0).status, 200);
        QCOMPARE(requestsTo(QStringLiteral("hub"), QStringLiteral("/api/models/tiny/clip-hf/revision/main")).size(), 1);
    }

    void pullingAgainFetchesNothing() {
        pull(kRepo);
        m_hub->clearRequests();
        const auto again = pull(kRepo);
        QVERIFY(again.upToDate);
        QCOMPARE(again.transferred, qint64(0));
        QCOMPARE(m_hub->requests().size(), 1);  // the metadata only
    }

    void interruptedDownloadResumes() {
        const qint64 size = fileSize(QDir(m_tiny).filePath(QStringLiteral("model.safetensors")));
        const qint64 cut = size / 3;
        m_hub->dropAfter(QStringLiteral("model.safetensors"), cut);
        const QString error = pullError(kRepo);
        QVERIFY2(error.contains(QLatin1String("model.safetensors")) && error.contains(QLatin1String("resume")), qPrintable(error));
        const QString partial = QDir(folder()).filePath(QStringLiteral("model.safetensors.incomplete"));
        QCOMPARE(fileSize(partial), cut);
        QVERIFY(!cosmoclip::ModelRegistry().find(kRepo));
        QVERIFY(!QFile::exists(QDir(folder()).filePath(QStringLiteral("cosmoclip-model.json"))));

        m_hub->clearRequests();
        const auto result = pull(kRepo);
        // Qt may resend the dropped request on its own after the failure was reported (its reply is
        // gone by then): only requests with a Range header belong to the resumed pull.
        QList<FakeHub::Request> resumed;
        for (const auto& r : requestsTo(QStringLiteral("lfs"), QStringLiteral("model.safetensors")))
            if (r.headers.contains("range")) resumed << r;
        QCOMPARE(resumed.size(), 1);
        QCOMPARE(resumed[0].headers.value("range"), "bytes=" + QByteArray::number(cut) + "-");
        QCOMPARE(resumed[0].status, 206);
        QCOMPARE(resumed[0].bodyBytes, size - cut);  // only the rest travelled
        QCOMPARE(result.transferred, size - cut);     // and only the rest reached the file
        // The redirect kept the Range header; the small files were not fetched again.
        QCOMPARE(requestsTo(QStringLiteral("hub"), QStringLiteral("config.json")).size(), 0);
        QVERIFY(!QFile::exists(partial));
        QCOMPARE(cosmoclip::Sha256::fileHex(QDir(folder()).filePath(QStringLiteral("model.safetensors")).toStdString()),
                 cosmoclip::Sha256::fileHex(QDir(m_tiny).filePath(QStringLiteral("model.safetensors")).toStdString()));
        QVERIFY(cosmoclip::ModelRegistry().find(kRepo));
    }

    void aServerWithoutRangesRestartsFromZero() {
        m_hub->dropAfter(QStringLiteral("model.safetensors"), 5000);
        QVERIFY(!pullError(kRepo).isEmpty());
        m_hub->ignoreRanges(true);
        m_hub->clearRequests();
        const auto result = pull(kRepo);
        QList<FakeHub::Request> again;  // see interruptedDownloadResumes for the filter
        for (const auto& r : requestsTo(QStringLiteral("lfs"), QStringLiteral("model.safetensors")))
            if (r.headers.contains("range")) again << r;
        QCOMPARE(again.size(), 1);
        QCOMPARE(again[0].headers.value("range"), QByteArray("bytes=5000-"));
        QCOMPARE(again[0].status, 200);
        const qint64 size = fileSize(QDir(m_tiny).filePath(QStringLiteral("model.safetensors")));
        QCOMPARE(result.transferred, size);  // started over, nothing appended twice
        QCOMPARE(fileSize(QDir(folder()).filePath(QStringLiteral("model.safetensors"))), size);
        cosmoclip::ClipModelLoader::load(folder().toStdString());
    }

    void checksumMismatchRegistersNothing_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("kind");
        QTest::newRow("LFS SHA-256") << QStringLiteral("model.safetensors") << QStringLiteral("SHA-256");
        QTest::newRow("git blob SHA-1") << QStringLiteral("config.json") << QStringLiteral("git blob SHA-1");
    }
    void checksumMismatchRegistersNothing() {
        QFETCH(QString, file);
        QFETCH(QString, kind);
        m_hub->advertiseWrongChecksum(file);
        const QString error = pullError(kRepo);
        QVERIFY2(error.contains(QLatin1String("checksum mismatch")) && error.contains(kind) && error.contains(file), qPrintable(error));
        QVERIFY(!QFile::exists(QDir(folder()).filePath(file)));
        QVERIFY(!QFile::exists(QDir(folder()).filePath(file + QStringLiteral(".incomplete"))));
        QVERIFY(!QFile::exists(QDir(folder()).filePath(QStringLiteral("cosmoclip-model.json"))));
        QVERIFY(!cosmoclip::ModelRegistry().find(kRepo));
        QVERIFY(cosmoclip::ModelRegistry().list().empty());
    }

    void httpErrorsAreNamed_data() {
        QTest::addColumn<QString>("repo");
        QTest::addColumn<QString>("revision");
        QTest::addColumn<QString>("failPath");
        QTest::addColumn<int>("status");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("unknown repository") << QStringLiteral("nobody/missing") << QString() << QString() << 0
                                            << QStringList{QStringLiteral("nobody/missing"), QStringLiteral("not found"), QStringLiteral("HTTP 404")};
        QTest::newRow("unknown revision") << kRepo << QStringLiteral("v9") << QString() << 0
                                          << QStringList{QStringLiteral("'v9' not found"), QStringLiteral("HTTP 404")};
        QTest::newRow("file gone") << kRepo << QString() << QStringLiteral("/merges.txt") << 404
                                   << QStringList{QStringLiteral("merges.txt"), QStringLiteral("not found"), QStringLiteral("HTTP 404"),
                                                  QLatin1String(FakeHub::kCommit)};
        QTest::newRow("metadata 500") << kRepo << QString() << QStringLiteral("/api/models/") << 500
                                      << QStringList{QStringLiteral("HTTP 500"), QStringLiteral("/api/models/tiny/clip-hf/revision/main"),
                                                     QStringLiteral("tiny/clip-hf")};
        QTest::newRow("storage 503") << kRepo << QString() << QStringLiteral("/lfs/") << 503
                                     << QStringList{QStringLiteral("HTTP 503"), QStringLiteral("model.safetensors"), QStringLiteral("localhost")};
        QTest::newRow("private") << kRepo << QString() << QStringLiteral("/api/models/") << 401
                                 << QStringList{QStringLiteral("HTTP 401"), QStringLiteral("HF_TOKEN")};
    }
    void httpErrorsAreNamed() {
        QFETCH(QString, repo);
        QFETCH(QString, revision);
        QFETCH(QString, failPath);
        QFETCH(int, status);
        QFETCH(QStringList, expected);
        if (status) m_hub->failWith(failPath, status);
        const QString error = pullError(repo, revision);
        for (const QString& e : expected) QVERIFY2(error.contains(e), qPrintable(QStringLiteral("'%1' not in: %2").arg(e, error)));
        QVERIFY(cosmoclip::ModelRegistry().list().empty());
    }

    void gatedRepositoryAsksForAToken() {
        m_hub->failWith(QStringLiteral("/api/models/"), 403, "GatedRepo");
        const QString error = pullError(kRepo);
        QVERIFY2(error.contains(QLatin1String("gated")) && error.contains(QLatin1String("HF_TOKEN")), qPrintable(error));
    }

    void offlineFailsAtOnce() {
        QTcpServer probe;  // a port nobody listens on
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const QString closed = QStringLiteral("http://127.0.0.1:%1").arg(probe.serverPort());
        probe.close();
        qputenv("HF_ENDPOINT", closed.toUtf8());
        QElapsedTimer clock;
        clock.start();
        const QString error = pullError(kRepo);
        QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
        QVERIFY2(error.contains(QLatin1String("cannot reach the hub")) && error.contains(closed), qPrintable(error));

        qputenv("HF_ENDPOINT", m_hub->endpoint().toUtf8());
        qputenv("HF_HUB_OFFLINE", "1");
        const QString offline = pullError(kRepo);
        QVERIFY2(offline.contains(QLatin1String("HF_HUB_OFFLINE")), qPrintable(offline));
        QVERIFY(m_hub->requests().isEmpty());
    }

    void tokenGoesToTheHubOnly_data() {
        QTest::addColumn<QByteArray>("variable");
        QTest::newRow("HF_TOKEN") << QByteArray("HF_TOKEN");
        QTest::newRow("HUGGING_FACE_HUB_TOKEN") << QByteArray("HUGGING_FACE_HUB_TOKEN");
    }
    void tokenGoesToTheHubOnly() {
        QFETCH(QByteArray, variable);
        qputenv(variable.constData(), "hf_secret");
        pull(kRepo);
        int hub = 0, lfs = 0;
        for (const auto& r : m_hub->requests()) {
            if (r.server == QLatin1String("hub")) {
                ++hub;
                QCOMPARE(r.headers.value("authorization"), QByteArray("Bearer hf_secret"));
            } else {
                ++lfs;
                QVERIFY2(!r.headers.contains("authorization"), r.path.constData());
            }
        }
        QVERIFY(hub >= 5);
        QCOMPARE(lfs, 1);
    }

    void cancelKeepsThePartialFile() {
        const QString error = [&] {
            try {
                pull(kRepo, {}, [&](qint64, qint64, const QString& file) {
                    if (file == QLatin1String("model.safetensors")) m_cancel = true;
                });
            } catch (const cosmoclip::HubCancelled& e) {
                return QString::fromUtf8(e.what());
            }
            return QString();
        }();
        QVERIFY2(error.contains(QLatin1String("cancelled")), qPrintable(error));
        QVERIFY(QFile::exists(QDir(folder()).filePath(QStringLiteral("model.safetensors.incomplete"))));
        QVERIFY(!cosmoclip::ModelRegistry().find(kRepo));
    }

    void anUnusableModelIsNotRegistered() {
        const QString repo = QStringLiteral("tiny/clip-broken");
        m_hub->addRepo(repo, m_tiny);
        QFile f(QDir(m_tiny).filePath(QStringLiteral("config.json")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QJsonObject config = QJsonDocument::fromJson(f.readAll()).object();
        config.insert(QStringLiteral("projection_dim"), 48);  // weights are for 32
        m_hub->addFile(repo, QStringLiteral("config.json"), QJsonDocument(config).toJson());
        const QString error = pullError(repo);
        QVERIFY2(error.contains(QLatin1String("cannot use this model")) && error.contains(QLatin1String("not registered")), qPrintable(error));
        QVERIFY(QFile::exists(QDir(folder(QStringLiteral("tiny--clip-broken"))).filePath(QStringLiteral("model.safetensors"))));
        QVERIFY(!cosmoclip::ModelRegistry().find(repo));
    }

    void revisionFolderAndLookup() {
        const auto result = pull(kRepo, QLatin1String(FakeHub::kCommit));
        QCOMPARE(QFileInfo(result.path).fileName(), QStringLiteral("tiny--clip-hf@") + QLatin1String(FakeHub::kCommit));
        QVERIFY(cosmoclip::ModelRegistry().find(kRepo + QLatin1Char('@') + QLatin1String(FakeHub::kCommit)));
        QVERIFY(!cosmoclip::ModelRegistry().find(kRepo));  // main was not pulled
        QVERIFY(cosmoclip::ModelRegistry().find(QStringLiteral("Tiny/CLIP-hf@") + QLatin1String(FakeHub::kCommit)));
    }

    void pickleOnlyRepositoryIsConverted() {
        if (!havePythonTorch()) QSKIP("needs /usr/bin/python3 with python3-torch to write pytorch_model.bin");
        const QString bin = QDir(m_tmp.path()).filePath(QStringLiteral("pytorch_model.bin"));
        const QString original = QDir(m_tiny).filePath(QStringLiteral("model.safetensors"));
        const QString error = runMakeTorchBin({QStringLiteral("from-safetensors"), original, bin});
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString repo = QStringLiteral("tiny/clip-bin");
        m_hub->addRepo(repo, m_tiny);
        m_hub->removeFile(repo, QStringLiteral("model.safetensors"));
        QFile b(bin);
        QVERIFY(b.open(QIODevice::ReadOnly));
        m_hub->addFile(repo, QStringLiteral("pytorch_model.bin"), b.readAll());

        const auto result = pull(repo);
        const QString converted = QDir(result.path).filePath(QStringLiteral("model.safetensors"));
        QVERIFY(QFile::exists(converted));
        QVERIFY(!QFile::exists(QDir(result.path).filePath(QStringLiteral("pytorch_model.bin"))));  // no pickle kept
        const auto& entry = result.manifest.files.back();
        QCOMPARE(entry.name, QStringLiteral("model.safetensors"));
        QCOMPARE(entry.convertedFrom, QStringLiteral("pytorch_model.bin"));
        QCOMPARE(entry.sha256.toStdString(), cosmoclip::Sha256::fileHex(converted.toStdString()));
        const auto a = cosmoclip::SafetensorsFile::open(original.toStdString());
        const auto c = cosmoclip::SafetensorsFile::open(converted.toStdString());
        // Every tensor of the original, plus the two position_ids buffers transformers keeps in .bin files.
        QCOMPARE(c.names().size(), a.names().size() + 2);
        QCOMPARE(c.info("text_model.embeddings.position_ids").shape, (std::vector<int64_t>{1, 16}));
        for (const auto& name : a.names()) {
            QCOMPARE(c.info(name).dtype, a.info(name).dtype);
            QVERIFY2(at::equal(c.tensor(name), a.tensor(name)), name.c_str());
        }
        cosmoclip::ClipModelLoader::load(result.path.toStdString());
    }

    void openClipRepositoryIsPulled() {
        const QString source = QStringLiteral(COSMOCLIP_SHARED_DIR "/clip-reference/model-openclip");
        if (!QFile::exists(source)) QSKIP("shared/clip-reference is not beside the checkout");
        const QString repo = QStringLiteral("tiny/clip-openclip");
        m_hub->addRepo(repo, source);
        m_hub->addFile(repo, QStringLiteral("config.json"), R"({"architecture": "vit_tiny", "num_classes": 0})");  // timm's
        const auto result = pull(repo);
        QCOMPARE(result.manifest.layout, QStringLiteral("open_clip"));
        QVERIFY(!QFile::exists(QDir(result.path).filePath(QStringLiteral("config.json"))));
        const auto loaded = cosmoclip::ClipModelLoader::load(result.path.toStdString());
        QCOMPARE(loaded.layout, cosmoclip::ClipCheckpointLayout::OpenClip);
    }

    void shardedCheckpointIsPulled() {
        // The tiny model's tensors split over two shards with an index, as transformers writes them.
        const QString dir = QDir(m_tmp.path()).filePath(QStringLiteral("sharded"));
        QVERIFY(QDir().mkpath(dir));
        const auto file = cosmoclip::SafetensorsFile::open(QDir(m_tiny).filePath(QStringLiteral("model.safetensors")).toStdString());
        std::vector<std::pair<std::string, at::Tensor>> parts[2];
        QJsonObject map;
        int i = 0;
        for (const auto& name : file.names()) {
            const int shard = i++ % 2;
            parts[shard].emplace_back(name, file.tensor(name));
            map.insert(QString::fromStdString(name), QStringLiteral("model-0000%1-of-00002.safetensors").arg(shard + 1));
        }
        for (int s = 0; s < 2; ++s)
            cosmoclip::writeSafetensors(QDir(dir).filePath(QStringLiteral("model-0000%1-of-00002.safetensors").arg(s + 1)).toStdString(), parts[s]);
        const QString repo = QStringLiteral("tiny/clip-sharded");
        m_hub->addRepo(repo, m_tiny);
        m_hub->removeFile(repo, QStringLiteral("model.safetensors"));
        m_hub->addRepo(repo, dir);
        m_hub->addFile(repo, QStringLiteral("model.safetensors.index.json"),
                       QJsonDocument(QJsonObject{{QStringLiteral("metadata"), QJsonObject{}}, {QStringLiteral("weight_map"), map}}).toJson());
        qint64 lastDone = 0, lastTotal = 0;
        const auto result = pull(repo, {}, [&](qint64 done, qint64 total, const QString&) { lastDone = done, lastTotal = total; });
        QStringList names;
        for (const auto& f : result.manifest.files) names << f.name;
        QVERIFY2(names.contains(QStringLiteral("model-00001-of-00002.safetensors")) &&
                     names.contains(QStringLiteral("model-00002-of-00002.safetensors")),
                 qPrintable(names.join(QLatin1Char(' '))));
        QCOMPARE(lastDone, lastTotal);
        QCOMPARE(lastTotal, result.manifest.totalSize());  // the shards counted once the index named them
        cosmoclip::ClipModelLoader::load(result.path.toStdString());
    }

    // The layouts of the three repositories named in the issue, as the hub lists them.
    void planChoosesTheCheckpoint_data() {
        QTest::addColumn<QStringList>("files");
        QTest::addColumn<QString>("layout");
        QTest::addColumn<QString>("weights");
        QTest::addColumn<QString>("converted");
        const QStringList tokenizer{QStringLiteral("vocab.json"), QStringLiteral("merges.txt"), QStringLiteral("tokenizer.json")};
        QTest::newRow("openai/clip-vit-base-patch32 main")
            << QStringList{QStringLiteral("config.json"), QStringLiteral("pytorch_model.bin"), QStringLiteral("tf_model.h5"),
                           QStringLiteral("flax_model.msgpack"), QStringLiteral("preprocessor_config.json"),
                           QStringLiteral("special_tokens_map.json"), QStringLiteral("tokenizer_config.json"), QStringLiteral("README.md")} + tokenizer
            << QStringLiteral("Hugging Face") << QStringLiteral("pytorch_model.bin") << QStringLiteral("model.safetensors");
        QTest::newRow("openai with safetensors")
            << QStringList{QStringLiteral("config.json"), QStringLiteral("pytorch_model.bin"), QStringLiteral("model.safetensors")} + tokenizer
            << QStringLiteral("Hugging Face") << QStringLiteral("model.safetensors") << QString();
        QTest::newRow("timm/vit_base_patch32_clip_224.openai")
            << QStringList{QStringLiteral("config.json"), QStringLiteral("pytorch_model.bin"), QStringLiteral("model.safetensors"),
                           QStringLiteral("open_clip_config.json"), QStringLiteral("open_clip_model.safetensors"),
                           QStringLiteral("open_clip_pytorch_model.bin")} + tokenizer
            << QStringLiteral("open_clip") << QStringLiteral("open_clip_model.safetensors") << QString();
        QTest::newRow("laion/CLIP-ViT-B-32-laion2B-s34B-b79K (pickles)")
            << QStringList{QStringLiteral("config.json"), QStringLiteral("pytorch_model.bin"), QStringLiteral("open_clip_config.json"),
                           QStringLiteral("open_clip_pytorch_model.bin")} + tokenizer
            << QStringLiteral("open_clip") << QStringLiteral("open_clip_pytorch_model.bin") << QStringLiteral("open_clip_model.safetensors");
        QTest::newRow("laion with converted safetensors")
            << QStringList{QStringLiteral("open_clip_config.json"), QStringLiteral("open_clip_pytorch_model.bin"),
                           QStringLiteral("open_clip_pytorch_model.safetensors")} + tokenizer
            << QStringLiteral("open_clip") << QStringLiteral("open_clip_pytorch_model.safetensors") << QString();
        QTest::newRow("sharded")
            << QStringList{QStringLiteral("config.json"), QStringLiteral("model.safetensors.index.json"),
                           QStringLiteral("model-00001-of-00002.safetensors")} + tokenizer
            << QStringLiteral("Hugging Face") << QStringLiteral("model.safetensors.index.json") << QString();
    }
    void planChoosesTheCheckpoint() {
        QFETCH(QStringList, files);
        QFETCH(QString, layout);
        QFETCH(QString, weights);
        QFETCH(QString, converted);
        const HubFilePlan plan = HubFilePlan::choose(listing(files));
        QCOMPARE(plan.layoutName(), layout);
        QCOMPARE(plan.weights, weights);
        QCOMPARE(plan.convertedName, converted);
        QCOMPARE(plan.files.last(), weights);
        QVERIFY(plan.files.contains(QStringLiteral("vocab.json")) && plan.files.contains(QStringLiteral("merges.txt")));
        QVERIFY(plan.files.contains(QStringLiteral("tokenizer.json")));
        QVERIFY(!plan.files.contains(QStringLiteral("tf_model.h5")) && !plan.files.contains(QStringLiteral("README.md")));
        QCOMPARE(plan.files.contains(QStringLiteral("config.json")), layout == QLatin1String("Hugging Face"));
    }

    void planRefusesWhatItCannotUse() {
        QString error;
        try {
            HubFilePlan::choose(listing({QStringLiteral("config.json"), QStringLiteral("tf_model.h5"), QStringLiteral("vocab.json")}));
        } catch (const cosmoclip::Error& e) {
            error = QString::fromUtf8(e.what());
        }
        QVERIFY2(error.contains(QLatin1String("no CLIP weights")) && error.contains(QLatin1String("tf_model.h5")), qPrintable(error));
        try {
            error.clear();
            HubFilePlan::choose(listing({QStringLiteral("config.json"), QStringLiteral("model.safetensors")}));
        } catch (const cosmoclip::Error& e) {
            error = QString::fromUtf8(e.what());
        }
        QVERIFY2(error.contains(QLatin1String("no tokenizer files")), qPrintable(error));
        QVERIFY_THROWS_EXCEPTION(cosmoclip::Error,
                                 HubFilePlan::shardsFromIndex(R"({"weight_map": {"a": "../evil.safetensors"}})", QStringLiteral("index")));
        QCOMPARE(HubFilePlan::shardsFromIndex(R"({"weight_map": {"a": "s1.safetensors", "b": "s2.safetensors", "c": "s1.safetensors"}})",
                                              QStringLiteral("index")),
                 (QStringList{QStringLiteral("s1.safetensors"), QStringLiteral("s2.safetensors")}));
    }

    void repositoryNamesAndConfig() {
        QVERIFY(cosmoclip::HubRepoId::isValid(QStringLiteral("laion/CLIP-ViT-B-32-laion2B-s34B-b79K")));
        QVERIFY(cosmoclip::HubRepoId::isValid(QStringLiteral("timm/vit_base_patch32_clip_224.openai")));
        for (const char* bad : {"clip", "a/b/c", "../x", "a/..", "a--b/c", "/x", "a/", "a/b c"})
            QVERIFY2(!cosmoclip::HubRepoId::isValid(QLatin1String(bad)), bad);
        const auto id = cosmoclip::HubRepoId::parse(QStringLiteral("openai/clip-vit-base-patch32"));
        QCOMPARE(id.folderName(QStringLiteral("main")), QStringLiteral("openai--clip-vit-base-patch32"));
        QCOMPARE(id.folderName(QStringLiteral("refs/pr/3")), QStringLiteral("openai--clip-vit-base-patch32@refs_pr_3"));

        qunsetenv("HF_ENDPOINT");
        auto config = cosmoclip::HubConfig::fromEnvironment();
        QCOMPARE(config.endpointText(), QStringLiteral("https://huggingface.co"));
        QVERIFY(config.token.isEmpty() && !config.offline);
        QVERIFY(config.isHubOrigin(QUrl(QStringLiteral("https://huggingface.co/api/models/x/y"))));
        QVERIFY(!config.isHubOrigin(QUrl(QStringLiteral("https://cdn-lfs.huggingface.co/repos/x"))));
        QVERIFY(!config.isHubOrigin(QUrl(QStringLiteral("http://huggingface.co/x"))));
        qputenv("HF_ENDPOINT", "http://mirror.example:8080/");
        qputenv("HUGGING_FACE_HUB_TOKEN", "old");
        qputenv("HF_TOKEN", "new");
        qputenv("HF_HUB_OFFLINE", "true");
        config = cosmoclip::HubConfig::fromEnvironment();
        QCOMPARE(config.endpointText(), QStringLiteral("http://mirror.example:8080"));
        QCOMPARE(config.token, QByteArray("new"));
        QVERIFY(config.offline);
        QVERIFY(config.isHubOrigin(QUrl(QStringLiteral("http://mirror.example:8080/a"))));
        QVERIFY(!config.isHubOrigin(QUrl(QStringLiteral("http://mirror.example/a"))));
    }
};

QTEST_GUILESS_MAIN(TestHubPull)
#include "tst_hubpull.moc"
