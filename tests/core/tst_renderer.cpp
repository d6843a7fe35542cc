#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "common/error.h"
#include "image/image.h"
#include "image/renderer.h"
#include "image/stretch.h"
#include "testnoise.h"

using namespace cosmoclip;

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// u() and gauss(): tests/core/testnoise.h (u() gives the same numbers as the Python snippets).
using testnoise::gauss;
using testnoise::u;

Image floatImage(int width, int height, int planes = 1) {
    Image image;
    image.width = width;
    image.height = height;
    image.planes = planes;
    image.data.assign(static_cast<size_t>(width) * height * planes, 0.0f);
    image.bitpix = -32;
    image.format = ImageFormat::Fits;
    image.bottomUp = true;
    return image;
}

Image byteImage(int width, int height, int planes, ColorSource color) {
    Image image = floatImage(width, height, planes);
    image.bitpix = 8;
    image.format = ImageFormat::Png;
    image.bottomUp = false;
    image.color = color;
    image.rgb = planes == 3;
    for (size_t i = 0; i < image.data.size(); ++i) image.data[i] = static_cast<float>((i * 37 + 11) % 256);
    return image;
}

/// Background `level` with Gaussian noise `sigma`, 8 stars, a fraction `nan` of NaN; `seed` varies the noise.
void fillSky(float* plane, int w, int h, double level, double sigma, uint64_t seed, double nan = 0.1) {
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const auto i = static_cast<uint64_t>(y * w + x);
            double v = level + sigma * gauss(seed * 1000003 + i);
            for (int s = 0; s < 8; ++s) {
                const double sx = w * u(9000 + 2 * s), sy = h * u(9001 + 2 * s);
                v += 20 * level * std::exp(-((x - sx) * (x - sx) + (y - sy) * (y - sy)) / 4.5);
            }
            plane[i] = u(seed * 7 + 77777 + i) < nan ? kNaN : static_cast<float>(v);
        }
    }
}

int medianByte(const Raster8& r, int channel) {
    std::vector<uint8_t> v;
    for (size_t i = static_cast<size_t>(channel); i < r.pixels.size(); i += static_cast<size_t>(r.channels)) {
        v.push_back(r.pixels[i]);
    }
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return v[v.size() / 2];
}

RenderOptions with(StretchKind kind, bool linked = true, int plane = -1) {
    RenderOptions o;
    o.stretch.kind = kind;
    o.stretch.linked = linked;
    o.plane = plane;
    return o;
}

const StretchKind kStretchingKinds[] = {StretchKind::Auto,   StretchKind::Linear, StretchKind::Percentile,
                                        StretchKind::ZScale, StretchKind::Asinh,  StretchKind::Log,
                                        StretchKind::Sqrt,   StretchKind::HistEq};

}  // namespace

class TestRenderer : public QObject {
    Q_OBJECT

private slots:
    void noneOnEightBitRgbaGivesStoredBytes() {
        Image image = byteImage(5, 3, 3, ColorSource::Rgba);
        image.alpha.resize(15);
        for (size_t i = 0; i < 15; ++i) image.alpha[i] = static_cast<float>((i * 53) % 256);
        const Raster8 r = renderImage(image, with(StretchKind::None));
        QCOMPARE(r.width, 5);
        QCOMPARE(r.height, 3);
        QCOMPARE(r.channels, 4);
        QVERIFY(r.color == ColorSource::Rgba);
        for (size_t p = 0; p < 15; ++p) {
            for (int c = 0; c < 3; ++c) {
                QCOMPARE(int(r.pixels[p * 4 + size_t(c)]), int(image.data[size_t(c) * 15 + p]));
            }
            QCOMPARE(int(r.pixels[p * 4 + 3]), int((p * 53) % 256));
        }
    }
    void greyAlphaIsGivenAsRgba() {
        Image image = byteImage(4, 2, 1, ColorSource::GreyAlpha);
        image.alpha.assign(8, 200.0f);
        const Raster8 r = renderImage(image, with(StretchKind::None));
        QCOMPARE(r.channels, 4);
        QVERIFY(r.color == ColorSource::GreyAlpha);
        for (size_t p = 0; p < 8; ++p) {
            for (int c = 0; c < 3; ++c) QCOMPARE(int(r.pixels[p * 4 + size_t(c)]), int(image.data[p]));
            QCOMPARE(int(r.pixels[p * 4 + 3]), 200);
        }
    }
    void noneOnEightBitGreyAndPalette() {
        const Image grey = byteImage(7, 3, 1, ColorSource::Grey);
        const Raster8 g = renderImage(grey, with(StretchKind::None));
        QCOMPARE(g.channels, 1);
        for (size_t i = 0; i < 21; ++i) QCOMPARE(int(g.pixels[i]), int(grey.data[i]));
        const Image palette = byteImage(2, 2, 3, ColorSource::Palette);
        const Raster8 p = renderImage(palette, with(StretchKind::None));
        QCOMPARE(p.channels, 3);
        QVERIFY(p.color == ColorSource::Palette);
        QCOMPARE(int(p.pixels[3 * 3 + 2]), int(palette.data[2 * 4 + 3]));
    }
    void noneOnEightBitFitsIsFlipped() {
        Image image = byteImage(2, 3, 1, ColorSource::Grey);
        image.format = ImageFormat::Fits;
        image.bottomUp = true;
        image.data = {1, 2, 3, 4, 5, 6};
        QCOMPARE(renderImage(image, with(StretchKind::None)).pixels,
                 (std::vector<uint8_t>{5, 6, 3, 4, 1, 2}));
    }
    void histEqPaintsNaNBlackEvenWhenTheMinimumIsCommon() {
        Image image = floatImage(100, 10);
        for (size_t i = 0; i < 1000; ++i) image.data[i] = i % 10 < 3 ? 0.0f : i % 10 == 9 ? kNaN : float(i);
        const Raster8 r = renderImage(image, with(StretchKind::HistEq));
        // 300 of the 900 valid values are the minimum: they map to round(0.3333 * 255) = 85.
        for (size_t i = 0; i < 1000; ++i) {  // the pattern depends on the column only: flip-proof
            if (i % 10 < 3) QCOMPARE(int(r.pixels[i]), 85);
            if (i % 10 == 9) QCOMPARE(int(r.pixels[i]), 0);
        }
        QCOMPARE(int(std::count(r.pixels.begin(), r.pixels.end(), uint8_t{0})), 100);
    }
    void noneScalesSixteenBitAndClampsFloat() {
        Image image = floatImage(3, 1);
        image.format = ImageFormat::Png;
        image.bottomUp = false;
        image.bitpix = 16;
        image.data = {0.0f, 65535.0f, 32768.0f};  // 32768 / 65535 * 255 = 127.502 -> 128
        QCOMPARE(renderImage(image, with(StretchKind::None)).pixels, (std::vector<uint8_t>{0, 255, 128}));
        image.bitpix = -32;
        image.data = {-1.0f, 0.5f, 2.0f};
        QCOMPARE(renderImage(image, with(StretchKind::None)).pixels, (std::vector<uint8_t>{0, 128, 255}));
    }

    void bottomUpRowsAreFlipped() {
        Image image = floatImage(3, 4);
        for (int y = 0; y < 4; ++y) {
            for (int x = 0; x < 3; ++x) image.data[size_t(y * 3 + x)] = static_cast<float>(y);
        }
        const Raster8 flipped = renderImage(image, with(StretchKind::Linear));
        QCOMPARE(flipped.pixels, (std::vector<uint8_t>{255, 255, 255, 170, 170, 170, 85, 85, 85, 0, 0, 0}));
        image.bottomUp = false;
        const Raster8 stored = renderImage(image, with(StretchKind::Linear));
        QCOMPARE(stored.pixels, (std::vector<uint8_t>{0, 0, 0, 85, 85, 85, 170, 170, 170, 255, 255, 255}));
    }

    void linearQuantisesByRoundingAndPaintsNaNBlack() {
        Image image = floatImage(512, 1);
        image.bottomUp = false;
        for (int i = 0; i < 512; ++i) image.data[size_t(i)] = i % 2 ? kNaN : 10.0f + 0.5f * float(i / 2);
        // Values 10 .. 137.5 in steps of 0.5: y = k / 255 exactly for the k-th value.
        const Raster8 r = renderImage(image, with(StretchKind::Linear));
        for (int i = 0; i < 512; ++i) QCOMPARE(int(r.pixels[size_t(i)]), i % 2 ? 0 : i / 2);
    }

    void infinitiesRenderWhiteAndBlack() {
        Image image = floatImage(4, 1);
        image.bottomUp = false;
        const float inf = std::numeric_limits<float>::infinity();
        image.data = {1.0f, inf, -inf, 3.0f};
        for (const StretchKind k :
             {StretchKind::Linear, StretchKind::Auto, StretchKind::Log, StretchKind::HistEq}) {
            const Raster8 r = renderImage(image, with(k));
            QCOMPARE(int(r.pixels[1]), 255);
            QCOMPARE(int(r.pixels[2]), int(r.pixels[0]));  // like the minimum (histeq: CDF of the minimum)
        }
        QCOMPARE(int(renderImage(image, with(StretchKind::Linear)).pixels[2]), 0);
    }
    void nonPositiveSofteningFallsBackToDefault() {
        Image image = floatImage(64, 1);
        for (int i = 0; i < 64; ++i) image.data[size_t(i)] = float(i);
        RenderOptions options = with(StretchKind::Asinh);
        const Raster8 reference = renderImage(image, options);
        options.stretch.asinhA = 0.0;
        QCOMPARE(renderImage(image, options).pixels, reference.pixels);
        options = with(StretchKind::Log);
        const Raster8 log = renderImage(image, options);
        options.stretch.logA = -5.0;
        QCOMPARE(renderImage(image, options).pixels, log.pixels);
    }

    void bytesFollowTheTransform_data() {
        QTest::addColumn<int>("kind");
        for (const StretchKind k : kStretchingKinds) QTest::newRow(stretchName(k)) << int(k);
    }
    void bytesFollowTheTransform() {
        QFETCH(int, kind);
        Image image = floatImage(97, 61);
        fillSky(image.plane(0), 97, 61, 500.0, 12.0, 1);
        const RenderOptions options = with(static_cast<StretchKind>(kind));
        const auto transforms = resolveStretch(image, options.stretch);
        const Raster8 r = renderImage(image, options);
        QCOMPARE(r.channels, 1);
        int maxDiff = 0;
        for (int y = 0; y < 61; ++y) {
            for (int x = 0; x < 97; ++x) {
                const float v = image.data[size_t((60 - y) * 97 + x)];  // bottom-up source
                const int got = r.pixels[size_t(y * 97 + x)];
                if (std::isnan(v)) {
                    QCOMPARE(got, 0);
                    continue;
                }
                const double want = std::clamp(transforms[0].apply(v), 0.0, 1.0) * 255.0;
                maxDiff = std::max(maxDiff, int(std::fabs(got - std::round(want))));
            }
        }
        QVERIFY2(maxDiff <= 1, qPrintable(QString::number(maxDiff)));
        // The resolved-transform overload gives the same bytes.
        QCOMPARE(renderImage(image, transforms, -1).pixels, r.pixels);
    }

    void linkedAndUnlinkedColourDiffer() {
        // A strong colour cast: the red background is 4x the blue one.
        Image image = floatImage(120, 80, 3);
        image.rgb = true;
        fillSky(image.plane(0), 120, 80, 2000.0, 20.0, 11, 0.0);
        fillSky(image.plane(1), 120, 80, 1000.0, 20.0, 12, 0.0);
        fillSky(image.plane(2), 120, 80, 500.0, 20.0, 13, 0.0);
        const Raster8 linked = renderImage(image, with(StretchKind::Auto, true));
        const Raster8 separate = renderImage(image, with(StretchKind::Auto, false));
        QCOMPARE(linked.channels, 3);
        QVERIFY(linked.color == ColorSource::Rgb);
        QVERIFY(linked.pixels != separate.pixels);
        // Linked keeps the cast; unlinked puts every channel's background near 0.25 * 255.
        QVERIFY(medianByte(linked, 0) > medianByte(linked, 2) + 40);
        for (int c = 0; c < 3; ++c) {
            QVERIFY2(std::abs(medianByte(separate, c) - 64) <= 6,
                     qPrintable(QString::number(medianByte(separate, c))));
        }
        // Linked interval stretches use one interval for all three channels.
        const auto lin = resolveStretch(image, with(StretchKind::Linear).stretch);
        QCOMPARE(lin[0].limits.lo, lin[2].limits.lo);
        QCOMPARE(lin[0].limits.hi, lin[2].limits.hi);
    }

    void planeOfACubeIsGrey() {
        Image cube = floatImage(16, 8, 3);
        for (int k = 0; k < 3; ++k) fillSky(cube.plane(k), 16, 8, 100.0 * (k + 1), 5.0, uint64_t(k));
        const Raster8 first = renderImage(cube, with(StretchKind::ZScale));
        QCOMPARE(first.channels, 1);
        const Raster8 third = renderImage(cube, with(StretchKind::ZScale, true, 2));
        QCOMPARE(third.channels, 1);
        QVERIFY(third.color == ColorSource::Grey);
        Image single = floatImage(16, 8);
        std::copy(cube.plane(2), cube.plane(2) + 128, single.data.begin());
        QCOMPARE(third.pixels, renderImage(single, with(StretchKind::ZScale)).pixels);
        QVERIFY_THROWS_EXCEPTION(Error, renderImage(cube, with(StretchKind::Auto, true, 3)));
    }

    void stretchedColourKeepsAlpha() {
        Image image = floatImage(4, 4, 3);
        image.format = ImageFormat::Png;
        image.bottomUp = false;
        image.bitpix = 16;
        image.rgb = true;
        image.color = ColorSource::Rgba;
        for (size_t i = 0; i < image.data.size(); ++i) image.data[i] = float(i * 1000);
        image.alpha.resize(16);
        for (size_t i = 0; i < 16; ++i) image.alpha[i] = float(i * 16);
        const Raster8 r = renderImage(image, with(StretchKind::Linear));
        QCOMPARE(r.channels, 4);
        QVERIFY(r.color == ColorSource::Rgba);
        for (size_t i = 0; i < 16; ++i) QCOMPARE(int(r.pixels[i * 4 + 3]), int(i * 16));
        QCOMPARE(int(r.pixels[0]), 0);
        QCOMPARE(int(r.pixels[15 * 4 + 2]), 255);
    }

    void constantAndAllNaNImagesRender_data() {
        QTest::addColumn<int>("kind");
        for (const StretchKind k : kStretchingKinds) QTest::newRow(stretchName(k)) << int(k);
    }
    void constantAndAllNaNImagesRender() {
        QFETCH(int, kind);
        Image constant = floatImage(9, 5);
        std::fill(constant.data.begin(), constant.data.end(), 3.25f);
        constant.data[7] = kNaN;
        const Raster8 grey = renderImage(constant, with(static_cast<StretchKind>(kind)));
        QCOMPARE(int(std::count(grey.pixels.begin(), grey.pixels.end(), uint8_t{128})), 44);
        QCOMPARE(int(std::count(grey.pixels.begin(), grey.pixels.end(), uint8_t{0})), 1);
        Image empty = floatImage(9, 5);
        std::fill(empty.data.begin(), empty.data.end(), kNaN);
        const Raster8 black = renderImage(empty, with(static_cast<StretchKind>(kind)));
        QCOMPARE(int(std::count(black.pixels.begin(), black.pixels.end(), uint8_t{0})), 45);
    }

    void fitWithinAveragesAreas() {
        Raster8 r;
        r.width = 100;
        r.height = 50;
        r.channels = 3;
        r.pixels.resize(100 * 50 * 3);
        for (int y = 0; y < 50; ++y) {
            for (int x = 0; x < 100; ++x) {
                for (int c = 0; c < 3; ++c) {
                    // 5x5 blocks: block + channel, plus 10 on the block's columns 1 and 3
                    const int block = (y / 5) * 20 + x / 5;
                    r.pixels[size_t((y * 100 + x) * 3 + c)] = uint8_t(block + c + ((x % 5) % 2) * 10);
                }
            }
        }
        const Raster8 small = fitWithin(r, 20);
        QCOMPARE(small.width, 20);
        QCOMPARE(small.height, 10);
        QCOMPARE(small.channels, 3);
        for (int by = 0; by < 10; ++by) {
            for (int bx = 0; bx < 20; ++bx) {
                for (int c = 0; c < 3; ++c) {
                    // Columns 0..4 of a block: +0, +10, +0, +10, +0 -> mean +4
                    QCOMPARE(int(small.pixels[size_t((by * 20 + bx) * 3 + c)]), by * 20 + bx + c + 4);
                }
            }
        }
        QCOMPARE(fitWithin(r, 100).pixels, r.pixels);
        QCOMPARE(fitWithin(r, 0).width, 100);
        Raster8 wide;
        wide.width = 4096;
        wide.height = 1000;
        wide.channels = 1;
        wide.pixels.assign(4096 * 1000, 7);
        const Raster8 w = fitWithin(wide, 512);
        QCOMPARE(w.width, 512);
        QCOMPARE(w.height, 125);
        QVERIFY(std::all_of(w.pixels.begin(), w.pixels.end(), [](uint8_t v) { return v == 7; }));
        r.pixels.pop_back();
        QVERIFY_THROWS_EXCEPTION(Error, fitWithin(r, 20));
    }
};

QTEST_GUILESS_MAIN(TestRenderer)
#include "tst_renderer.moc"
