#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "common/error.h"
#include "image/clippreprocess.h"
#include "image/imageloader.h"
#include "image/pillowresample.h"
#include "image/renderer.h"

using namespace cosmoclip;

// Golden values below were produced once with Pillow 9.4 / torchvision 0.14 (Debian 12's
// python3-pil and python3-torchvision) from the same deterministic patterns, e.g.
//   Image.fromarray(pattern, "L").resize((4, 3), Image.BICUBIC)

namespace {

uint8_t patternValue(int x, int y, int band) {
    return static_cast<uint8_t>((x * 37 + y * 91 + band * 53 + x * y * 13) % 256);
}
uint8_t patternAlpha(int x, int y) {
    return static_cast<uint8_t>((x * 61 + y * 17) % 256);
}

Pixels8 greyPattern(int w, int h) {
    Pixels8 p;
    p.width = w;
    p.height = h;
    p.channels = 1;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) p.data.push_back(patternValue(x, y, 0));
    return p;
}

/// Interleaved pattern raster: `colours` bands of the pattern, then alpha if `alpha`.
Raster8 patternRaster(int w, int h, int colours, bool alpha, ColorSource color) {
    Raster8 r;
    r.width = w;
    r.height = h;
    r.channels = colours + (alpha ? 1 : 0);
    r.color = color;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            for (int b = 0; b < colours; ++b) r.pixels.push_back(patternValue(x, y, b));
            if (alpha) r.pixels.push_back(patternAlpha(x, y));
        }
    return r;
}

/// Undoes Normalize and ToTensor: the 8-bit value each tensor entry came from.
std::vector<int> tensorBytes(const std::vector<float>& t, const PreprocessConfig& cfg, int channel) {
    const size_t plane = static_cast<size_t>(cfg.size) * static_cast<size_t>(cfg.size);
    std::vector<int> out;
    for (size_t i = 0; i < plane; ++i) {
        const float v = t[static_cast<size_t>(channel) * plane + i];
        out.push_back(static_cast<int>(std::lround((v * cfg.std[channel] + cfg.mean[channel]) * 255.0f)));
    }
    return out;
}

}  // namespace

class TestClipPreprocess : public QObject {
    Q_OBJECT

private slots:
    void bicubicMatchesPillow_data() {
        QTest::addColumn<int>("inW");
        QTest::addColumn<int>("inH");
        QTest::addColumn<int>("outW");
        QTest::addColumn<int>("outH");
        QTest::addColumn<std::vector<int>>("expected");
        QTest::newRow("down both") << 9 << 7 << 4 << 3 << std::vector<int>{103, 139, 140, 130, 128, 148,
                                                                           137, 124, 103, 142, 137, 151};
        QTest::newRow("vertical only")
            << 9 << 7 << 9 << 3
            << std::vector<int>{75,  122, 122, 168, 103, 158, 150, 99,  153, 99,  164, 106, 182, 128,
                                141, 135, 119, 125, 117, 110, 72,  177, 171, 124, 126, 133, 184};
        QTest::newRow("horizontal only")
            << 9 << 7 << 4 << 7
            << std::vector<int>{25,  106, 185, 54,  133, 175, 88,  201, 186, 120, 164, 120, 76,  176,
                                142, 100, 130, 116, 121, 137, 123, 175, 122, 167, 73,  117, 166, 139};
        QTest::newRow("upscale") << 5 << 4 << 7 << 6
                                 << std::vector<int>{0,   12,  41, 66,  90,  128, 158, 36,  57,  96,  137,
                                                     177, 142, 81, 106, 137, 168, 180, 233, 154, 36,  178,
                                                     228, 202, 63, 102, 147, 169, 96,  144, 158, 106, 161,
                                                     159, 124, 2,  42,  109, 177, 252, 173, 47};
    }
    void bicubicMatchesPillow() {
        QFETCH(int, inW);
        QFETCH(int, inH);
        QFETCH(int, outW);
        QFETCH(int, outH);
        QFETCH(std::vector<int>, expected);
        const Pixels8 out = pillowResizeBicubic(greyPattern(inW, inH), outW, outH);
        QCOMPARE(out.width, outW);
        QCOMPARE(out.height, outH);
        QCOMPARE(std::vector<int>(out.data.begin(), out.data.end()), expected);
    }

    void nearestMatchesPillow_data() {
        QTest::addColumn<int>("inW");
        QTest::addColumn<int>("inH");
        QTest::addColumn<int>("outW");
        QTest::addColumn<int>("outH");
        QTest::addColumn<std::vector<int>>("expected");
        QTest::newRow("down") << 9 << 7 << 4 << 3
                              << std::vector<int>{141, 241, 85, 185, 93, 245, 141, 37, 45, 249, 197, 145};
        QTest::newRow("up") << 5 << 3 << 8 << 5
                            << std::vector<int>{0,   0,   37,  74,  74,  111, 148, 148, 0,   0,
                                                37,  74,  74,  111, 148, 148, 91,  91,  141, 191,
                                                191, 241, 35,  35,  182, 182, 245, 52,  52,  115,
                                                178, 178, 182, 182, 245, 52,  52,  115, 178, 178};
    }
    void nearestMatchesPillow() {
        QFETCH(int, inW);
        QFETCH(int, inH);
        QFETCH(int, outW);
        QFETCH(int, outH);
        QFETCH(std::vector<int>, expected);
        const Pixels8 out = pillowResizeNearest(greyPattern(inW, inH), outW, outH);
        QCOMPARE(std::vector<int>(out.data.begin(), out.data.end()), expected);
    }

    void resizeToSameSizeIsACopy() {
        const Pixels8 in = greyPattern(6, 5);
        QCOMPARE(pillowResizeBicubic(in, 6, 5).data, in.data);
        QCOMPARE(pillowResizeNearest(in, 6, 5).data, in.data);
    }

    void constantStaysConstantAtAnyScale() {
        for (int value : {0, 1, 77, 254, 255}) {
            Pixels8 in;
            in.width = 37;
            in.height = 23;
            in.channels = 3;
            in.data.assign(37 * 23 * 3, static_cast<uint8_t>(value));
            for (auto [w, h] : {std::pair{5, 3}, std::pair{37, 7}, std::pair{100, 80}, std::pair{1, 1}}) {
                const Pixels8 out = pillowResizeBicubic(in, w, h);
                QCOMPARE(out.data,
                         std::vector<uint8_t>(static_cast<size_t>(w * h * 3), static_cast<uint8_t>(value)));
            }
        }
    }

    void premultiplyRoundsLikeDivisionBy255() {
        Pixels8 p;
        p.width = 256 * 256;
        p.height = 1;
        p.channels = 2;
        for (int a = 0; a < 256; ++a)
            for (int v = 0; v < 256; ++v) {
                p.data.push_back(static_cast<uint8_t>(v));
                p.data.push_back(static_cast<uint8_t>(a));
            }
        Pixels8 pre = p;
        pillowPremultiply(pre);
        Pixels8 un = p;
        pillowUnpremultiply(un);
        for (int a = 0; a < 256; ++a)
            for (int v = 0; v < 256; ++v) {
                const size_t i = static_cast<size_t>(a * 256 + v) * 2;
                QCOMPARE(int(pre.data[i]), int(std::lround(v * a / 255.0)));  // no exact .5 cases exist
                QCOMPARE(int(pre.data[i + 1]), a);
                const int expectedUn = (a == 0 || a == 255) ? v : std::min(255, 255 * v / a);
                QCOMPARE(int(un.data[i]), expectedUn);
            }
    }

    void greyAlphaIsResizedPremultipliedLikePillowLa() {
        PreprocessConfig cfg;
        cfg.size = 4;
        const Raster8 la = patternRaster(10, 6, 1, true, ColorSource::GreyAlpha);
        const std::vector<float> t = preprocessForClip(la, cfg);
        const std::vector<int> expected{130, 153, 171, 103, 144, 175, 124, 132,
                                        139, 173, 141, 117, 101, 134, 104, 163};
        for (int c = 0; c < 3; ++c) QCOMPARE(tensorBytes(t, cfg, c), expected);
        // renderImage() hands grey + alpha over as RGBA with the grey replicated: same result.
        Raster8 replicated = la;
        replicated.channels = 4;
        replicated.pixels.clear();
        for (size_t i = 0; i < la.pixels.size(); i += 2)
            replicated.pixels.insert(replicated.pixels.end(),
                                     {la.pixels[i], la.pixels[i], la.pixels[i], la.pixels[i + 1]});
        QCOMPARE(preprocessForClip(replicated, cfg), t);
    }

    void rgbaIsResizedPremultipliedAndCroppedWithBankersRounding() {
        // 6x11 -> 4x7, crop top = round(1.5) = 2 in Python.
        PreprocessConfig cfg;
        cfg.size = 4;
        const Raster8 rgba = patternRaster(6, 11, 3, true, ColorSource::Rgba);
        const std::vector<float> t = preprocessForClip(rgba, cfg);
        const std::vector<int> interleaved{110, 164, 144, 121, 158, 96,  171, 106, 148, 96,  122, 178,
                                           119, 179, 116, 86,  147, 193, 120, 134, 205, 143, 177, 104,
                                           150, 127, 183, 114, 124, 179, 151, 107, 171, 186, 101, 150,
                                           157, 69,  122, 156, 117, 176, 68,  129, 142, 115, 151, 67};
        for (int c = 0; c < 3; ++c) {
            std::vector<int> expected;
            for (size_t i = static_cast<size_t>(c); i < interleaved.size(); i += 3)
                expected.push_back(interleaved[i]);
            QCOMPARE(tensorBytes(t, cfg, c), expected);
        }
    }

    void normalisesEachChannelWithItsMeanAndStd() {
        Raster8 r;
        r.width = 30;
        r.height = 20;
        r.channels = 1;
        r.color = ColorSource::Grey;
        r.pixels.assign(600, 128);
        PreprocessConfig cfg;
        cfg.size = 8;
        const std::vector<float> t = preprocessForClip(r, cfg);
        QCOMPARE(t.size(), size_t(3 * 64));
        for (int c = 0; c < 3; ++c) {
            const float expected = (128.0f / 255.0f - cfg.mean[c]) / cfg.std[c];
            for (int i = 0; i < 64; ++i) QCOMPARE(t[static_cast<size_t>(c * 64 + i)], expected);
        }
    }

    void rejectsBrokenInput() {
        Raster8 empty;
        QVERIFY_THROWS_EXCEPTION(Error, preprocessForClip(empty, PreprocessConfig{}));
        Raster8 wrongSize = patternRaster(4, 4, 3, false, ColorSource::Rgb);
        wrongSize.pixels.pop_back();
        QVERIFY_THROWS_EXCEPTION(Error, preprocessForClip(wrongSize, PreprocessConfig{}));
        Raster8 sliver = patternRaster(200000, 1, 1, false, ColorSource::Grey);
        QVERIFY_THROWS_EXCEPTION(Error, preprocessForClip(sliver, PreprocessConfig{}));
    }

    void matchesPythonReference_data() {
        QTest::addColumn<QString>("image");
        QTest::addColumn<QString>("reference");
        const QDir dir(QStringLiteral(COSMOCLIP_SHARED_DIR "/clip-reference"));
        QFile json(dir.filePath(QStringLiteral("reference.json")));
        if (!json.open(QIODevice::ReadOnly)) return;  // the test function skips with a reason
        const QJsonArray images = QJsonDocument::fromJson(json.readAll()).object().value("images").toArray();
        for (const QJsonValue& v : images) {
            const QJsonObject o = v.toObject();
            const QString path = o.value("path").toString();
            QTest::newRow(qPrintable(path))
                << dir.filePath(path) << dir.filePath(o.value("preprocessed").toString());
        }
    }
    void matchesPythonReference() {
        if (!QFile::exists(QStringLiteral(COSMOCLIP_SHARED_DIR "/clip-reference/reference.json")))
            QSKIP("shared CLIP reference material (" COSMOCLIP_SHARED_DIR "/clip-reference) is absent");
        QFETCH(QString, image);
        QFETCH(QString, reference);
        QFile ref(reference);
        QVERIFY(ref.open(QIODevice::ReadOnly));
        const QByteArray bytes = ref.readAll();
        QCOMPARE(bytes.size(), qsizetype(3 * 64 * 64 * sizeof(float)));
        std::vector<float> expected(3 * 64 * 64);
        std::memcpy(expected.data(), bytes.constData(), static_cast<size_t>(bytes.size()));

        const LoadedImage loaded = loadImage(image.toStdString());
        RenderOptions render;
        render.stretch.kind = StretchKind::None;
        PreprocessConfig cfg;
        cfg.size = 64;
        const std::vector<float> got = preprocessForClip(renderImage(loaded.image, render), cfg);
        QCOMPARE(got.size(), expected.size());
        double maxDiff = 0.0;
        double sumDiff = 0.0;
        for (size_t i = 0; i < got.size(); ++i) {
            const double d = std::fabs(double(got[i]) - double(expected[i]));
            maxDiff = std::max(maxDiff, d);
            sumDiff += d;
        }
        const double meanDiff = sumDiff / static_cast<double>(got.size());
        qInfo("%s: max |diff| %.3g, mean |diff| %.3g", qPrintable(QFileInfo(image).fileName()), maxDiff,
              meanDiff);
        QVERIFY2(maxDiff <= 0.02, qPrintable(QString("max diff %1").arg(maxDiff)));
        // PNG decoding is lossless, so an exact port of Pillow's arithmetic leaves no difference at
        // all; JPEG keeps the tolerance because another libjpeg build may decode a level apart.
        if (image.endsWith(QLatin1String(".png"))) QCOMPARE(maxDiff, 0.0);
        QVERIFY2(meanDiff <= 0.002, qPrintable(QString("mean diff %1").arg(meanDiff)));
    }
};

QTEST_GUILESS_MAIN(TestClipPreprocess)
#include "tst_clippreprocess.moc"
