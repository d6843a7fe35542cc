#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <zlib.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "common/error.h"
#include "common/filesniff.h"
#include "image/imageloader.h"
#include "image/pngdecoder.h"
#include "image/rasterloader.h"

using namespace cosmoclip;

namespace {

using Bytes = std::vector<uint8_t>;

void putBe32(Bytes& b, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}

void putChunk(Bytes& png, const char* type, const Bytes& data) {
    putBe32(png, static_cast<uint32_t>(data.size()));
    Bytes body(type, type + 4);
    body.insert(body.end(), data.begin(), data.end());
    png.insert(png.end(), body.begin(), body.end());
    putBe32(png, static_cast<uint32_t>(crc32(0, body.data(), static_cast<uInt>(body.size()))));
}

Bytes ihdr(uint32_t w, uint32_t h, uint8_t depth, uint8_t colorType) {
    Bytes d;
    putBe32(d, w);
    putBe32(d, h);
    d.insert(d.end(), {depth, colorType, 0, 0, 0});
    return d;
}

/// A minimal PNG encoder for the colour types OpenCV cannot write (palette, grey + alpha):
/// 8-bit samples, `rows` already interleaved, filter 0 on every row.
Bytes encodePng(int w, int h, uint8_t colorType, const Bytes& samples, const Bytes& plte = {},
                const Bytes& trns = {}) {
    const size_t rowBytes = samples.size() / static_cast<size_t>(h);
    Bytes raw(static_cast<size_t>(h) * (rowBytes + 1), 0);  // filter byte 0 before each row
    for (size_t y = 0; y < static_cast<size_t>(h); ++y)
        std::copy_n(samples.data() + y * rowBytes, rowBytes, raw.data() + y * (rowBytes + 1) + 1);
    uLongf size = compressBound(static_cast<uLong>(raw.size()));
    Bytes z(size);
    compress(z.data(), &size, raw.data(), static_cast<uLong>(raw.size()));
    z.resize(size);
    Bytes png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    putChunk(png, "IHDR", ihdr(static_cast<uint32_t>(w), static_cast<uint32_t>(h), 8, colorType));
    if (!plte.empty()) putChunk(png, "PLTE", plte);
    if (!trns.empty()) putChunk(png, "tRNS", trns);
    putChunk(png, "IDAT", z);
    putChunk(png, "IEND", {});
    return png;
}

uint8_t paethPredictor(int a, int b, int c) {
    const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
    return static_cast<uint8_t>(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

/// A PNG encoder that applies PNG filter `filterOf(y)` to row y (0 None .. 4 Paeth) and splits the
/// zlib stream into IDAT chunks of `chunk` bytes, for any colour type and bit depth; `samples` are
/// the rows as stored (16-bit samples big-endian).
template <typename FilterOf>
Bytes encodeFilteredPng(int w, int h, uint8_t depth, uint8_t colorType, const Bytes& samples, FilterOf filterOf,
                        size_t chunk, const Bytes& trns = {}, bool textAfterFirstIdat = false) {
    const size_t rowBytes = samples.size() / static_cast<size_t>(h);
    const int channels = colorType == 0 ? 1 : colorType == 4 ? 2 : colorType == 2 ? 3 : 4;
    const size_t bpp = static_cast<size_t>(channels * depth / 8);
    Bytes raw;
    const Bytes zeros(rowBytes, 0);
    for (size_t y = 0; y < static_cast<size_t>(h); ++y) {
        const uint8_t* cur = samples.data() + y * rowBytes;
        const uint8_t* prev = y ? cur - rowBytes : zeros.data();
        const auto filter = static_cast<uint8_t>(filterOf(int(y)));
        raw.push_back(filter);
        for (size_t i = 0; i < rowBytes; ++i) {
            const int a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
            const int predicted = filter == 1 ? a : filter == 2 ? b : filter == 3 ? (a + b) / 2
                                  : filter == 4 ? paethPredictor(a, b, c) : 0;
            raw.push_back(static_cast<uint8_t>(cur[i] - predicted));
        }
    }
    uLongf size = compressBound(static_cast<uLong>(raw.size()));
    Bytes z(size);
    compress(z.data(), &size, raw.data(), static_cast<uLong>(raw.size()));
    z.resize(size);
    Bytes png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    putChunk(png, "IHDR", ihdr(static_cast<uint32_t>(w), static_cast<uint32_t>(h), depth, colorType));
    if (!trns.empty()) putChunk(png, "tRNS", trns);
    for (size_t at = 0; at < z.size(); at += chunk) {
        putChunk(png, "IDAT", Bytes(z.begin() + long(at), z.begin() + long(std::min(z.size(), at + chunk))));
        if (at == 0 && textAfterFirstIdat) putChunk(png, "tEXt", Bytes{'a', 0, 'b'});  // breaks the run
    }
    putChunk(png, "IEND", {});
    return png;
}

/// A BGR test pattern with distinct values per channel and pixel.
cv::Mat bgrPattern(int w, int h, int type, double scale) {
    cv::Mat m(h, w, type);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < m.channels(); ++c) {
                const double v = ((x * 7 + y * 13 + c * 29) % 97) * scale;
                if (m.depth() == CV_8U) m.ptr<uint8_t>(y)[x * m.channels() + c] = static_cast<uint8_t>(v);
                if (m.depth() == CV_16U) m.ptr<uint16_t>(y)[x * m.channels() + c] = static_cast<uint16_t>(v);
                if (m.depth() == CV_32F)
                    m.ptr<float>(y)[x * m.channels() + c] = static_cast<float>(v - 20.25);
            }
    return m;
}

double matValue(const cv::Mat& m, int x, int y, int c) {
    switch (m.depth()) {
        case CV_8U:
            return m.ptr<uint8_t>(y)[x * m.channels() + c];
        case CV_16U:
            return m.ptr<uint16_t>(y)[x * m.channels() + c];
        default:
            return m.ptr<float>(y)[x * m.channels() + c];
    }
}

/// Every pixel of `image` equals the matrix it was written from: plane p is BGR channel 2 - p.
void expectSameAsMat(const Image& image, const cv::Mat& m) {
    QCOMPARE(image.width, m.cols);
    QCOMPARE(image.height, m.rows);
    const int colours = m.channels() >= 3 ? 3 : 1;
    QCOMPARE(image.planes, colours);
    for (int y = 0; y < m.rows; ++y)
        for (int x = 0; x < m.cols; ++x) {
            const size_t i = static_cast<size_t>(y) * static_cast<size_t>(m.cols) + static_cast<size_t>(x);
            for (int p = 0; p < colours; ++p)
                QCOMPARE(double(image.plane(p)[i]), matValue(m, x, y, colours == 3 ? 2 - p : 0));
            if (m.channels() == 4) {  // alpha as 0..255: 16-bit divided by 257
                const double a = matValue(m, x, y, 3);
                QCOMPARE(image.alpha[i], m.depth() == CV_16U ? float(a) / 257.0f : float(a));
            }
        }
}

}  // namespace

class TestRasterLoader : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string path(const char* name) const { return m_dir.filePath(QString::fromUtf8(name)).toStdString(); }

    std::string writeBytes(const char* name, const Bytes& bytes) {
        const std::string p = path(name);
        std::ofstream(p, std::ios::binary)
            .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        return p;
    }

    Bytes readBytes(const std::string& p) {
        std::ifstream in(p, std::ios::binary);
        return Bytes(std::istreambuf_iterator<char>(in), {});
    }

    std::string writeMat(const char* name, const cv::Mat& m, const std::vector<int>& params = {}) {
        const std::string p = path(name);
        if (!cv::imwrite(p, m, params)) qFatal("cv::imwrite failed for %s", name);
        return p;
    }

    static QString errorOf(const std::string& p, const LoadOptions& options = {}) {
        try {
            loadImage(p, options);
        } catch (const Error& e) {
            return QString::fromStdString(e.what());
        }
        return {};
    }

private slots:
    void readsLosslessFilesExactly_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("type");
        QTest::addColumn<double>("scale");
        QTest::addColumn<int>("bitpix");
        QTest::addColumn<int>("color");
        QTest::addColumn<int>("format");
        const int png = int(ImageFormat::Png), tiff = int(ImageFormat::Tiff);
        QTest::newRow("png grey 8") << "g8.png" << CV_8UC1 << 1.0 << 8 << int(ColorSource::Grey) << png;
        QTest::newRow("png rgb 8") << "c8.png" << CV_8UC3 << 2.0 << 8 << int(ColorSource::Rgb) << png;
        QTest::newRow("png rgba 8") << "a8.png" << CV_8UC4 << 2.5 << 8 << int(ColorSource::Rgba) << png;
        QTest::newRow("png grey 16") << "g16.png" << CV_16UC1 << 675.0 << 16 << int(ColorSource::Grey) << png;
        QTest::newRow("png rgb 16") << "c16.png" << CV_16UC3 << 675.0 << 16 << int(ColorSource::Rgb) << png;
        QTest::newRow("tiff grey 8") << "g8.tif" << CV_8UC1 << 1.0 << 8 << int(ColorSource::Grey) << tiff;
        QTest::newRow("tiff rgb 8") << "c8.tif" << CV_8UC3 << 2.0 << 8 << int(ColorSource::Rgb) << tiff;
        QTest::newRow("tiff rgb 16") << "c16.tif" << CV_16UC3 << 675.0 << 16 << int(ColorSource::Rgb) << tiff;
        QTest::newRow("tiff grey float")
            << "gf.tif" << CV_32FC1 << 0.37 << -32 << int(ColorSource::Grey) << tiff;
        QTest::newRow("tiff rgb float")
            << "cf.tif" << CV_32FC3 << 0.37 << -32 << int(ColorSource::Rgb) << tiff;
    }
    void readsLosslessFilesExactly() {
        QFETCH(QString, name);
        QFETCH(int, type);
        QFETCH(double, scale);
        QFETCH(int, bitpix);
        QFETCH(int, color);
        QFETCH(int, format);
        const cv::Mat m = bgrPattern(23, 17, type, scale);
        // OpenCV writes multi-channel float TIFF as LogLuv unless told otherwise (tested below).
        const std::vector<int> plain{cv::IMWRITE_TIFF_COMPRESSION, 1};
        const bool isFloat = CV_MAT_DEPTH(type) == CV_32F;
        const LoadedImage li =
            loadImage(writeMat(name.toUtf8().constData(), m, isFloat ? plain : std::vector<int>{}));
        const Image& im = li.image;
        QCOMPARE(im.bitpix, bitpix);
        QCOMPARE(int(im.color), color);
        QCOMPARE(int(im.format), format);
        QCOMPARE(int(li.format), format);
        QCOMPARE(im.rgb, im.planes == 3);
        QVERIFY(!im.bottomUp);
        QCOMPARE(im.alpha.empty(), m.channels() != 4);
        expectSameAsMat(im, m);
        // Statistics cover the colour planes only, in double precision.
        double lo = INFINITY, hi = -INFINITY, sum = 0.0;
        for (float v : im.data) {
            lo = std::min(lo, double(v));
            hi = std::max(hi, double(v));
            sum += v;
        }
        QCOMPARE(li.stats.min, lo);
        QCOMPARE(li.stats.max, hi);
        QCOMPARE(li.stats.validCount, int64_t(im.data.size()));
        QVERIFY(std::fabs(li.stats.mean - sum / double(im.data.size())) < 1e-9 * std::max(1.0, hi));
    }

    void sixteenBitKeepsFullRange() {
        cv::Mat m(2, 3, CV_16UC1);
        const uint16_t values[6] = {0, 1, 255, 256, 40000, 65535};
        for (int i = 0; i < 6; ++i) m.at<uint16_t>(i / 3, i % 3) = values[i];
        const Image im = loadImage(writeMat("range16.png", m)).image;
        for (int i = 0; i < 6; ++i) QCOMPARE(im.data[static_cast<size_t>(i)], float(values[i]));
    }

    void floatTiffKeepsNegativeAndFractionalValues() {
        cv::Mat m(1, 4, CV_32FC1);
        m.at<float>(0, 0) = -1.5e-3f;
        m.at<float>(0, 1) = 3.25e7f;
        m.at<float>(0, 2) = 0.1f;
        m.at<float>(0, 3) = -42.0f;
        const LoadedImage li = loadImage(writeMat("range.tif", m));
        QCOMPARE(li.image.bitpix, -32);
        for (int i = 0; i < 4; ++i) QCOMPARE(li.image.data[static_cast<size_t>(i)], m.at<float>(0, i));
        QCOMPARE(li.stats.min, -42.0);
        QCOMPARE(li.stats.max, double(3.25e7f));
    }

    void refusesLogLuvTiffInsteadOfReadingZeros() {
        // OpenCV 4.6 writes CV_32FC3 TIFF as SGILOG/LogLuv by default and decodes it as all zeros.
        const std::string p = writeMat("logluv.tif", bgrPattern(8, 8, CV_32FC3, 0.5));
        QVERIFY2(errorOf(p).contains("LogLuv"), qPrintable(errorOf(p)));
    }

    void readsPaletteAsColourWithPaletteColor() {
        const Bytes plte{255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30};
        const Bytes indices{0, 1, 2, 3, 3, 2, 1, 0};  // 4 x 2
        const Bytes trns{255, 128, 0};                // index 3 stays opaque
        for (bool transparent : {false, true}) {
            const std::string p = writeBytes(transparent ? "pal-t.png" : "pal.png",
                                             encodePng(4, 2, 3, indices, plte, transparent ? trns : Bytes{}));
            const Image im = loadImage(p).image;
            QCOMPARE(int(im.color), int(ColorSource::Palette));
            QCOMPARE(im.planes, 3);
            QVERIFY(im.rgb);
            QCOMPARE(im.bitpix, 8);
            for (size_t i = 0; i < indices.size(); ++i)
                for (int c = 0; c < 3; ++c) QCOMPARE(im.plane(c)[i], float(plte[indices[i] * 3u + c]));
            QCOMPARE(im.alpha.empty(), !transparent);
            if (transparent) {
                const float expectedAlpha[4] = {255, 128, 0, 255};
                for (size_t i = 0; i < indices.size(); ++i) QCOMPARE(im.alpha[i], expectedAlpha[indices[i]]);
            }
        }
    }

    void readsGreyAlphaAsOnePlanePlusAlpha() {
        const Bytes samples{10, 255, 20, 0, 30, 77, 40, 128, 50, 1, 60, 200};  // 3 x 2, (grey, alpha)
        const Image im = loadImage(writeBytes("ga.png", encodePng(3, 2, 4, samples))).image;
        QCOMPARE(int(im.color), int(ColorSource::GreyAlpha));
        QCOMPARE(im.planes, 1);
        QVERIFY(!im.rgb);
        QCOMPARE(im.alpha.size(), size_t(6));
        for (size_t i = 0; i < 6; ++i) {
            QCOMPARE(im.data[i], float(samples[2 * i]));
            QCOMPARE(im.alpha[i], float(samples[2 * i + 1]));
        }
    }

    void readsJpegColourAndGrey() {
        cv::Mat smooth(32, 48, CV_8UC3);
        for (int y = 0; y < 32; ++y)
            for (int x = 0; x < 48; ++x)
                smooth.at<cv::Vec3b>(y, x) = cv::Vec3b(uint8_t(40 + x), uint8_t(100), uint8_t(60 + 3 * y));
        const LoadedImage colour = loadImage(writeMat("c.jpg", smooth));
        QCOMPARE(int(colour.image.color), int(ColorSource::Rgb));
        QCOMPARE(int(colour.image.format), int(ImageFormat::Jpeg));
        QCOMPARE(colour.image.planes, 3);
        QCOMPARE(colour.image.bitpix, 8);
        // Lossy, but a smooth gradient survives within a few levels; R is BGR channel 2.
        const size_t i = 10 * 48 + 20;
        QVERIFY(std::fabs(colour.image.plane(0)[i] - (60 + 30)) <= 4);
        QVERIFY(std::fabs(colour.image.plane(1)[i] - 100) <= 4);
        QVERIFY(std::fabs(colour.image.plane(2)[i] - (40 + 20)) <= 4);

        cv::Mat grey;
        cv::extractChannel(smooth, grey, 0);
        const LoadedImage g = loadImage(writeMat("g.jpg", grey));
        QCOMPARE(int(g.image.color), int(ColorSource::Grey));
        QCOMPARE(g.image.planes, 1);
        QVERIFY(std::fabs(g.image.data[i] - 60) <= 4);
    }

    void jpegWithBytesAfterTheEndMarkerIsAccepted() {
        Bytes jpeg;
        cv::imencode(".jpg", bgrPattern(16, 16, CV_8UC3, 2.0), jpeg);
        Bytes padded = jpeg;
        padded.insert(padded.end(), 100, 0);
        QCOMPARE(loadImage(writeBytes("zeros.jpg", padded)).image.width, 16);
        Bytes trailer = jpeg;
        for (char c : std::string("camera trailer")) trailer.push_back(static_cast<uint8_t>(c));
        QCOMPARE(loadImage(writeBytes("trailer.jpg", trailer)).image.height, 16);
    }

    void headerOnlyLoadDescribesWithoutPixels() {
        LoadOptions options;
        options.pixels = false;
        const LoadedImage li = loadImage(writeMat("hdr.png", bgrPattern(9, 4, CV_16UC3, 10.0)), options);
        QCOMPARE(li.image.width, 9);
        QCOMPARE(li.image.height, 4);
        QCOMPARE(li.image.planes, 3);
        QCOMPARE(li.image.bitpix, 16);
        QCOMPARE(int(li.image.color), int(ColorSource::Rgb));
        QVERIFY(li.image.data.empty());
    }

    void refusesHugeImagesFromTheHeader_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("bytes");
        // Only a header: decoding would fail with a different message, so "too large" proves the
        // refusal came before any pixel work.
        Bytes png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        putChunk(png, "IHDR", ihdr(100000, 100000, 8, 2));
        QTest::newRow("png") << "huge.png"
                             << QByteArray(reinterpret_cast<const char*>(png.data()), int(png.size()));
        const Bytes jpeg{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 'J',  'F',  0xFF, 0xC0,
                         0x00, 0x11, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x03, 1,    0x22,
                         0,    2,    0x11, 1,    3,    0x11, 1,    0xFF, 0xDA};
        QTest::newRow("jpeg") << "huge.jpg"
                              << QByteArray(reinterpret_cast<const char*>(jpeg.data()), int(jpeg.size()));
        // Little-endian TIFF, IFD at 8 with ImageWidth = ImageLength = 70000 (LONG), 3 samples.
        Bytes tiff{'I', 'I', 42, 0, 8, 0, 0, 0, 3, 0};
        auto entry = [&tiff](uint16_t tag, uint16_t type, uint32_t value) {
            const uint8_t e[12] = {
                uint8_t(tag),        uint8_t(tag >> 8),    uint8_t(type),       0, 1, 0, 0, 0, uint8_t(value),
                uint8_t(value >> 8), uint8_t(value >> 16), uint8_t(value >> 24)};
            tiff.insert(tiff.end(), e, e + 12);
        };
        entry(256, 4, 70000);
        entry(257, 4, 70000);
        entry(277, 3, 3);
        tiff.insert(tiff.end(), {0, 0, 0, 0});
        QTest::newRow("tiff") << "huge.tif"
                              << QByteArray(reinterpret_cast<const char*>(tiff.data()), int(tiff.size()));
    }
    void refusesHugeImagesFromTheHeader() {
        QFETCH(QString, name);
        QFETCH(QByteArray, bytes);
        const std::string p = writeBytes(name.toUtf8().constData(), Bytes(bytes.begin(), bytes.end()));
        const QString error = errorOf(p);
        QVERIFY2(error.startsWith(QString::fromStdString(p) + ": image too large"), qPrintable(error));
    }

    void honoursTheSampleLimitOption() {
        const std::string p = writeMat("limit.png", bgrPattern(20, 10, CV_8UC3, 1.0));
        LoadOptions options;
        options.maxSamples = 20 * 10 * 3;
        QCOMPARE(loadImage(p, options).image.width, 20);
        options.maxSamples = 20 * 10 * 3 - 1;
        QVERIFY(errorOf(p, options).contains("image too large"));
    }

    void refusesTruncatedAndCorruptFiles_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("source");
        QTest::addColumn<int>("keep");  // bytes kept; negative: drop that many from the end
        QTest::addColumn<QString>("message");
        QTest::newRow("png half") << "t1.png"
                                  << "src.png" << -2000 << "ends inside chunk IDAT (truncated)";
        QTest::newRow("png no iend") << "t3.png"
                                     << "src.png" << -12 << "ends before its IEND chunk (truncated)";
        QTest::newRow("png header cut") << "t2.png"
                                        << "src.png" << 20 << "truncated";
        QTest::newRow("jpeg half") << "t1.jpg"
                                   << "src.jpg" << -1500 << "file is truncated";
        QTest::newRow("jpeg no eoi") << "t2.jpg"
                                     << "src.jpg" << -2 << "file is truncated";
        QTest::newRow("jpeg header cut") << "t3.jpg"
                                         << "src.jpg" << 40 << "truncated";
        QTest::newRow("tiff half") << "t1.tif"
                                   << "src.tif" << -3000 << "";
        QTest::newRow("tiff header cut") << "t2.tif"
                                         << "src.tif" << 6 << "truncated";
    }
    void refusesTruncatedAndCorruptFiles() {
        QFETCH(QString, name);
        QFETCH(QString, source);
        QFETCH(int, keep);
        QFETCH(QString, message);
        // Noise compresses badly, so cutting bytes from the end always removes image data.
        cv::Mat noise(64, 64, CV_8UC3);
        cv::randu(noise, 0, 256);
        const Bytes full = readBytes(writeMat(source.toUtf8().constData(), noise));
        QVERIFY(full.size() > 4000);
        const size_t n = keep >= 0 ? size_t(keep) : full.size() - size_t(-keep);
        const std::string p =
            writeBytes(name.toUtf8().constData(), Bytes(full.begin(), full.begin() + long(n)));
        const QString error = errorOf(p);
        QVERIFY2(error.startsWith(QString::fromStdString(p) + ": "), qPrintable(error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void refusesRandomBytesBehindAPngSignature() {
        Bytes bytes{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        cv::RNG rng(7);
        for (int i = 0; i < 5000; ++i) bytes.push_back(static_cast<uint8_t>(rng.uniform(0, 256)));
        const std::string p = writeBytes("random.png", bytes);
        QCOMPARE(sniffFile(p), FileKind::Png);
        QVERIFY(errorOf(p).startsWith(QString::fromStdString(p) + ": "));
        // A valid IHDR followed by garbage instead of image data.
        Bytes forged{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        putChunk(forged, "IHDR", ihdr(50, 40, 8, 2));
        forged.insert(forged.end(), bytes.begin() + 8, bytes.end());
        const std::string q = writeBytes("garbage.png", forged);
        QVERIFY2(errorOf(q).contains("malformed chunk at byte 33"), qPrintable(errorOf(q)));
    }

    void refusesAPngWithADamagedByte() {
        cv::Mat noise(64, 64, CV_8UC3);
        cv::randu(noise, 0, 256);
        Bytes bytes = readBytes(writeMat("whole.png", noise));
        bytes[bytes.size() / 2] ^= 0x5a;  // inside IDAT: libpng would half-decode or complain on stderr
        const std::string p = writeBytes("damaged.png", bytes);
        const QString error = errorOf(p);
        QVERIFY2(error.startsWith(QString::fromStdString(p) + ": "), qPrintable(error));
        QVERIFY2(error.contains("chunk IDAT") && error.contains("fails its CRC check"), qPrintable(error));
    }

    void directPngDecoderMatchesOpenCvAndTheSamples_data() {
        QTest::addColumn<int>("colorType");
        QTest::addColumn<int>("depth");
        QTest::addColumn<int>("filter");  // 0..4 on every row; 5: row y uses filter y % 5
        QTest::addColumn<int>("chunk");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        for (int colorType : {0, 2, 4, 6})
            for (int depth : {8, 16})
                for (int filter = 0; filter <= 5; ++filter)
                    QTest::addRow("type %d depth %d filter %d", colorType, depth, filter)
                        << colorType << depth << filter << (filter == 5 ? 97 : 1 << 20) << 37 << 23;
        // Large enough for the rows to be shared among threads, with and without rows chained by
        // Up / Average / Paeth.
        QTest::newRow("large rgb sub") << 2 << 8 << 1 << 8192 << 613 << 977;
        QTest::newRow("large rgb mixed") << 2 << 8 << 5 << 8192 << 613 << 977;
        QTest::newRow("large rgba 16 sub") << 6 << 16 << 1 << 8192 << 301 << 1003;
    }
    void directPngDecoderMatchesOpenCvAndTheSamples() {
        QFETCH(int, colorType);
        QFETCH(int, depth);
        QFETCH(int, filter);
        QFETCH(int, chunk);
        QFETCH(int, width);
        QFETCH(int, height);
        const int w = width, h = height, channels = colorType == 0 ? 1 : colorType == 4 ? 2 : colorType == 2 ? 3 : 4;
        const int bytesPerSample = depth / 8;
        // Values that exercise every predictor: noise plus ramps, wrapping around 255 and 65535.
        cv::RNG rng(uint64_t(colorType * 100 + depth * 10 + filter));
        std::vector<uint32_t> values(size_t(w) * h * channels);
        Bytes samples;
        for (size_t i = 0; i < values.size(); ++i) {
            const uint32_t top = depth == 8 ? 255u : 65535u;
            values[i] = i % 7 == 0 ? top - uint32_t(i % 3) : uint32_t(rng.uniform(0, int(top) + 1));
            if (bytesPerSample == 2) samples.push_back(uint8_t(values[i] >> 8));
            samples.push_back(uint8_t(values[i]));
        }
        const Bytes png = encodeFilteredPng(w, h, uint8_t(depth), uint8_t(colorType), samples,
                                            [filter](int y) { return filter == 5 ? y % 5 : filter; }, size_t(chunk));
        if (pngDirectDecoderAvailable()) {
            Image direct;
            ImageStats stats;
            Bytes scratch = png;  // rearranged by the decoder
            QVERIFY(decodePngDirect(scratch.data(), scratch.size(), direct, stats));
        }
        const LoadedImage li = loadImage(writeBytes("direct.png", png));
        const Image& im = li.image;
        const int colours = channels >= 3 ? 3 : 1;
        QCOMPARE(im.width, w);
        QCOMPARE(im.height, h);
        QCOMPARE(im.planes, colours);
        QCOMPARE(im.bitpix, depth);
        QCOMPARE(im.rgb, colours == 3);
        QCOMPARE(int(im.color), int(colorType == 0 ? ColorSource::Grey : colorType == 4 ? ColorSource::GreyAlpha
                                    : colorType == 2 ? ColorSource::Rgb : ColorSource::Rgba));
        const bool alpha = channels == 2 || channels == 4;
        QCOMPARE(im.alpha.size(), alpha ? size_t(w) * h : size_t(0));
        double lo = INFINITY, hi = -INFINITY, sum = 0.0;
        for (size_t p = 0; p < size_t(w) * h; ++p) {
            for (int c = 0; c < colours; ++c) {
                const double v = values[p * channels + size_t(c)];
                QCOMPARE(double(im.plane(c)[p]), v);
                lo = std::min(lo, v);
                hi = std::max(hi, v);
                sum += v;
            }
            if (alpha) {
                const float a = float(values[p * channels + size_t(channels - 1)]);
                QCOMPARE(im.alpha[p], depth == 8 ? a : a / 257.0f);
            }
        }
        QCOMPARE(li.stats.min, lo);
        QCOMPARE(li.stats.max, hi);
        QCOMPARE(li.stats.mean, sum / double(size_t(w) * h * colours));
        QCOMPARE(li.stats.validCount, int64_t(size_t(w) * h * colours));
        QCOMPARE(li.stats.nanCount, int64_t(0));
        if (colorType != 4) {  // OpenCV, the other path, decodes the same file to the same values
            const cv::Mat m = cv::imdecode(png, cv::IMREAD_UNCHANGED);
            expectSameAsMat(im, m);
        }
    }

    void idatChunksWithOthersBetweenAreRefusedAsBefore() {
        // The specification wants IDAT chunks one after another; libpng (through OpenCV) refuses the
        // file otherwise, and the direct decoder leaves it to OpenCV rather than accept it.
        Bytes samples(size_t(40) * 30 * 3);
        for (size_t i = 0; i < samples.size(); ++i) samples[i] = uint8_t(i * 7 + i / 13);
        const Bytes png = encodeFilteredPng(40, 30, 8, 2, samples, [](int y) { return y % 5; }, 50, {}, true);
        Image direct;
        ImageStats stats;
        Bytes scratch = png;
        QVERIFY(!decodePngDirect(scratch.data(), scratch.size(), direct, stats));
        QVERIFY(scratch == png);
        const std::string p = writeBytes("text-between.png", png);
        QVERIFY2(errorOf(p).startsWith(QString::fromStdString(p) + ": cannot decode PNG"), qPrintable(errorOf(p)));
    }

    void directPngDecoderLeavesOtherLayoutsToOpenCv() {
        const Bytes rgb{10, 20, 30, 40, 50, 60};  // 2 x 1
        // tRNS on RGB: OpenCV adds an alpha channel (the colour 40, 50, 60 is transparent).
        const Bytes trns{0, 40, 0, 50, 0, 60};
        const Bytes withTrns = encodeFilteredPng(2, 1, 8, 2, rgb, [](int) { return 0; }, 1 << 20, trns);
        Image direct;
        ImageStats stats;
        Bytes scratch = withTrns;
        QVERIFY(!decodePngDirect(scratch.data(), scratch.size(), direct, stats));
        QVERIFY(direct.data.empty());
        QVERIFY(scratch == withTrns);
        const Image im = loadImage(writeBytes("trns.png", withTrns)).image;
        QCOMPARE(im.alpha.size(), size_t(2));
        QCOMPARE(im.alpha[0], 255.0f);
        QCOMPARE(im.alpha[1], 0.0f);
        // A palette image is expanded by OpenCV.
        const Bytes palette = encodePng(2, 1, 3, {0, 1}, {1, 2, 3, 4, 5, 6});
        scratch = palette;
        QVERIFY(!decodePngDirect(scratch.data(), scratch.size(), direct, stats));
        QCOMPARE(loadImage(writeBytes("pal2.png", palette)).image.plane(2)[1], 6.0f);
    }

    void directPngDecoderRefusesDamagedStreamsLikeOpenCv_data() {
        QTest::addColumn<int>("damage");  // 0 bad filter byte, 1 stream too short, 2 too long, 3 bad deflate data
        QTest::addColumn<bool>("loads");  // what the OpenCV path does with it
        QTest::newRow("filter byte 7") << 0 << false;
        QTest::newRow("rows missing") << 1 << false;
        QTest::newRow("rows to spare") << 2 << true;  // libpng only warns: "Too much image data"
        QTest::newRow("bad deflate") << 3 << false;
    }
    void directPngDecoderRefusesDamagedStreamsLikeOpenCv() {
        QFETCH(int, damage);
        QFETCH(bool, loads);
        const int w = 8, h = 6;
        Bytes samples(size_t(w) * h * 3);
        for (size_t i = 0; i < samples.size(); ++i) samples[i] = uint8_t(i * 11);
        Bytes png;
        if (damage == 0) {
            png = encodeFilteredPng(w, h, 8, 2, samples, [](int y) { return y == 3 ? 7 : 1; }, 5);
        } else if (damage == 1 || damage == 2) {  // the header says 6 rows, the stream holds 4 or 8
            const int rows = damage == 1 ? 4 : 8;
            samples.resize(size_t(w) * rows * 3, 9);
            png = encodeFilteredPng(w, rows, 8, 2, samples, [](int) { return 0; }, 7);
            Bytes fixed{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
            putChunk(fixed, "IHDR", ihdr(w, h, 8, 2));
            fixed.insert(fixed.end(), png.begin() + 33, png.end());
            png = fixed;
        } else {  // a stored deflate block whose length check fails, with valid CRCs around it
            const Bytes z{0x78, 0x01, 0x01, 0x05, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5};
            png = Bytes{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
            putChunk(png, "IHDR", ihdr(w, h, 8, 2));
            putChunk(png, "IDAT", z);
            putChunk(png, "IEND", {});
        }
        Image direct;
        ImageStats stats;
        Bytes scratch = png;  // IDAT data in chunks of 5 or 7 bytes: joined in place, then put back
        QVERIFY(!decodePngDirect(scratch.data(), scratch.size(), direct, stats));
        QVERIFY(scratch == png);
        const std::string p = writeBytes("damaged-stream.png", png);
        const QString error = errorOf(p);
        QCOMPARE(error.isEmpty(), loads);
        if (!loads) QVERIFY2(error.startsWith(QString::fromStdString(p) + ": cannot decode PNG"), qPrintable(error));
        if (loads) QCOMPARE(loadImage(p).image.plane(2)[size_t(w) * h - 1], float(samples[size_t(w) * h * 3 - 1]));
    }

    void rasterReaderRefusesOtherKinds() {
        const std::string p = writeBytes("x.fits", Bytes(2880, ' '));
        QVERIFY_THROWS_EXCEPTION(Error, readRaster(p, FileKind::Fits, LoadOptions{}));
    }
};

QTEST_GUILESS_MAIN(TestRasterLoader)
#include "tst_rasterloader.moc"
