// core/model/torchpicklereader: torch.save() state dicts read without Python, against the values
// PyTorch itself wrote (tests/hub/make_torch_bin.py), and hostile or wrong files refused.
#include <ATen/ATen.h>

#include "common/error.h"
#include "model/safetensorsfile.h"
#include "model/torchpicklereader.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "pythontorch.h"

namespace {

std::string dtypeName(at::ScalarType t) {
    switch (t) {
        case at::kFloat: return "float32";
        case at::kHalf: return "float16";
        case at::kBFloat16: return "bfloat16";
        case at::kDouble: return "float64";
        case at::kLong: return "int64";
        case at::kBool: return "bool";
        default: return c10::toString(t);
    }
}

}  // namespace

class TestTorchPickle : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QJsonObject m_expected;

    std::string path(const char* name) const { return QDir(m_dir.path()).filePath(QLatin1String(name)).toStdString(); }

    QString readError(const char* name) {
        try {
            cosmoclip::readTorchPickleTensors(path(name));
        } catch (const cosmoclip::Error& e) {
            return QString::fromStdString(e.what());
        }
        return {};
    }

private slots:
    void initTestCase() {
        if (!havePythonTorch()) QSKIP("needs /usr/bin/python3 with python3-torch to write the test pickles");
        const QString error = runMakeTorchBin({QStringLiteral("cases"), m_dir.path()});
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QFile f(QDir(m_dir.path()).filePath(QStringLiteral("expected.json")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        m_expected = QJsonDocument::fromJson(f.readAll()).object();
    }

    void readsWhatPyTorchWrote_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("OrderedDict with _metadata, dtypes, views, strides") << QStringLiteral("mixed.bin");
        QTest::newRow("one entry (SETITEM)") << QStringLiteral("single.bin");
        QTest::newRow("nested under state_dict") << QStringLiteral("checkpoint.bin");
        QTest::newRow("plain dict") << QStringLiteral("plaindict.bin");
    }
    void readsWhatPyTorchWrote() {
        QFETCH(QString, file);
        const auto tensors = cosmoclip::readTorchPickleTensors(QDir(m_dir.path()).filePath(file).toStdString());
        const QJsonObject expected = m_expected.value(file).toObject();
        QCOMPARE(qsizetype(tensors.size()), expected.size());
        QStringList order;
        for (const auto& [name, tensor] : tensors) {
            order << QString::fromStdString(name);
            const QJsonObject e = expected.value(QString::fromStdString(name)).toObject();
            QVERIFY2(!e.isEmpty(), name.c_str());
            QCOMPARE(dtypeName(tensor.scalar_type()), e.value(QLatin1String("dtype")).toString().toStdString());
            std::vector<int64_t> shape;
            for (const QJsonValue& v : e.value(QLatin1String("shape")).toArray()) shape.push_back(v.toInteger());
            QCOMPARE(tensor.sizes().vec(), shape);
            const at::Tensor flat = tensor.reshape({-1}).to(at::kDouble).contiguous();
            const QJsonArray values = e.value(QLatin1String("values")).toArray();
            QCOMPARE(flat.numel(), int64_t(values.size()));
            for (int64_t i = 0; i < flat.numel(); ++i)
                QVERIFY2(flat[i].item<double>() == values[int(i)].toDouble(), qPrintable(QString::fromStdString(name) + QString::number(i)));
        }
        QCOMPARE(QSet<QString>(order.begin(), order.end()).size(), order.size());  // names unique
        if (file == QLatin1String("mixed.bin"))  // the dict's order is kept
            QCOMPARE(order.first(), QStringLiteral("linear.weight"));
    }

    void convertsToIdenticalSafetensors() {
        const std::string out = path("mixed.safetensors");
        QCOMPARE(cosmoclip::convertTorchPickleToSafetensors(path("mixed.bin"), out), size_t(12));
        const auto original = cosmoclip::readTorchPickleTensors(path("mixed.bin"));
        const auto file = cosmoclip::SafetensorsFile::open(out);
        QCOMPARE(file.names().size(), original.size());
        for (const auto& [name, tensor] : original) {
            const at::Tensor stored = file.tensor(name);
            QCOMPARE(stored.scalar_type(), tensor.scalar_type());
            QVERIFY2(at::equal(stored, tensor), name.c_str());
        }
    }

    void refusesWhatIsNotAStateDict_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        QTest::newRow("os.system in a pickle") << QStringLiteral("evil.bin") << QStringLiteral("posix.system");
        QTest::newRow("a whole module") << QStringLiteral("module.bin") << QStringLiteral("torch.nn.modules.linear.Linear");
        QTest::newRow("a string value") << QStringLiteral("nontensor.bin") << QStringLiteral("'note' is a String");
        QTest::newRow("truncated zip") << QStringLiteral("truncated.bin") << QStringLiteral("not a torch.save() zip archive");
        QTest::newRow("missing") << QStringLiteral("absent.bin") << QStringLiteral("no such file");
    }
    void refusesWhatIsNotAStateDict() {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        const QString error = readError(qPrintable(file));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY2(error.startsWith(QDir(m_dir.path()).filePath(file)), qPrintable(error));
        QVERIFY(!QFile::exists(QDir(m_dir.path()).filePath(QStringLiteral("PWNED"))));  // nothing ran
    }

    void refusesTorchScriptArchives() {
        const QString pt = QStringLiteral(COSMOCLIP_SHARED_DIR "/clip-reference/model-openai.pt");
        if (!QFile::exists(pt)) QSKIP("shared/clip-reference is not beside the checkout");
        try {
            cosmoclip::readTorchPickleTensors(pt.toStdString());
            QFAIL("a TorchScript archive was read as a state dict");
        } catch (const cosmoclip::Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("not a tensor or container")), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestTorchPickle)
#include "tst_torchpickle.moc"
