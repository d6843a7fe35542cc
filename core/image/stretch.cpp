#include "image/stretch.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>
#include <utility>

#include "common/parallelfor.h"
#include "image/image.h"
#include "image/orderstats.h"

namespace cosmoclip {

namespace {

constexpr std::array<std::pair<StretchKind, const char*>, 9> kNames{{
    {StretchKind::Auto, "auto"},
    {StretchKind::Linear, "linear"},
    {StretchKind::Percentile, "percentile"},
    {StretchKind::ZScale, "zscale"},
    {StretchKind::Asinh, "asinh"},
    {StretchKind::Log, "log"},
    {StretchKind::Sqrt, "sqrt"},
    {StretchKind::HistEq, "histeq"},
    {StretchKind::None, "none"},
}};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

std::optional<StretchKind> parseStretch(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const auto& [kind, text] : kNames) {
        if (lower == text) {
            return kind;
        }
    }
    return std::nullopt;
}

const char* stretchName(StretchKind kind) {
    for (const auto& [k, text] : kNames) {
        if (k == kind) {
            return text;
        }
    }
    return "unknown";
}

StretchKind defaultStretch(const Image& image) {
    if (image.format != ImageFormat::Fits && image.isEightBit()) {
        return StretchKind::None;
    }
    return StretchKind::Auto;
}

double mtf(double midtones, double x) {
    if (x <= 0.0) {
        return 0.0;
    }
    if (x >= 1.0) {
        return 1.0;
    }
    // For m in [0, 1] and x in (0, 1) the denominator never vanishes.
    const double m = std::clamp(midtones, 0.0, 1.0);
    return (m - 1.0) * x / ((2.0 * m - 1.0) * x - m);
}

std::vector<float> sampleValid(const float* values, size_t n, size_t maxSamples) {
    const size_t limit = std::max<size_t>(1, maxSamples);
    const size_t stride = std::max<size_t>(1, (n + limit - 1) / limit);
    const size_t count = (n + stride - 1) / stride;  // values looked at
    // The strided reads touch most cache lines of a large image: each core samples its own part.
    constexpr size_t kMinPerThread = size_t{1} << 16;
    std::vector<std::vector<float>> parts(parallelParts(count, kMinPerThread));
    parallelFor(count, kMinPerThread, [&](size_t part, size_t begin, size_t end) {
        std::vector<float>& out = parts[part];
        out.reserve(end - begin);
        for (size_t j = begin; j < end; ++j) {
            const float v = values[j * stride];
            if (std::isfinite(v)) {
                out.push_back(v);
            }
        }
    });
    if (parts.size() == 1) {
        return std::move(parts.front());
    }
    std::vector<float> out;
    out.reserve(count);
    for (const std::vector<float>& p : parts) {
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

Interval minMaxInterval(const float* values, size_t n) {
    const FiniteRange r = finiteRange(values, n);
    if (r.count == 0) {
        return {kNaN, kNaN};
    }
    return {r.lo, r.hi};
}

Interval percentileInterval(const float* values, size_t n, double percent) {
    std::vector<float> sample = sampleValid(values, n);
    if (sample.empty()) {
        return {kNaN, kNaN};
    }
    // As astropy's PercentileInterval: the central `percent` %, numpy's linear quantiles.
    const double tail = (100.0 - std::clamp(percent, 0.0, 100.0)) / 200.0;
    const double lo = quantileInPlace(sample, tail);
    const double hi = quantileInPlace(sample, 1.0 - tail);
    return {lo, hi};
}

}  // namespace cosmoclip
