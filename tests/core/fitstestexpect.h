#pragma once
// Test helper: expected pixel values and statistics computed from what a test wrote, and checks of a
// LoadedImage against them.

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/error.h"
#include "fits/fitsreader.h"

namespace fitstest {

using namespace cosmoclip;

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

struct Expected {
    std::vector<double> physical;  // NaN where missing
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();
    double mean = 0.0;
    int64_t nans = 0;
};

inline Expected expect(const std::vector<double>& stored, double bscale, double bzero, double blank = kNan) {
    Expected e;
    double sum = 0.0;
    for (const double raw : stored) {
        const bool missing = std::isnan(raw) || raw == blank;
        const double v = missing ? kNan : raw * bscale + bzero;
        e.physical.push_back(v);
        if (missing) {
            ++e.nans;
            continue;
        }
        e.min = std::min(e.min, v);
        e.max = std::max(e.max, v);
        sum += v;
    }
    e.mean = sum / static_cast<double>(stored.size() - static_cast<size_t>(e.nans));
    return e;
}

// Every pixel equals the float32 of the expected physical value; stats equal the double ones.
inline void checkAgainst(const LoadedImage& loaded, const Expected& e) {
    QCOMPARE(loaded.image.data.size(), e.physical.size());
    for (size_t i = 0; i < e.physical.size(); ++i) {
        const float got = loaded.image.data[i];
        if (std::isnan(e.physical[i])) {
            QVERIFY2(std::isnan(got), qPrintable(QStringLiteral("pixel %1 should be NaN").arg(i)));
        } else {
            QCOMPARE(got, static_cast<float>(e.physical[i]));
        }
    }
    QCOMPARE(loaded.stats.nanCount, e.nans);
    QCOMPARE(loaded.stats.validCount, static_cast<int64_t>(e.physical.size()) - e.nans);
    QCOMPARE(loaded.stats.min, e.min);
    QCOMPARE(loaded.stats.max, e.max);
    QVERIFY2(std::abs(loaded.stats.mean - e.mean) <= 1e-12 * std::max(1.0, std::abs(e.mean)),
             qPrintable(
                 QStringLiteral("mean %1 != %2").arg(loaded.stats.mean, 0, 'g', 17).arg(e.mean, 0, 'g', 17)));
}

inline const HeaderCard* findCard(const LoadedImage& loaded, const std::string& key) {
    for (const auto& card : loaded.header) {
        if (card.key == key) return &card;
    }
    return nullptr;
}

inline QString errorOf(const std::string& path, const LoadOptions& options = {}) {
    try {
        readFits(path, options);
    } catch (const Error& e) {
        return QString::fromUtf8(e.what());
    }
    return QStringLiteral("<no error>");
}

}  // namespace fitstest
