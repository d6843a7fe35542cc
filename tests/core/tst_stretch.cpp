#include <QFile>
#include <QtTest>

#include <fitsio.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "common/error.h"
#include "image/image.h"
#include "image/stretch.h"
#include "testnoise.h"

using namespace cosmoclip;

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// u() and gauss(): tests/core/testnoise.h (u() gives the same numbers as the Python snippets).
using testnoise::gauss;
using testnoise::u;

// Python: def ramp(n): return np.array([0.05*i + 3.0*(u(i)-0.5) for i in range(n)], dtype=np.float32)
std::vector<float> ramp(int n) {
    std::vector<float> v(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        v[static_cast<size_t>(i)] = static_cast<float>(0.05 * i + 3.0 * (u(static_cast<uint64_t>(i)) - 0.5));
    }
    return v;
}

// Python: a[i] = 5000.0 + i if i % 53 == 0 else (-2000.0 if i % 71 == 5 else a[i])
std::vector<float> withOutliers(std::vector<float> v) {
    for (size_t i = 0; i < v.size(); ++i) {
        if (i % 53 == 0) {
            v[i] = static_cast<float>(5000.0 + static_cast<double>(i));
        } else if (i % 71 == 5) {
            v[i] = -2000.0f;
        }
    }
    return v;
}

// Python: 1000 + 5000*u(3i) if u(3i+1) < 0.01 else 1000 + 20*(u(3i)+u(3i+1)+u(3i+2)-1.5), float32
std::vector<float> skySamples(int n) {
    std::vector<float> v(static_cast<size_t>(n));
    for (int k = 0; k < n; ++k) {
        const auto i = static_cast<uint64_t>(k);
        v[static_cast<size_t>(k)] = static_cast<float>(
            u(3 * i + 1) < 0.01 ? 1000.0 + 5000.0 * u(3 * i)
                                : 1000.0 + 20.0 * (u(3 * i) + u(3 * i + 1) + u(3 * i + 2) - 1.5));
    }
    return v;
}

// Python: def small(n, s): return np.array([100 + 80*u(s+4*i+3) if u(s+4*i+3) < 0.15
//     else 100 + 10*(u(s+4*i)+u(s+4*i+1)+u(s+4*i+2)-1.5) for i in range(n)], dtype=np.float32)
// Few samples: the rejection depends on details such as the population (not sample) deviation.
std::vector<float> smallSky(int n, uint64_t s) {
    std::vector<float> v(static_cast<size_t>(n));
    for (int k = 0; k < n; ++k) {
        const auto i = static_cast<uint64_t>(k);
        v[static_cast<size_t>(k)] = static_cast<float>(
            u(s + 4 * i + 3) < 0.15
                ? 100.0 + 80.0 * u(s + 4 * i + 3)
                : 100.0 + 10.0 * (u(s + 4 * i) + u(s + 4 * i + 1) + u(s + 4 * i + 2) - 1.5));
    }
    return v;
}

/// The same values in the same order with NaN inserted so that about 30 % of the result is NaN.
std::vector<float> interleaveNaN(const std::vector<float>& v) {
    std::vector<float> out;
    uint64_t k = 777;
    for (const float x : v) {
        while (u(k++) < 0.3) {
            out.push_back(kNaN);
        }
        out.push_back(x);
    }
    return out;
}

Image imageOf(std::vector<float> values, int width, int height, int planes = 1) {
    Image image;
    image.width = width;
    image.height = height;
    image.planes = planes;
    image.data.assign(values.begin(), values.end());
    image.bitpix = -32;
    image.format = ImageFormat::Fits;
    image.bottomUp = true;
    image.rgb = planes == 3;
    return image;
}

/// A 256 x 256 sky: background 1000 with Gaussian noise sigma 10, and 12 bright Gaussian stars.
Image syntheticSky() {
    const int w = 256, h = 256;
    std::vector<float> v(static_cast<size_t>(w * h));
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            double value = 1000.0 + 10.0 * gauss(static_cast<uint64_t>(y * w + x));
            for (int s = 0; s < 12; ++s) {
                const double sx = 20 + 216 * u(100000 + 3 * s), sy = 20 + 216 * u(100001 + 3 * s);
                const double peak = 5000.0 + 30000.0 * u(100002 + 3 * s);
                value += peak * std::exp(-((x - sx) * (x - sx) + (y - sy) * (y - sy)) / (2 * 2.0 * 2.0));
            }
            v[static_cast<size_t>(y * w + x)] = static_cast<float>(value);
        }
    }
    return imageOf(std::move(v), w, h);
}

double medianOf(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

class TestStretch : public QObject {
    Q_OBJECT

private slots:
    void nameRoundTripsForEveryKind_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("name");
        QTest::newRow("auto") << int(StretchKind::Auto) << "auto";
        QTest::newRow("linear") << int(StretchKind::Linear) << "linear";
        QTest::newRow("percentile") << int(StretchKind::Percentile) << "percentile";
        QTest::newRow("zscale") << int(StretchKind::ZScale) << "zscale";
        QTest::newRow("asinh") << int(StretchKind::Asinh) << "asinh";
        QTest::newRow("log") << int(StretchKind::Log) << "log";
        QTest::newRow("sqrt") << int(StretchKind::Sqrt) << "sqrt";
        QTest::newRow("histeq") << int(StretchKind::HistEq) << "histeq";
        QTest::newRow("none") << int(StretchKind::None) << "none";
    }
    void nameRoundTripsForEveryKind() {
        QFETCH(int, kind);
        QFETCH(QString, name);
        const auto k = static_cast<StretchKind>(kind);
        QCOMPARE(QString::fromLatin1(stretchName(k)), name);
        QVERIFY(parseStretch(stretchName(k)) == k);
        QVERIFY(parseStretch(name.toUpper().toStdString()) == k);
    }
    void parseRejectsUnknownNames() {
        QVERIFY(!parseStretch("foo").has_value());
        QVERIFY(!parseStretch("").has_value());
        QVERIFY(!parseStretch("auto ").has_value());
    }

    void defaultStretchFollowsTheData() {
        Image image;
        image.format = ImageFormat::Png;
        image.bitpix = 8;
        QVERIFY(defaultStretch(image) == StretchKind::None);
        image.bitpix = 16;
        QVERIFY(defaultStretch(image) == StretchKind::Auto);
        image.format = ImageFormat::Tiff;
        image.bitpix = -32;
        QVERIFY(defaultStretch(image) == StretchKind::Auto);
        image.format = ImageFormat::Fits;
        image.bitpix = 8;
        QVERIFY(defaultStretch(image) == StretchKind::Auto);
    }

    void minMaxSkipsNaNAndInfinities() {
        const float inf = std::numeric_limits<float>::infinity();
        const std::vector<float> v{3.0f, kNaN, -2.0f, inf, 7.5f, -inf, kNaN};
        const Interval r = minMaxInterval(v.data(), v.size());
        QCOMPARE(r.lo, -2.0);
        QCOMPARE(r.hi, 7.5);
        const std::vector<float> none{kNaN, inf};
        QVERIFY(std::isnan(minMaxInterval(none.data(), none.size()).lo));
    }

    void percentileIsNumpyLinearQuantile() {
        // 1..10 shuffled, central 80 %: positions 0.9 and 8.1 of the sorted list -> 1.9 and 9.1.
        const std::vector<float> v{7, 3, 10, 1, 5, kNaN, 9, 2, 8, 4, 6};
        const Interval r = percentileInterval(v.data(), v.size(), 80.0);
        QVERIFY(qFuzzyCompare(r.lo, 1.9));
        QVERIFY(qFuzzyCompare(r.hi, 9.1));
        // np.percentile(np.arange(1000), [0.25, 99.75]) == [2.4975, 996.5025] (astropy
        // PercentileInterval(99.5))
        std::vector<float> ramp1000(1000);
        for (int i = 0; i < 1000; ++i) ramp1000[static_cast<size_t>(i)] = static_cast<float>(i);
        const Interval p = percentileInterval(ramp1000.data(), ramp1000.size(), 99.5);
        QVERIFY(qFuzzyCompare(p.lo, 2.4975));
        QVERIFY(qFuzzyCompare(p.hi, 996.5025));
    }
    void percentileOfLargeInputIsSampledButClose() {
        const size_t n = 3'000'000;  // > kMaxStatSamples: strided sample
        std::vector<float> v(n);
        for (size_t i = 0; i < n; ++i) v[i] = static_cast<float>(i);
        const Interval p = percentileInterval(v.data(), n, 99.5);
        QVERIFY(std::fabs(p.lo - 0.0025 * (n - 1)) < 1e-4 * n);
        QVERIFY(std::fabs(p.hi - 0.9975 * (n - 1)) < 1e-4 * n);
    }

    void zscaleMatchesAstropy_data() {
        QTest::addColumn<std::vector<float>>("values");
        QTest::addColumn<int>("width");
        QTest::addColumn<double>("lo");
        QTest::addColumn<double>("hi");
        // Expected: astropy 5.2.1, ZScaleInterval().get_limits(a) with a built by the Python one-liners
        // quoted beside ramp(), withOutliers(), skySamples() and smallSky() above, where u(i) is the
        // splitmix64 of u() written with Python ints masked to 64 bits, / 2.0**53.
        QTest::newRow("ramp 9600") << ramp(9600) << 120 << -1.5 << 450.3529052734375;
        QTest::newRow("ramp 9600 + outliers")
            << withOutliers(ramp(9600)) << 120 << -701.1608324142526 << 1157.9998484496864;
        QTest::newRow("ramp 400") << ramp(400) << 20 << -1.5 << 20.84124183654785;
        QTest::newRow("ramp 400 + outliers")
            << withOutliers(ramp(400)) << 20 << -30.581530657876222 << 51.343481397695044;
        QTest::newRow("sky 250x200") << skySamples(50000) << 250 << 974.9271850585938 << 1060.8404940631285;
        QTest::newRow("small 10") << smallSky(10, 13000) << 10 << 90.81244201660161 << 103.31759643554688;
        QTest::newRow("small 16") << smallSky(16, 155000) << 4 << 89.38818133008348 << 110.06752014160156;
    }
    void zscaleMatchesAstropy() {
        QFETCH(std::vector<float>, values);
        QFETCH(int, width);
        QFETCH(double, lo);
        QFETCH(double, hi);
        const Interval r = zscaleInterval(values.data(), width, static_cast<int>(values.size()) / width);
        // astropy takes the median in float32; allow that rounding.
        QVERIFY2(std::fabs(r.lo - lo) < 1e-5 * (std::fabs(lo) + 1.0),
                 qPrintable(QString::number(r.lo, 'g', 17)));
        QVERIFY2(std::fabs(r.hi - hi) < 1e-5 * (std::fabs(hi) + 1.0),
                 qPrintable(QString::number(r.hi, 'g', 17)));
    }
    void realImageMatchesAstropy() {
        // NGC 1316, RICE tile-compressed int16 440 x 300, shipped with Debian's python3-astropy.
        QString path = QStringLiteral(COSMOCLIP_TESTDATA_DIR "/comp.fits");
        if (!QFile::exists(path))
            path = QStringLiteral("/usr/lib/python3/dist-packages/astropy/io/fits/tests/data/comp.fits");
        if (!QFile::exists(path)) QSKIP("astropy's comp.fits not found (install python3-astropy)");
        fitsfile* f = nullptr;
        int status = 0;
        fits_open_image(&f, (path.toStdString() + "[1]").c_str(), READONLY, &status);
        std::vector<float> v(440 * 300);
        int anynul = 0;
        fits_read_img(f, TFLOAT, 1, static_cast<LONGLONG>(v.size()), nullptr, v.data(), &anynul, &status);
        fits_close_file(f, &status);
        QCOMPARE(status, 0);
        // a = fits.open(path)[1].data.astype(np.float32); ZScaleInterval().get_limits(a);
        // PercentileInterval(99.5).get_limits(a)  (astropy 5.2.1)
        const Interval z = zscaleInterval(v.data(), 440, 300);
        QVERIFY(std::fabs(z.lo - 111.78463108747917) < 1e-6);
        QVERIFY(std::fabs(z.hi - 395.0660639059697) < 1e-6);
        const Interval p = percentileInterval(v.data(), v.size(), 99.5);
        QVERIFY(std::fabs(p.lo - 20.0) < 1e-9);
        QVERIFY(std::fabs(p.hi - 822.0025000000023) < 1e-6);
    }
    void zscaleOfTinyInputIsItsRange() {
        const std::vector<float> v{4, 1, kNaN, 3};
        const Interval r = zscaleInterval(v.data(), 4, 1);
        QCOMPARE(r.lo, 1.0);
        QCOMPARE(r.hi, 4.0);
    }

    void mtfHasItsDefiningProperties() {
        for (const double m : {0.001, 0.05, 0.25, 0.5, 0.8, 0.999}) {
            QVERIFY(qFuzzyCompare(mtf(m, m), 0.5));
            QCOMPARE(mtf(m, 0.0), 0.0);
            QCOMPARE(mtf(m, 1.0), 1.0);
            QCOMPARE(mtf(m, -0.3), 0.0);
            QCOMPARE(mtf(m, 1.7), 1.0);
            double last = 0.0;
            for (int i = 1; i <= 1000; ++i) {
                const double y = mtf(m, i / 1000.0);
                QVERIFY(y > last);
                last = y;
            }
            // The midtones chosen as mtf(target, x) send x to target: what autostretch relies on.
            QVERIFY(qFuzzyCompare(mtf(mtf(0.25, m), m), 0.25));
        }
        QVERIFY(qFuzzyCompare(mtf(0.5, 0.3), 0.3));
        // Hand value: (0.25 - 1) * 0.028 / ((2 * 0.25 - 1) * 0.028 - 0.25) = 0.021 / 0.264
        QVERIFY(qFuzzyCompare(mtf(0.25, 0.028), 0.021 / 0.264));
    }

    void channelStatsGiveMedianAndNormalisedMad() {
        const std::vector<float> v{kNaN, 1, 2, 3, 4, 100, kNaN};
        const ChannelStats s = channelStats(v.data(), v.size());
        QCOMPARE(s.count, size_t{5});
        QCOMPARE(s.min, 1.0);
        QCOMPARE(s.max, 100.0);
        QCOMPARE(s.median, 3.0);  // |x - 3| = 2 1 0 1 97 -> median 1
        QVERIFY(qFuzzyCompare(s.madn, 1.4826));
        const std::vector<float> even{1, 2, 3, 10};  // median 2.5; |x - 2.5| = 1.5 .5 .5 7.5 -> 1
        const ChannelStats e = channelStats(even.data(), even.size());
        QCOMPARE(e.median, 2.5);
        QVERIFY(qFuzzyCompare(e.madn, 1.4826));
    }

    void autostretchParamsNormalCase() {
        ChannelStats c;
        c.count = 100;
        c.median = 0.1;
        c.madn = 0.01;
        const MtfParams p = autostretchParams(std::span(&c, 1), {0.0, 1.0});
        QVERIFY(qFuzzyCompare(p.shadows, 0.1 - 2.8 * 0.01));
        QVERIFY(qFuzzyCompare(p.midtones, 0.021 / 0.264));
        QCOMPARE(p.highlights, 1.0);
        // The same statistics in physical units over 100..300 give the same normalised parameters.
        c.median = 100 + 0.1 * 200;
        c.madn = 0.01 * 200;
        const MtfParams q = autostretchParams(std::span(&c, 1), {100.0, 300.0});
        QVERIFY(qFuzzyCompare(q.shadows, p.shadows));
        QVERIFY(qFuzzyCompare(q.midtones, p.midtones));
    }
    void autostretchParamsInvertedCase() {
        ChannelStats c;
        c.count = 100;
        c.median = 0.9;
        c.madn = 0.01;
        const MtfParams p = autostretchParams(std::span(&c, 1), {0.0, 1.0});
        QCOMPARE(p.shadows, 0.0);
        QVERIFY(qFuzzyCompare(p.highlights, 0.928));
        QVERIFY(qFuzzyCompare(p.midtones, 1.0 - 0.021 / 0.264));
    }
    void autostretchLinkedAveragesChannels() {
        std::vector<ChannelStats> c(2);
        c[0].count = c[1].count = 10;
        c[0].median = 0.1;
        c[0].madn = 0.01;
        c[1].median = 0.3;
        c[1].madn = 0.03;
        const MtfParams p = autostretchParams(c, {0.0, 1.0});
        QVERIFY(qFuzzyCompare(p.shadows, 0.2 - 2.8 * 0.02));
        QVERIFY(qFuzzyCompare(p.midtones, mtf(0.25, 2.8 * 0.02)));
    }

    void autostretchPutsSkyBackgroundNearTarget() {
        const Image sky = syntheticSky();
        StretchParams params;
        const std::vector<StretchTransform> t = resolveStretch(sky, params);
        QCOMPARE(t.size(), size_t{1});
        QVERIFY(t[0].curve == StretchCurve::Mtf);
        std::vector<double> stretched;
        for (const float v : sky.data) stretched.push_back(t[0].apply(v));
        const double median = medianOf(stretched);
        QVERIFY2(std::fabs(median - 0.25) < 0.02, qPrintable(QString::number(median)));
        // Shadows sit 2.8 sigma below the background: about 0.26 % of the pixels are clipped to black.
        const auto black = std::count(stretched.begin(), stretched.end(), 0.0);
        QVERIFY(black > 20 && black < 600);
        // Star peaks stay near white.
        QVERIFY(*std::max_element(stretched.begin(), stretched.end()) > 0.99);
    }

    void asinhLogSqrtFollowAstropy_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<std::vector<double>>("expected");
        // astropy 5.2.1: AsinhStretch(a=0.1), LogStretch(a=1000), SqrtStretch() at [0, 0.25, 0.5, 1]
        QTest::newRow("asinh") << int(StretchKind::Asinh)
                               << std::vector<double>{0, 0.54940249, 0.77126964, 1};
        QTest::newRow("log") << int(StretchKind::Log) << std::vector<double>{0, 0.79977552, 0.89981571, 1};
        QTest::newRow("sqrt") << int(StretchKind::Sqrt) << std::vector<double>{0, 0.5, 0.70710678, 1};
    }
    void asinhLogSqrtFollowAstropy() {
        QFETCH(int, kind);
        QFETCH(std::vector<double>, expected);
        // On the ramp 0..4000 the limits are its 0.25 % and 99.75 % quantiles; the curve itself is then
        // checked on the limits [10, 30], where 15 is t = 0.25 and 20 is t = 0.5.
        std::vector<float> v(4001);
        for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
        StretchParams params;
        params.kind = static_cast<StretchKind>(kind);
        const auto t = resolveStretch(imageOf(v, 4001, 1), params);
        QVERIFY(qFuzzyCompare(t[0].limits.lo, 0.0025 * 4000));
        QVERIFY(qFuzzyCompare(t[0].limits.hi, 0.9975 * 4000));
        StretchTransform fixed = t[0];
        fixed.limits = {10.0, 30.0};
        const double xs[] = {10.0, 15.0, 20.0, 30.0};
        for (int i = 0; i < 4; ++i) {
            QVERIFY2(std::fabs(fixed.apply(xs[i]) - expected[static_cast<size_t>(i)]) < 1e-7,
                     qPrintable(QString::number(fixed.apply(xs[i]), 'g', 10)));
        }
        QCOMPARE(fixed.apply(-5.0), 0.0);
        QCOMPARE(fixed.apply(1e9), 1.0);
        QVERIFY(std::isnan(fixed.apply(kNaN)));
    }

    void histEqOutputIsRoughlyUniform() {
        std::vector<float> v(200 * 200);  // strongly skewed: exponential values
        for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(-std::log(1.0 - u(i + 5)));
        StretchParams params;
        params.kind = StretchKind::HistEq;
        const auto t = resolveStretch(imageOf(v, 200, 200), params);
        QVERIFY(t[0].curve == StretchCurve::HistEq);
        std::vector<int> deciles(10, 0);
        for (const float x : v)
            ++deciles[static_cast<size_t>(std::min(9, static_cast<int>(t[0].apply(x) * 10)))];
        for (const int count : deciles) {
            QVERIFY2(std::abs(count - 4000) < 200, qPrintable(QString::number(count)));
        }
        // A plain linear stretch of the same data piles up at the bottom: the test can tell them apart.
        params.kind = StretchKind::Linear;
        const auto lin = resolveStretch(imageOf(v, 200, 200), params);
        const auto low = std::count_if(v.begin(), v.end(), [&](float x) { return lin[0].apply(x) < 0.1; });
        QVERIFY(low > 20000);
    }

    void nanIsIgnoredByEveryStretch_data() {
        QTest::addColumn<int>("kind");
        for (const StretchKind k :
             {StretchKind::Auto, StretchKind::Linear, StretchKind::Percentile, StretchKind::ZScale,
              StretchKind::Asinh, StretchKind::Log, StretchKind::Sqrt, StretchKind::HistEq}) {
            QTest::newRow(stretchName(k)) << int(k);
        }
    }
    void nanIsIgnoredByEveryStretch() {
        QFETCH(int, kind);
        const std::vector<float> clean = skySamples(20000);
        const std::vector<float> holed = interleaveNaN(clean);
        const double nanFraction = 1.0 - double(clean.size()) / double(holed.size());
        QVERIFY(nanFraction > 0.25 && nanFraction < 0.35);
        StretchParams params;
        params.kind = static_cast<StretchKind>(kind);
        const auto a = resolveStretch(imageOf(clean, int(clean.size()), 1), params);
        const auto b = resolveStretch(imageOf(holed, int(holed.size()), 1), params);
        QCOMPARE(a[0].limits.lo, b[0].limits.lo);
        QCOMPARE(a[0].limits.hi, b[0].limits.hi);
        QCOMPARE(a[0].param, b[0].param);
        QVERIFY(a[0].cdf == b[0].cdf);
        QVERIFY(a[0].limits.hi > a[0].limits.lo);
    }

    void degenerateDataNeverDividesByZero_data() {
        QTest::addColumn<int>("kind");
        for (const StretchKind k :
             {StretchKind::Auto, StretchKind::Linear, StretchKind::Percentile, StretchKind::ZScale,
              StretchKind::Asinh, StretchKind::Log, StretchKind::Sqrt, StretchKind::HistEq}) {
            QTest::newRow(stretchName(k)) << int(k);
        }
    }
    void degenerateDataNeverDividesByZero() {
        QFETCH(int, kind);
        StretchParams params;
        params.kind = static_cast<StretchKind>(kind);
        // Constant data: a degenerate interval, shown mid grey.
        const auto constant = resolveStretch(imageOf(std::vector<float>(64, 42.0f), 8, 8), params);
        QCOMPARE(constant[0].apply(42.0), 0.5);
        // All NaN: no limits, every value stays NaN (rendered black).
        const auto empty = resolveStretch(imageOf(std::vector<float>(64, kNaN), 8, 8), params);
        QVERIFY(std::isnan(empty[0].apply(kNaN)));
        QVERIFY(std::isnan(empty[0].apply(1.0)));
    }

    void linkedColourSharesOneTransform() {
        std::vector<float> v(3 * 100);
        for (size_t i = 0; i < 100; ++i) {
            v[i] = static_cast<float>(i);             // R 0..99
            v[100 + i] = static_cast<float>(i + 50);  // G 50..149
            v[200 + i] = static_cast<float>(2 * i);   // B 0..198
        }
        StretchParams params;
        params.kind = StretchKind::Linear;
        const auto linked = resolveStretch(imageOf(v, 10, 10, 3), params);
        QCOMPARE(linked.size(), size_t{3});
        for (const auto& t : linked) {
            QCOMPARE(t.limits.lo, 0.0);
            QCOMPARE(t.limits.hi, 198.0);
        }
        params.linked = false;
        const auto separate = resolveStretch(imageOf(v, 10, 10, 3), params);
        QCOMPARE(separate[0].limits.hi, 99.0);
        QCOMPARE(separate[1].limits.lo, 50.0);
        QCOMPARE(separate[2].limits.hi, 198.0);
        // One plane of the cube is grey: one transform over that plane only.
        const auto plane = resolveStretch(imageOf(v, 10, 10, 3), params, 1);
        QCOMPARE(plane.size(), size_t{1});
        QCOMPARE(plane[0].limits.hi, 149.0);
    }

    void missingPlaneIsAnError() {
        const Image image = imageOf(std::vector<float>(16, 1.0f), 4, 4);
        QVERIFY_THROWS_EXCEPTION(Error, resolveStretch(image, StretchParams{}, 1));
        Image broken = image;
        broken.data.resize(3);
        QVERIFY_THROWS_EXCEPTION(Error, resolveStretch(broken, StretchParams{}));
    }
};

QTEST_GUILESS_MAIN(TestStretch)
#include "tst_stretch.moc"
