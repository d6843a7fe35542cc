// Resolving a StretchParams on an image into per-channel transforms (limits + curve), and applying them.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "common/error.h"
#include "image/image.h"
#include "image/orderstats.h"
#include "image/stretch.h"

namespace cosmoclip {

namespace {

int histEqBin(double t) {
    return static_cast<int>(t * (kHistEqBins - 1) + 0.5);
}

/// Display value per bin: the fraction of the (sampled) values in this bin or below.
std::vector<float> histEqCdf(const float* values, size_t n, Interval limits) {
    std::vector<float> cdf(kHistEqBins, 0.0f);
    const std::vector<float> sample = sampleValid(values, n);
    const double span = limits.hi - limits.lo;
    if (sample.empty() || !(span > 0.0)) {
        return cdf;
    }
    std::vector<uint32_t> counts(kHistEqBins, 0);
    for (const float v : sample) {
        const double t = std::clamp((v - limits.lo) / span, 0.0, 1.0);
        ++counts[static_cast<size_t>(histEqBin(t))];
    }
    double cumulative = 0.0;
    const double total = static_cast<double>(sample.size());
    for (int b = 0; b < kHistEqBins; ++b) {
        cumulative += counts[static_cast<size_t>(b)];
        cdf[static_cast<size_t>(b)] = static_cast<float>(cumulative / total);
    }
    return cdf;
}

StretchTransform autoTransform(std::span<const ChannelStats> stats, const StretchParams& params) {
    Interval range{INFINITY, -INFINITY};
    for (const ChannelStats& s : stats) {
        if (s.count > 0) {
            range.lo = std::min(range.lo, s.min);
            range.hi = std::max(range.hi, s.max);
        }
    }
    StretchTransform t;
    if (!(range.hi >= range.lo)) {
        t.limits = {NAN, NAN};  // no finite value at all
        return t;
    }
    if (!(range.hi > range.lo)) {
        t.limits = range;  // constant data: degenerate interval, mid grey
        return t;
    }
    const MtfParams p = autostretchParams(stats, range, params.shadowsClip, params.targetBackground);
    const double span = range.hi - range.lo;
    t.curve = StretchCurve::Mtf;
    t.limits = {range.lo + p.shadows * span, range.lo + p.highlights * span};
    t.param = p.midtones;
    return t;
}

Interval noneLimits(const Image& image) {
    if (image.bitpix == 8) {
        return {0.0, 255.0};
    }
    if (image.bitpix == 16) {
        return {0.0, 65535.0};
    }
    return {0.0, 1.0};
}

/// One transform for n values (one plane, or several contiguous planes when linked). `rows` is the
/// height of that block in image rows, for zscale's sampling.
StretchTransform intervalTransform(const Image& image, const float* values, size_t n, int rows,
                                   const StretchParams& params) {
    StretchTransform t;
    switch (params.kind) {
        case StretchKind::Auto: {
            const ChannelStats s = channelStats(values, n);
            return autoTransform(std::span(&s, 1), params);
        }
        case StretchKind::Linear:
            t.limits = minMaxInterval(values, n);
            break;
        case StretchKind::Percentile:
            t.limits = percentileInterval(values, n, params.percentile);
            break;
        case StretchKind::ZScale:
            t.limits = zscaleInterval(values, image.width, rows);
            break;
        case StretchKind::Asinh:
        case StretchKind::Log:
        case StretchKind::Sqrt:
            t.limits = percentileInterval(values, n, params.percentile);
            t.curve = params.kind == StretchKind::Asinh ? StretchCurve::Asinh
                      : params.kind == StretchKind::Log ? StretchCurve::Log
                                                        : StretchCurve::Sqrt;
            // A non-positive softening parameter has no meaning (division by zero): use the default.
            t.param = params.kind == StretchKind::Asinh
                          ? (params.asinhA > 0.0 ? params.asinhA : StretchParams{}.asinhA)
                      : params.kind == StretchKind::Log
                          ? (params.logA > 0.0 ? params.logA : StretchParams{}.logA)
                          : 0.0;
            break;
        case StretchKind::HistEq:
            t.limits = minMaxInterval(values, n);
            t.curve = StretchCurve::HistEq;
            t.cdf = histEqCdf(values, n, t.limits);
            break;
        case StretchKind::None:
            t.limits = noneLimits(image);
            break;
    }
    return t;
}

std::vector<int> displayPlanes(const Image& image, int plane) {
    if (image.width <= 0 || image.height <= 0 || image.planes <= 0 ||
        image.data.size() < image.planeSize() * static_cast<size_t>(image.planes)) {
        throw Error("image has no pixel data to display");
    }
    if (plane >= image.planes || plane < -1) {
        throw Error("plane " + std::to_string(plane) + " does not exist (the image has " +
                    std::to_string(image.planes) + (image.planes == 1 ? " plane)" : " planes)"));
    }
    if (plane >= 0) {
        return {plane};
    }
    return image.rgb && image.planes >= 3 ? std::vector<int>{0, 1, 2} : std::vector<int>{0};
}

}  // namespace

double StretchTransform::apply(double x) const {
    const double lo = limits.lo, hi = limits.hi;
    if (std::isnan(x) || std::isnan(lo) || std::isnan(hi)) {
        return NAN;
    }
    if (!(hi > lo)) {
        return x < lo ? 0.0 : x > hi ? 1.0 : 0.5;
    }
    const double t = std::clamp((x - lo) / (hi - lo), 0.0, 1.0);
    switch (curve) {
        case StretchCurve::Linear:
            return t;
        case StretchCurve::Mtf:
            return mtf(param, t);
        case StretchCurve::Asinh:
            return std::asinh(t / param) / std::asinh(1.0 / param);
        case StretchCurve::Log:
            return std::log(param * t + 1.0) / std::log(param + 1.0);
        case StretchCurve::Sqrt:
            return std::sqrt(t);
        case StretchCurve::HistEq:
            return cdf.size() == static_cast<size_t>(kHistEqBins) ? cdf[static_cast<size_t>(histEqBin(t))]
                                                                  : t;
    }
    return t;
}

void applyStretch(const StretchTransform& transform, const float* in, float* out, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        out[i] = static_cast<float>(transform.apply(in[i]));
    }
}

std::vector<StretchTransform> resolveStretch(const Image& image, const StretchParams& params, int plane) {
    const std::vector<int> planes = displayPlanes(image, plane);
    const size_t size = image.planeSize();
    const auto count = static_cast<int>(planes.size());
    if (count == 1 || !params.linked) {
        std::vector<StretchTransform> out;
        for (const int k : planes) {
            out.push_back(intervalTransform(image, image.plane(k), size, image.height, params));
        }
        return out;
    }
    // Linked colour: one transform computed over the three planes, which are contiguous in memory.
    if (params.kind == StretchKind::Auto) {
        std::vector<ChannelStats> stats;
        for (const int k : planes) {
            stats.push_back(channelStats(image.plane(k), size));
        }
        return std::vector<StretchTransform>(planes.size(), autoTransform(stats, params));
    }
    const StretchTransform t = intervalTransform(image, image.plane(planes.front()), size * planes.size(),
                                                 image.height * count, params);
    return std::vector<StretchTransform>(planes.size(), t);
}

}  // namespace cosmoclip
