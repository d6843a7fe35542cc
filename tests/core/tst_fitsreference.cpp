// readFits() on real FITS files from Debian packages (M51 from scikit-image, astropy's test files with
// RICE compression, BSCALE, BZERO 32768, BLANK, MEF, random groups and tables, sunpy's gzip files,
// fitsio's GZIP_2 .fz, spectral-cube's 4-D cube), compared with what astropy reads from them.
// tests/data/fetch-testdata.sh fetches the files and writes reference.json with
// tests/data/make_fits_reference.py; without it the test skips.
#include <QtTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <string>

#include "common/error.h"
#include "fits/fitsreader.h"
#include "image/imageloader.h"

using namespace cosmoclip;
using nlohmann::json;

namespace {

constexpr double kRelativeTolerance = 1e-6;

double number(const json& value) {
    return value.is_null() ? std::numeric_limits<double>::quiet_NaN() : value.get<double>();
}

// |got - want| within 1e-6 of `scale` (the data's magnitude); NaN only matches NaN.
bool close(double got, double want, double scale) {
    if (std::isnan(want) || std::isnan(got)) return std::isnan(want) && std::isnan(got);
    return std::abs(got - want) <= kRelativeTolerance * std::max({std::abs(want), scale, 1e-30});
}

const char* typeName(HduType type) {
    return hduTypeName(type);
}

std::string headerValue(const LoadedImage& loaded, const std::string& key) {
    for (const auto& card : loaded.header) {
        if (card.key == key) return card.value;
    }
    return "<missing>";
}

}  // namespace

class TestFitsReference : public QObject {
    Q_OBJECT

private:
    json m_reference;
    std::string m_folder;

    std::string file(const QString& name) const { return m_folder + "/" + name.toStdString(); }
    const json& entry(const QString& name) const { return m_reference["files"][name.toStdString()]; }

    void fileRows() {
        QTest::addColumn<QString>("name");
        for (const auto& [name, value] : m_reference["files"].items()) {
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
        }
    }

private slots:
    void initTestCase() {
        m_folder = COSMOCLIP_TESTDATA_DIR "/fits";
        std::ifstream in(m_folder + "/reference.json");
        if (!in) QSKIP("no real FITS test files: run tests/data/fetch-testdata.sh first");
        m_reference = json::parse(in);
        QVERIFY(m_reference["files"].size() >= 20);
    }

    void listsHdusLikeAstropy_data() { fileRows(); }
    void listsHdusLikeAstropy() {
        QFETCH(QString, name);
        const json& want = entry(name);
        if (want.contains("error")) {
            // Nothing to open as an image: the reader says why (random groups, tables only).
            try {
                readFits(file(name), {});
                QFAIL("expected an error");
            } catch (const Error& e) {
                const QString message = QString::fromUtf8(e.what());
                QVERIFY2(message.startsWith(QString::fromStdString(file(name)) + QStringLiteral(": ")),
                         e.what());
                QVERIFY2(message.contains(QString::fromStdString(want["error"].get<std::string>())),
                         e.what());
            }
            return;
        }
        LoadOptions options;
        options.pixels = false;
        const LoadedImage loaded = readFits(file(name), options);
        QCOMPARE(loaded.selectedHdu, want["default_hdu"].get<int>());
        QCOMPARE(loaded.hdus.size(), want["hdus"].size());
        for (size_t i = 0; i < loaded.hdus.size(); ++i) {
            const HduInfo& got = loaded.hdus[i];
            const json& hdu = want["hdus"][i];
            QCOMPARE(got.index, hdu["index"].get<int>());
            QCOMPARE(QString::fromUtf8(typeName(got.type)),
                     QString::fromStdString(hdu["type"].get<std::string>()));
            QCOMPARE(got.shape, hdu["shape"].get<std::vector<int64_t>>());
            QCOMPARE(got.bitpix, hdu["bitpix"].get<int>());
            QCOMPARE(QString::fromStdString(got.name),
                     QString::fromStdString(hdu["name"].get<std::string>()));
        }
    }

    void pixelsAndStatsLikeAstropy_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("image");
        for (const auto& [name, value] : m_reference["files"].items()) {
            for (size_t k = 0; k < value["images"].size(); ++k) {
                const std::string tag = name + " HDU " + std::to_string(value["images"][k]["hdu"].get<int>());
                QTest::newRow(tag.c_str()) << QString::fromStdString(name) << int(k);
            }
        }
    }
    void pixelsAndStatsLikeAstropy() {
        QFETCH(QString, name);
        QFETCH(int, image);
        const json& want = entry(name)["images"][size_t(image)];
        LoadOptions options;
        options.hdu = std::to_string(want["hdu"].get<int>());
        const LoadedImage loaded = loadImage(file(name), options);
        const Image& got = loaded.image;
        QCOMPARE(got.width, want["width"].get<int>());
        QCOMPARE(got.height, want["height"].get<int>());
        QCOMPARE(got.planes, want["planes"].get<int>());
        QCOMPARE(got.bitpix, want["bitpix"].get<int>());
        QCOMPARE(got.bscale, want["bscale"].get<double>());
        QCOMPARE(got.bzero, want["bzero"].get<double>());
        QCOMPARE(loaded.stats.nanCount, want["nan_count"].get<int64_t>());
        const double scale = std::max(std::abs(number(want["min"])), std::abs(number(want["max"])));
        for (const char* stat : {"min", "max", "mean"}) {
            const double value = std::string(stat) == "min"   ? loaded.stats.min
                                 : std::string(stat) == "max" ? loaded.stats.max
                                                              : loaded.stats.mean;
            QVERIFY2(close(value, number(want[stat]), std::isnan(scale) ? 0.0 : scale),
                     qPrintable(QStringLiteral("%1: got %2, astropy %3")
                                    .arg(stat)
                                    .arg(value, 0, 'g', 17)
                                    .arg(number(want[stat]), 0, 'g', 17)));
        }
        for (const json& pixel : want["pixels"]) {
            const int x = pixel["x"].get<int>();
            const int y = pixel["y"].get<int>();
            const float value =
                got.plane(pixel["plane"].get<int>())[size_t(y) * size_t(got.width) + size_t(x)];
            QVERIFY2(close(value, number(pixel["value"]), 0.0),
                     qPrintable(QStringLiteral("pixel (%1,%2) plane %3: got %4, astropy %5")
                                    .arg(x)
                                    .arg(y)
                                    .arg(pixel["plane"].get<int>())
                                    .arg(value)
                                    .arg(number(pixel["value"]))));
        }
        for (const auto& [key, value] : want["keys"].items()) {
            const std::string text = headerValue(loaded, key);
            QVERIFY2(text != "<missing>", key.c_str());
            if (value.is_string()) {
                QCOMPARE(QString::fromStdString(text), QString::fromStdString(value.get<std::string>()));
            } else {
                QVERIFY2(close(std::stod(text), value.get<double>(), 0.0), (key + " = " + text).c_str());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestFitsReference)
#include "tst_fitsreference.moc"
