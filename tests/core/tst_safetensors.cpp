// LibTorch before Qt: Qt's `slots` macro would break ATen's ivalue headers.
#include <ATen/ATen.h>
#include <torch/script.h>  // torch::jit::pickle_save: a Python torch.save() file made in C++

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <functional>
#include <optional>
#include <set>

#include "common/error.h"
#include "model/safetensorsfile.h"
#include "model/safetensorswriter.h"
#include "model/torchscriptreader.h"

using namespace cosmoclip;

namespace {

const QString kReference = QStringLiteral(COSMOCLIP_SHARED_DIR "/clip-reference");

/// A safetensors file: LENGTH (default: the header's size) as 8 little-endian bytes, HEADER, DATA.
QByteArray stBytes(const QByteArray& header, const QByteArray& data = {},
                   std::optional<quint64> length = {}) {
    const quint64 n = length.value_or(static_cast<quint64>(header.size()));
    QByteArray bytes;
    for (int i = 0; i < 8; ++i) bytes.append(static_cast<char>((n >> (8 * i)) & 0xff));
    return bytes + header + data;
}

/// The message of the cosmoclip::Error that F throws, or a description of what happened instead.
QString errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return QString::fromUtf8(e.what());
    } catch (const std::exception& e) {
        return QStringLiteral("<not a cosmoclip::Error: %1>").arg(QString::fromUtf8(e.what()));
    }
    return QStringLiteral("<no error>");
}

double sumOf(const at::Tensor& t) {
    return t.to(at::kDouble).sum().item<double>();
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class TestSafetensors : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string write(const QString& name, const QByteArray& bytes) {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size())
            qFatal("cannot write %s", qPrintable(path));
        return path.toStdString();
    }
    std::string tempPath(const QString& name) const { return m_dir.filePath(name).toStdString(); }

    static void requireReference() {
        if (!QDir(kReference).exists())
            QSKIP(qPrintable(QStringLiteral("reference material absent: ") + kReference));
    }

private slots:
    // ---- the reference files (values computed with numpy from the raw bytes, see comments) ----

    void readsHuggingFaceF32File() {
        requireReference();
        const auto file = SafetensorsFile::open((kReference + "/model-hf/model.safetensors").toStdString());
        // python: struct.unpack('<Q') + json.loads of the header; 78 tensors, all F32.
        const auto names = file.names();
        QCOMPARE(names.size(), size_t(78));
        QCOMPARE(names.front(), std::string("logit_scale"));
        QCOMPARE(names.back(), std::string("visual_projection.weight"));
        QCOMPARE(file.metadata(), (std::map<std::string, std::string>{{"format", "pt"}}));
        QCOMPARE(file.dataSize(), std::uint64_t(15108356));
        for (const auto& name : names) QCOMPARE(file.info(name).dtype, SafetensorsDtype::F32);

        const at::Tensor scale = file.tensor("logit_scale");
        QCOMPARE(scale.dim(), 0);
        QCOMPARE(scale.item<float>(), 2.6592600345611572f);

        // numpy.frombuffer(..., float32): exact element values; sums in float64.
        const at::Tensor tok = file.tensor("text_model.embeddings.token_embedding.weight");
        QCOMPARE(tok.sizes().vec(), (std::vector<std::int64_t>{49408, 64}));
        QCOMPARE(tok.scalar_type(), at::kFloat);
        QCOMPARE(tok[0][0].item<float>(), 0.0016302317380905151f);
        QCOMPARE(tok[49407][63].item<float>(), 0.012545187026262283f);
        QCOMPARE(tok[12345][7].item<float>(), -0.005812140181660652f);
        QVERIFY(std::abs(sumOf(tok) - -10.162744451914477) < 1e-9);

        const at::Tensor conv = file.tensor("vision_model.embeddings.patch_embedding.weight");
        QCOMPARE(conv.sizes().vec(), (std::vector<std::int64_t>{128, 3, 16, 16}));
        QCOMPARE(conv[5][1][2][3].item<float>(), -0.015176741406321526f);
        QCOMPARE(conv[127][2][15][15].item<float>(), -0.024284837767481804f);
        QVERIFY(std::abs(sumOf(conv) - 3.6930865695721877) < 1e-9);
        QVERIFY(std::abs(sumOf(conv.abs()) - 2302.6542123691142) < 1e-7);

        const at::Tensor proj = file.tensor("visual_projection.weight");
        QCOMPARE(proj.sizes().vec(), (std::vector<std::int64_t>{64, 128}));
        QCOMPARE(proj[63][127].item<float>(), -0.01407646108418703f);
        // Aligned F32 in a private map: a zero-copy view, the same bytes on every call.
        QCOMPARE(file.tensor("visual_projection.weight").data_ptr(), proj.data_ptr());
    }

    void readsOpenClipF16FileAndConvertsToFloat() {
        requireReference();
        const auto file =
            SafetensorsFile::open((kReference + "/model-openclip/open_clip_model.safetensors").toStdString());
        const auto names = file.names();
        QCOMPARE(names.size(), size_t(62));
        QCOMPARE(names.front(), std::string("ln_final.bias"));
        QCOMPARE(names.back(), std::string("visual.transformer.resblocks.1.mlp.c_proj.weight"));
        QCOMPARE(file.info("positional_embedding").shape, (std::vector<std::int64_t>{77, 64}));
        QCOMPARE(file.info("visual.positional_embedding").shape, (std::vector<std::int64_t>{17, 128}));
        QCOMPARE(file.info("visual.class_embedding").shape, (std::vector<std::int64_t>{128}));

        const at::Tensor conv = file.tensor("visual.conv1.weight");
        QCOMPARE(conv.scalar_type(), at::kHalf);
        // numpy float16 .view(uint16): the stored bit pattern.
        QCOMPARE(conv.view(at::kShort)[5][1][2][3].item<std::int16_t>(), std::int16_t(0xa3c5));
        const at::Tensor convF = file.tensor("visual.conv1.weight", at::kFloat);
        QCOMPARE(convF.scalar_type(), at::kFloat);
        QCOMPARE(convF[5][1][2][3].item<float>(), -0.01517486572265625f);
        QCOMPARE(convF[127][2][15][15].item<float>(), -0.0242919921875f);
        QVERIFY(std::abs(sumOf(convF) - 3.6934980154037476) < 1e-9);
        const at::Tensor tok = file.tensor("token_embedding.weight", at::kFloat);
        QCOMPARE(tok[12345][7].item<float>(), -0.0058135986328125f);
        QVERIFY(std::abs(sumOf(tok) - -10.156530261039734) < 1e-9);
        QCOMPARE(file.tensor("logit_scale", at::kFloat).item<float>(), 2.66015625f);
    }

    // ---- ownership and copies ----

    void viewOutlivesTheFileObjectAndWritesStayInMemory() {
        const std::string path = tempPath("cow.safetensors");
        writeSafetensors(path, {{"w", at::arange(6, at::kFloat).reshape({2, 3})}});
        const QByteArray before = readAll(QString::fromStdString(path));
        at::Tensor view;
        {
            const auto file = SafetensorsFile::open(path);
            view = file.tensor("w");
        }
        view.add_(100);  // copy-on-write pages: must neither crash nor reach the file
        QCOMPARE(view[1][2].item<float>(), 105.0f);
        QCOMPARE(readAll(QString::fromStdString(path)), before);
        QCOMPARE(SafetensorsFile::open(path).tensor("w")[1][2].item<float>(), 5.0f);
    }

    void misalignedDataIsCopied() {
        // Pad the header so that the data section starts at an odd byte: the F32 at offset 0 is then
        // misaligned in the (page-aligned) mapping and must be copied.
        QByteArray header = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
        while ((8 + header.size()) % 2 == 0) header.append(' ');
        const float values[2] = {1.5f, -2.25f};
        const auto path = write("misaligned.safetensors",
                                stBytes(header, QByteArray(reinterpret_cast<const char*>(values), 8)));
        const auto file = SafetensorsFile::open(path);
        const at::Tensor a = file.tensor("a");
        QCOMPARE(a[0].item<float>(), 1.5f);
        QCOMPARE(a[1].item<float>(), -2.25f);
        QVERIFY(reinterpret_cast<std::uintptr_t>(a.data_ptr()) % 4 == 0);
        QVERIFY(file.tensor("a").data_ptr() != a.data_ptr());  // each call a fresh copy
    }

    // ---- writing ----

    void roundTripsEveryDtype_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("stored");
        QTest::newRow("F32") << int(at::kFloat) << "F32";
        QTest::newRow("F64") << int(at::kDouble) << "F64";
        QTest::newRow("F16") << int(at::kHalf) << "F16";
        QTest::newRow("BF16") << int(at::kBFloat16) << "BF16";
        QTest::newRow("I64") << int(at::kLong) << "I64";
        QTest::newRow("I32") << int(at::kInt) << "I32";
        QTest::newRow("I16") << int(at::kShort) << "I16";
        QTest::newRow("I8") << int(at::kChar) << "I8";
        QTest::newRow("U8") << int(at::kByte) << "U8";
        QTest::newRow("BOOL") << int(at::kBool) << "BOOL";
    }
    void roundTripsEveryDtype() {
        QFETCH(int, type);
        QFETCH(QString, stored);
        const auto dtype = static_cast<at::ScalarType>(type);
        at::manual_seed(7);
        // In range for every integer type (out-of-range float to int conversion is undefined).
        const at::Tensor base = at::randn({4, 5}).mul(50).clamp(-120, 120);
        const at::Tensor full = dtype == at::kBool   ? base.gt(0)
                                : dtype == at::kByte ? base.abs().to(dtype)
                                                     : base.to(dtype);
        const std::vector<std::pair<std::string, at::Tensor>> tensors = {
            {"matrix", full},
            {"transposed", full.t()},         // non-contiguous input
            {"scalar", full[1][2]},           // 0-dim
            {"empty", full.narrow(0, 0, 0)},  // zero elements, shape [0, 5]
        };
        const std::string path = tempPath("roundtrip-" + stored + ".safetensors");
        writeSafetensors(path, tensors, {{"note", "round trip"}, {"format", "pt"}});

        const auto file = SafetensorsFile::open(path);
        QCOMPARE(file.metadata(),
                 (std::map<std::string, std::string>{{"format", "pt"}, {"note", "round trip"}}));
        QCOMPARE(file.names(), (std::vector<std::string>{"empty", "matrix", "scalar", "transposed"}));
        for (const auto& [name, expected] : tensors) {
            QCOMPARE(QString::fromUtf8(safetensorsDtypeName(file.info(name).dtype)), stored);
            const at::Tensor got = file.tensor(name);
            QCOMPARE(got.scalar_type(), dtype);
            QCOMPARE(got.sizes().vec(), expected.sizes().vec());
            QVERIFY2(at::equal(got.to(at::kDouble), expected.to(at::kDouble)), name.c_str());
        }
        const QByteArray bytes = readAll(QString::fromStdString(path));
        quint64 n = 0;
        std::memcpy(&n, bytes.constData(), 8);
        QCOMPARE((8 + n) % 8, quint64(0));
        QVERIFY(bytes.mid(8, int(n)).startsWith(R"({"__metadata__":{"format":"pt","note":"round trip"},)"));
    }

    void writesTheReferenceImplementationsBytes() {
        // Expected bytes from huggingface/safetensors' own tests (safetensors/src/tensor.rs:
        // test_serialization, test_serialization_forced_alignement, test_empty).
        const float values[] = {0, 1, 2, 3, 4, 5};
        const QByteArray data(reinterpret_cast<const char*>(values), sizeof values);
        const at::Tensor t = at::arange(6, at::kFloat);
        const std::string a = tempPath("ref-a.safetensors");
        writeSafetensors(a, {{"attn.0", t.reshape({1, 2, 3})}});
        QCOMPARE(readAll(QString::fromStdString(a)),
                 stBytes(R"({"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}})", data));
        writeSafetensors(a, {{"attn0", t.reshape({1, 1, 2, 3})}});
        QCOMPARE(
            readAll(QString::fromStdString(a)),
            stBytes(R"({"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       )", data));
        writeSafetensors(a, {});
        QCOMPARE(readAll(QString::fromStdString(a)), stBytes("{}      "));
        writeSafetensors(a, {}, {{"framework", "pt"}});
        QCOMPARE(readAll(QString::fromStdString(a)), stBytes(R"({"__metadata__":{"framework":"pt"}}     )"));
        QCOMPARE(SafetensorsFile::open(a).metadata().at("framework"), std::string("pt"));
    }

    void ordersDataByAlignmentThenName() {
        // The reference sorts by dtype (descending alignment), then by name.
        const std::string path = tempPath("order.safetensors");
        writeSafetensors(path, {{"b", at::ones({1}, at::kHalf)},
                                {"c", at::ones({1}, at::kBool)},
                                {"a", at::ones({1}, at::kHalf)},
                                {"m", at::ones({1}, at::kFloat)},
                                {"z", at::ones({1}, at::kLong)}});
        const QByteArray header = R"({"z":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},)"
                                  R"("m":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},)"
                                  R"("a":{"dtype":"F16","shape":[1],"data_offsets":[12,14]},)"
                                  R"("b":{"dtype":"F16","shape":[1],"data_offsets":[14,16]},)"
                                  R"("c":{"dtype":"BOOL","shape":[1],"data_offsets":[16,17]}})";
        const QByteArray bytes = readAll(QString::fromStdString(path));
        QCOMPARE(bytes.mid(8, header.size()), header);
        QCOMPARE(bytes.size(), 8 + header.size() + (8 - header.size() % 8) % 8 + 17);
    }

    void replacesAtomicallyAndLeavesNoTemporaryFile() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("w.safetensors").toStdString();
        writeSafetensors(path, {{"x", at::full({2}, 7.0f)}});
        const at::Tensor oldView = SafetensorsFile::open(path).tensor("x");
        writeSafetensors(path, {{"y", at::ones({3})}});
        // The rename left the mapped old file intact (an in-place rewrite would fault or change it).
        QCOMPARE(oldView[1].item<float>(), 7.0f);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"w.safetensors"});
        QCOMPARE(SafetensorsFile::open(path).names(), std::vector<std::string>{"y"});
        // A failure leaves the old file in place.
        const QString msg = errorOf([&] {
            writeSafetensors(path, {{"z", at::ones({1}, at::kComplexFloat)}});
        });
        QVERIFY2(msg.contains("tensor 'z' has type ComplexFloat"), qPrintable(msg));
        QCOMPARE(SafetensorsFile::open(path).names(), std::vector<std::string>{"y"});
        const QString noDir =
            errorOf([&] { writeSafetensors(dir.filePath("no/such/dir/w.st").toStdString(), {}); });
        QVERIFY2(noDir.contains("no/such/dir/w.st: cannot create a temporary file"), qPrintable(noDir));
    }

    void refusesBadTensorsOnWrite_data() {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("duplicate name") << 0 << "tensor 'a' is given twice";
        QTest::newRow("reserved name") << 1 << "cannot be named __metadata__";
        QTest::newRow("undefined") << 2 << "tensor 'u' is undefined";
        QTest::newRow("invalid UTF-8 name") << 3 << "not valid UTF-8";
        QTest::newRow("sparse") << 4 << "tensor 's' is sparse or quantized";
    }
    void refusesBadTensorsOnWrite() {
        QFETCH(int, which);
        QFETCH(QString, fragment);
        const at::Tensor one = at::ones({1});
        const std::vector<std::vector<std::pair<std::string, at::Tensor>>> cases = {
            {{"a", one}, {"a", one}}, {{"__metadata__", one}},  {{"u", at::Tensor()}},
            {{"bad\xff", one}},       {{"s", one.to_sparse()}},
        };
        const std::string path = tempPath("refused.safetensors");
        const QString msg = errorOf([&] { writeSafetensors(path, cases[which]); });
        QVERIFY2(msg.startsWith(QString::fromStdString(path) + ": "), qPrintable(msg));
        QVERIFY2(msg.contains(fragment), qPrintable(msg));
        QVERIFY(!QFile::exists(QString::fromStdString(path)));
    }

    // ---- hostile files: every one a clean Error naming the problem ----

    void rejectsHostileFiles_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("fragment");
        const QByteArray f32x2 = R"({"x.y":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
        const auto entry = [](const QByteArray& name, const QByteArray& body) {
            return "\"" + name + "\":" + body;
        };
        QTest::newRow("empty file") << QByteArray() << "file is 0 bytes, too short";
        QTest::newRow("5 bytes") << QByteArray("abcde") << "file is 5 bytes, too short";
        QTest::newRow("length zero") << stBytes("{}", {}, 0) << "header length is 0";
        QTest::newRow("length past end")
            << stBytes("{}", {}, 1000) << "header length 1000 runs past the end of the 10-byte file";
        QTest::newRow("length 2^62") << stBytes("{}", {}, quint64(1) << 62)
                                     << "header length 4611686018427387904 exceeds the 100000000-byte limit";
        QTest::newRow("length 2^64-1")
            << stBytes("{}", {}, ~quint64(0)) << "exceeds the 100000000-byte limit";
        QTest::newRow("not JSON") << stBytes("{abc") << "header is not valid JSON";
        QTest::newRow("trailing junk") << stBytes("{} x") << "header is not valid JSON";
        QTest::newRow("invalid UTF-8") << stBytes("{\"\xff\":1}") << "header is not valid JSON";
        QTest::newRow("JSON array") << stBytes("[]") << "header is not a JSON object";
        QTest::newRow("JSON string") << stBytes("\"x\"") << "header is not a JSON object";
        QTest::newRow("deep nesting") << stBytes(QByteArray(100000, '[')) << "nests deeper than 16 levels";
        QTest::newRow("duplicate key") << stBytes("{" + entry("x.y", "{}") + "," + entry("x.y", "{}") + "}")
                                       << "has the key 'x.y' twice";
        QTest::newRow("entry not object")
            << stBytes(R"({"x.y":1})") << "tensor 'x.y' is not described by a JSON object";
        QTest::newRow("no dtype") << stBytes(R"({"x.y":{"shape":[],"data_offsets":[0,0]}})")
                                  << "tensor 'x.y' has no \"dtype\" string";
        QTest::newRow("unknown dtype")
            << stBytes(R"({"x.y":{"dtype":"F99","shape":[2],"data_offsets":[0,8]}})", QByteArray(8, 0))
            << "tensor 'x.y' has unknown dtype 'F99'";
        QTest::newRow("negative dim")
            << stBytes(R"({"x.y":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}})")
            << "tensor 'x.y' has shape [-1]";
        QTest::newRow("fractional dim")
            << stBytes(R"({"x.y":{"dtype":"F32","shape":[1.5],"data_offsets":[0,0]}})")
            << "tensor 'x.y' has shape [1.5]";
        QTest::newRow("shape overflow")
            << stBytes(R"({"x.y":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}})")
            << "tensor 'x.y' has shape [4294967296, 4294967296] whose byte size overflows";
        QTest::newRow("65 dims") << stBytes(R"({"x.y":{"dtype":"F32","shape":[)" +
                                                QByteArray("1,").repeated(64) +
                                                R"(1],"data_offsets":[0,4]}})",
                                            QByteArray(4, 0))
                                 << "tensor 'x.y' has 65 dimensions";
        QTest::newRow("offsets outside")
            << stBytes(f32x2, QByteArray(4, 0))
            << "tensor 'x.y' has data_offsets [0, 8] outside the 4-byte data section";
        QTest::newRow("offsets reversed")
            << stBytes(R"({"x.y":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", QByteArray(8, 0))
            << "tensor 'x.y' has data_offsets [8, 0] that end before they begin";
        QTest::newRow("offsets not a pair")
            << stBytes(R"({"x.y":{"dtype":"F32","shape":[2],"data_offsets":[0]}})", QByteArray(8, 0))
            << "tensor 'x.y' has no \"data_offsets\" pair";
        QTest::newRow("negative offset")
            << stBytes(R"({"x.y":{"dtype":"F32","shape":[0],"data_offsets":[-4,0]}})")
            << "tensor 'x.y' has no \"data_offsets\" pair";
        QTest::newRow("size mismatch")
            << stBytes(R"({"x.y":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", QByteArray(8, 0))
            << "tensor 'x.y' has data_offsets [0, 8] (8 bytes) but F32 shape [3] needs 12 bytes";
        QTest::newRow("overlap")
            << stBytes(
                   R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                   QByteArray(12, 0))
            << "tensor 'a' [0, 8] and tensor 'b' [4, 12] overlap in the data section";
        QTest::newRow("gap")
            << stBytes(
                   R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                   QByteArray(12, 0))
            << "bytes [4, 8) of the 12-byte data section belong to no tensor";
        QTest::newRow("trailing bytes")
            << stBytes(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", QByteArray(8, 0))
            << "bytes [4, 8) of the 8-byte data section belong to no tensor";
        QTest::newRow("truncated") << stBytes(f32x2, QByteArray(8, 0)).chopped(3)
                                   << "tensor 'x.y' has data_offsets [0, 8] outside the 5-byte data section";
        QTest::newRow("metadata not object")
            << stBytes(R"({"__metadata__":1})") << "__metadata__ is not a JSON object";
        QTest::newRow("metadata not string")
            << stBytes(R"({"__metadata__":{"k":1}})") << "__metadata__ entry 'k' is not a string";
    }
    void rejectsHostileFiles() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, fragment);
        const std::string path = write(QStringLiteral("hostile.safetensors"), bytes);
        const QString msg = errorOf([&] { SafetensorsFile::open(path); });
        QVERIFY2(msg.startsWith(QString::fromStdString(path) + ": "), qPrintable(msg));
        QVERIFY2(msg.contains(fragment), qPrintable(msg));
        QVERIFY2(!msg.contains('\n'), qPrintable(msg));
    }

    void unsupportedDtypeLeavesTheRestReadable() {
        const float one = 1.0f;
        const auto path =
            write("u32.safetensors",
                  stBytes(R"({"f":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                          R"("u":{"dtype":"U32","shape":[1],"data_offsets":[4,8]}})",
                          QByteArray(reinterpret_cast<const char*>(&one), 4) + QByteArray(4, 0)));
        const auto file = SafetensorsFile::open(path);
        QCOMPARE(file.info("u").dtype, SafetensorsDtype::U32);
        QCOMPARE(file.tensor("f").item<float>(), 1.0f);
        const QString msg = errorOf([&] { file.tensor("u"); });
        QVERIFY2(msg.contains("tensor 'u' has dtype U32, which LibTorch cannot represent"), qPrintable(msg));
        const QString missing = errorOf([&] { file.tensor("nope"); });
        QVERIFY2(missing.contains("no tensor named 'nope'"), qPrintable(missing));
    }

    void boolBytesOtherThanZeroOrOneAreRefused() {
        const auto path =
            write("bool.safetensors", stBytes(R"({"b":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}} )",
                                              QByteArray("\x01\x00\x02", 3)));
        const QString msg = errorOf([&] { SafetensorsFile::open(path).tensor("b"); });
        QVERIFY2(msg.contains("tensor 'b' is BOOL but holds bytes other than 0 and 1"), qPrintable(msg));
    }

    void missingFileAndFolderAreErrors() {
        QVERIFY(errorOf([] {
                    SafetensorsFile::open("/nonexistent/x.safetensors");
                }).startsWith("/nonexistent/x.safetensors: cannot open"));
        const QString folder = errorOf([&] { SafetensorsFile::open(m_dir.path().toStdString()); });
        QVERIFY2(folder.contains("not a regular file"), qPrintable(folder));
    }

    // ---- TorchScript archives ----

    void readsOpenAiTorchScriptParameters() {
        requireReference();
        const auto params = readTorchScriptParameters((kReference + "/model-openai.pt").toStdString());
        const auto openclip =
            SafetensorsFile::open((kReference + "/model-openclip/open_clip_model.safetensors").toStdString());
        // Same OpenAI naming as open_clip's file; the F16 file is these weights rounded to half.
        std::set<std::string> names;
        for (const auto& [name, tensor] : params) {
            names.insert(name);
            QVERIFY2(openclip.contains(name), name.c_str());
            QCOMPARE(tensor.sizes().vec(), openclip.info(name).shape);
            QCOMPARE(tensor.scalar_type(), at::kFloat);
            QVERIFY2(at::equal(tensor.to(at::kHalf).to(at::kFloat), openclip.tensor(name, at::kFloat)),
                     name.c_str());
        }
        QCOMPARE(names.size(), openclip.names().size());
        QCOMPARE(params.front().first, std::string("positional_embedding"));

        const auto hf = SafetensorsFile::open((kReference + "/model-hf/model.safetensors").toStdString());
        const auto param = [&](const std::string& name) {
            for (const auto& p : params)
                if (p.first == name) return p.second;
            return at::Tensor();
        };
        QVERIFY(at::equal(param("visual.conv1.weight"),
                          hf.tensor("vision_model.embeddings.patch_embedding.weight")));
        QVERIFY(at::equal(param("token_embedding.weight"),
                          hf.tensor("text_model.embeddings.token_embedding.weight")));
        QVERIFY(at::equal(param("text_projection"), hf.tensor("text_projection.weight").t()));
        QCOMPARE(param("logit_scale").item<float>(), 2.6592600345611572f);
        // python: torch.jit.load(...).visual.positional_embedding[16, 127]
        QCOMPARE(param("visual.positional_embedding")[16][127].item<float>(), 0.016290854662656784f);
    }

    void torchScriptReaderRejectsOtherFiles_data() {
        QTest::addColumn<QString>("kind");
        QTest::newRow("missing") << "missing";
        QTest::newRow("empty") << "empty";
        QTest::newRow("random bytes") << "random";
        QTest::newRow("safetensors") << "safetensors";
        QTest::newRow("truncated archive") << "truncated";
        QTest::newRow("torch.save state_dict") << "pickled";
    }
    void torchScriptReaderRejectsOtherFiles() {
        QFETCH(QString, kind);
        std::string path = tempPath("missing.pt");
        if (kind == "empty") path = write("empty.pt", {});
        if (kind == "random")
            path = write("random.pt", QByteArray("PK\x03\x04 definitely not a zip archive"));
        if (kind == "safetensors") path = write("st.pt", stBytes("{}      "));
        if (kind == "pickled") {
            c10::Dict<std::string, at::Tensor> stateDict;
            stateDict.insert("w", at::ones({2}));
            const std::vector<char> bytes = torch::jit::pickle_save(stateDict);
            path = write("state_dict.bin", QByteArray(bytes.data(), qsizetype(bytes.size())));
        }
        if (kind == "truncated") {
            if (!QFile::exists(kReference + "/model-openai.pt")) QSKIP("reference material absent");
            path = write("truncated.pt", readAll(kReference + "/model-openai.pt").left(1 << 20));
        }
        const QString msg = errorOf([&] { readTorchScriptParameters(path); });
        QVERIFY2(msg.startsWith(QString::fromStdString(path) + ": "), qPrintable(msg));
        QVERIFY2(msg.contains(kind == "missing" ? "no such file" : "not a readable TorchScript archive"),
                 qPrintable(msg));
        QVERIFY2(!msg.contains('\n'), qPrintable(msg));
        if (kind == "pickled") QVERIFY2(msg.contains("a torch.save() pickle"), qPrintable(msg));
    }
};

QTEST_GUILESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
