// IRAF zscale, following astropy's ZScaleInterval (itself the STScI numdisplay port, BSD) step by step
// so that results agree with astropy to rounding: non-finite values dropped, 1-D stride sampling,
// weighted line fit with k-sigma rejection grown by a box of 1 % of the samples.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "image/orderstats.h"
#include "image/stretch.h"

namespace cosmoclip {

namespace {

constexpr int kMinPixels = 5;
constexpr double kMaxReject = 0.5;
constexpr double kRejectSigma = 2.5;  // KREJ
constexpr int kMaxIterations = 5;

/// Finite values per block when looking for the sampled ones: a block holds at most one sample
/// (the stride is ~n / 1000), so finding one costs a scan of at most this many values.
constexpr size_t kCountBlock = 1024;

/// Up to nsamples finite values taken every `valid / nsamples`-th finite value, sorted. `counts`
/// holds the finite values per kCountBlock values (finiteCountsPerBlock), `valid` their sum.
std::vector<double> zscaleSamples(const float* values, size_t n, const std::vector<uint32_t>& counts, size_t valid,
                                  size_t nsamples) {
    const size_t stride = std::max<size_t>(1, valid / nsamples);
    std::vector<double> samples;
    samples.reserve(std::min(valid, nsamples));
    if (valid == n) {  // no NaN: index directly
        for (size_t i = 0; i < n && samples.size() < nsamples; i += stride) {
            samples.push_back(values[i]);
        }
    } else {
        // The finite values of rank 0, stride, 2 stride, ...: skip whole blocks by their counts,
        // then scan the one block that holds the next rank.
        size_t block = 0, before = 0;  // finite values in the blocks before `block`
        for (size_t rank = 0; rank < valid && samples.size() < nsamples; rank += stride) {
            while (before + counts[block] <= rank) {
                before += counts[block++];
            }
            size_t skip = rank - before;
            for (size_t i = block * kCountBlock; i < n; ++i) {
                if (std::isfinite(values[i]) && skip-- == 0) {
                    samples.push_back(values[i]);
                    break;
                }
            }
        }
    }
    std::sort(samples.begin(), samples.end());
    return samples;
}

struct Line {
    double intercept = 0.0;
    double slope = 0.0;
};

/// Least-squares line through (i, s[i]) over the pixels not marked bad.
Line fitLine(const std::vector<double>& s, const std::vector<char>& bad) {
    double sx = 0.0, sy = 0.0, count = 0.0;
    for (size_t i = 0; i < s.size(); ++i) {
        if (!bad[i]) {
            sx += static_cast<double>(i);
            sy += s[i];
            count += 1.0;
        }
    }
    const double mx = sx / count;
    const double my = sy / count;
    double sxy = 0.0, sxx = 0.0;
    for (size_t i = 0; i < s.size(); ++i) {
        if (!bad[i]) {
            const double dx = static_cast<double>(i) - mx;
            sxy += dx * (s[i] - my);
            sxx += dx * dx;
        }
    }
    const double slope = sxx > 0.0 ? sxy / sxx : 0.0;
    return {my - slope * mx, slope};
}

/// Marks samples further than kRejectSigma standard deviations (population, over the good samples)
/// from the line, then dilates the mask as numpy.convolve(mask, ones(ngrow), "same") does.
void rejectOutliers(const std::vector<double>& s, const Line& line, size_t ngrow, std::vector<char>& bad) {
    const size_t n = s.size();
    std::vector<double> flat(n);
    double sum = 0.0, sumSq = 0.0, count = 0.0;
    for (size_t i = 0; i < n; ++i) {
        flat[i] = s[i] - (line.intercept + line.slope * static_cast<double>(i));
    }
    for (size_t i = 0; i < n; ++i) {
        if (!bad[i]) {
            sum += flat[i];
            count += 1.0;
        }
    }
    const double mean = sum / count;
    for (size_t i = 0; i < n; ++i) {
        if (!bad[i]) {
            sumSq += (flat[i] - mean) * (flat[i] - mean);
        }
    }
    const double threshold = kRejectSigma * std::sqrt(sumSq / count);
    for (size_t i = 0; i < n; ++i) {
        if (flat[i] < -threshold || flat[i] > threshold) {
            bad[i] = 1;
        }
    }
    // "same" convolution with a box of length ngrow: out[i] = any(bad[i - ngrow/2 .. i + (ngrow-1)/2]).
    std::vector<char> grown(n, 0);
    const auto before = static_cast<std::ptrdiff_t>(ngrow / 2);
    const auto after = static_cast<std::ptrdiff_t>((ngrow - 1) / 2);
    for (std::ptrdiff_t i = 0; i < static_cast<std::ptrdiff_t>(n); ++i) {
        if (bad[static_cast<size_t>(i)]) {
            const auto first = static_cast<size_t>(std::max<std::ptrdiff_t>(0, i - after));
            const auto last = static_cast<size_t>(std::min<std::ptrdiff_t>(n - 1, i + before));
            std::fill(grown.begin() + static_cast<std::ptrdiff_t>(first),
                      grown.begin() + static_cast<std::ptrdiff_t>(last) + 1, char{1});
        }
    }
    bad.swap(grown);
}

}  // namespace

Interval zscaleInterval(const float* values, int width, int height, int nsamples, double contrast) {
    const size_t n = static_cast<size_t>(std::max(width, 0)) * static_cast<size_t>(std::max(height, 0));
    const std::vector<uint32_t> counts = finiteCountsPerBlock(values, n, kCountBlock);
    size_t valid = 0;
    for (const uint32_t c : counts) valid += c;
    if (valid == 0) {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        return {nan, nan};
    }
    const std::vector<double> s =
        zscaleSamples(values, n, counts, valid, static_cast<size_t>(std::max(nsamples, 1)));
    const size_t npix = s.size();
    Interval limits{s.front(), s.back()};

    const size_t minpix = std::max<size_t>(kMinPixels, static_cast<size_t>(npix * kMaxReject));
    const size_t ngrow = std::max<size_t>(1, static_cast<size_t>(npix * 0.01));
    std::vector<char> bad(npix, 0);
    size_t ngood = npix;
    size_t lastNgood = npix + 1;
    Line line;
    for (int iter = 0; iter < kMaxIterations; ++iter) {
        if (ngood >= lastNgood || ngood < minpix) {
            break;
        }
        line = fitLine(s, bad);
        rejectOutliers(s, line, ngrow, bad);
        lastNgood = ngood;
        ngood = static_cast<size_t>(std::count(bad.begin(), bad.end(), char{0}));
    }
    if (ngood < minpix) {
        return limits;  // too many rejected: the full range of the samples, as IRAF
    }
    const double slope = contrast > 0.0 ? line.slope / contrast : line.slope;
    const auto center = static_cast<double>((npix - 1) / 2);
    const double half = npix % 2 ? s[npix / 2] : 0.5 * (s[npix / 2 - 1] + s[npix / 2]);
    limits.lo = std::max(limits.lo, half - (center - 1.0) * slope);
    limits.hi = std::min(limits.hi, half + (static_cast<double>(npix) - center) * slope);
    return limits;
}

}  // namespace cosmoclip
