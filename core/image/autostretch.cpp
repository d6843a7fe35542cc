// MTF autostretch (PixInsight STF AutoStretch as implemented by Siril and KStars): statistics of a
// channel and the shadows / midtones / highlights that put the background median at the target.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "image/orderstats.h"
#include "image/stretch.h"

namespace cosmoclip {

namespace {

constexpr double kMadToSigma = 1.4826;   // MAD of a normal distribution -> its standard deviation
constexpr double kZeroMadGuard = 0.001;  // Siril's stand-in when more than half the values are equal

}  // namespace

ChannelStats channelStats(const float* values, size_t n) {
    ChannelStats stats;
    std::vector<float> sample;  // sampleValid(values, n), taken in the same pass as the range
    const FiniteRange range = finiteRangeAndSample(values, n, kMaxStatSamples, sample);
    stats.count = range.count;
    if (range.count == 0) {
        stats.min = stats.max = stats.median = stats.madn = std::numeric_limits<double>::quiet_NaN();
        return stats;
    }
    stats.min = range.lo;
    stats.max = range.hi;
    const double median = medianInPlace(sample);
    for (float& v : sample) {
        v = static_cast<float>(std::fabs(static_cast<double>(v) - median));
    }
    stats.median = median;
    stats.madn = kMadToSigma * medianInPlace(sample);
    return stats;
}

MtfParams autostretchParams(std::span<const ChannelStats> channels, Interval range, double shadowsClip,
                            double targetBackground) {
    const double span = range.hi - range.lo;
    double medianSum = 0.0, madnSum = 0.0;
    int used = 0;
    bool allBright = true;
    for (const ChannelStats& c : channels) {
        if (c.count == 0 || !(span > 0.0)) {
            continue;  // a channel without data does not vote
        }
        const double median = (c.median - range.lo) / span;
        const double madn = c.madn > 0.0 ? c.madn / span : kZeroMadGuard;
        medianSum += median;
        madnSum += madn;
        allBright = allBright && median > 0.5;
        ++used;
    }
    MtfParams p;
    if (used == 0) {
        return p;  // identity
    }
    const double median = medianSum / used;
    const double madn = madnSum / used;
    if (!allBright) {
        p.shadows = std::clamp(median + shadowsClip * madn, 0.0, 1.0);
        p.highlights = 1.0;
        p.midtones = mtf(targetBackground, median - p.shadows);
    } else {
        // Negative-like data (bright background): clip the highlights instead, mirror the curve.
        p.shadows = 0.0;
        p.highlights = std::clamp(median - shadowsClip * madn, 0.0, 1.0);
        p.midtones = 1.0 - mtf(targetBackground, p.highlights - median);
    }
    return p;
}

}  // namespace cosmoclip
