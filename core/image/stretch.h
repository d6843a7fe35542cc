#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cosmoclip {

struct Image;

/// Display stretches. Each maps physical values to display values in [0, 1]; NaN stays NaN.
/// Algorithms: ../shared/docs/sky-display.md (zscale after IRAF/numdisplay, MTF autostretch after
/// PixInsight/Siril/KStars).
enum class StretchKind {
    Auto,        ///< MTF autostretch (shadows -2.8 x normalised MAD, target background 0.25)
    Linear,      ///< min..max
    Percentile,  ///< central `percentile` % of the values, linear
    ZScale,      ///< IRAF zscale limits, linear
    Asinh,       ///< percentile limits, asinh(x/a)/asinh(1/a)
    Log,         ///< percentile limits, log(a x + 1)/log(a + 1)
    Sqrt,        ///< percentile limits, sqrt(x)
    HistEq,      ///< histogram equalisation over min..max
    None,        ///< no stretch: 8-bit /255, 16-bit /65535, other data clamped to [0, 1]
};

std::optional<StretchKind> parseStretch(std::string_view name);  // "auto", "linear", ...
const char* stretchName(StretchKind kind);

struct StretchParams {
    StretchKind kind = StretchKind::Auto;
    double percentile = 99.5;        ///< Percentile/Asinh/Log/Sqrt: central fraction kept, in %
    double shadowsClip = -2.8;       ///< Auto: shadows at median + shadowsClip * MADN
    double targetBackground = 0.25;  ///< Auto: where the median lands
    bool linked = true;              ///< Auto on RGB: one transform for all channels
    double asinhA = 0.1;
    double logA = 1000.0;
};

/// The stretch a viewer starts with: Auto for FITS, 16-bit and float data; None for 8-bit images.
StretchKind defaultStretch(const Image& image);

/// Lower and upper display limits in physical units.
struct Interval {
    double lo = 0.0;
    double hi = 1.0;
};

// Pure, NaN-aware interval finders over n values (NaN and infinities skipped; both limits NaN when no
// value is finite). Percentiles follow numpy's linear quantiles over at most kMaxStatSamples strided
// values; zscale follows astropy's ZScaleInterval (max_reject 0.5, min_npixels 5, krej 2.5, 5 iterations).
Interval minMaxInterval(const float* values, size_t n);
Interval percentileInterval(const float* values, size_t n, double percent);
/// IRAF zscale on a width x height plane (row-major), defaults as IRAF's display task.
Interval zscaleInterval(const float* values, int width, int height, int nsamples = 1000,
                        double contrast = 0.25);

/// Midtones transfer function: 0 at 0, 1 at 1, m maps to 0.5.
double mtf(double midtones, double x);

/// Parameters of one MTF autostretch on normalised [0, 1] data.
struct MtfParams {
    double shadows = 0.0;
    double midtones = 0.5;
    double highlights = 1.0;
};

// ---- Additions (stretch helper): statistics, autostretch and the resolved per-channel transform ----

/// Order statistics (median, MAD, percentiles, histogram) use at most this many values; larger
/// inputs are sampled with a constant stride. Min/max always cover every value.
inline constexpr size_t kMaxStatSamples = 500000;

/// Every valid value (NaN and infinities are skipped) of `n`, or an evenly strided subset of at most
/// kMaxStatSamples of them, in storage order.
std::vector<float> sampleValid(const float* values, size_t n, size_t maxSamples = kMaxStatSamples);

/// Robust statistics of one channel in physical units, NaN and infinities skipped. min/max over all
/// values; median and madn = 1.4826 * median|x - median| over sampleValid(). count = 0 (and the
/// rest NaN) when no value is finite.
struct ChannelStats {
    double min = 0.0;
    double max = 0.0;
    double median = 0.0;
    double madn = 0.0;
    size_t count = 0;
};
ChannelStats channelStats(const float* values, size_t n);

/// MTF autostretch (PixInsight STF / Siril / KStars) from the statistics of one channel, or of several
/// channels for one linked transform (medians and MADNs averaged). Statistics are normalised to [0, 1]
/// by `range` (the data's min..max in physical units). Requires range.hi > range.lo. Normal case:
/// shadows = max(0, median + shadowsClip * MADN), midtones = mtf(targetBackground, median - shadows),
/// highlights = 1. When every channel's median > 0.5 (negatives): shadows = 0, highlights =
/// min(1, median - shadowsClip * MADN), midtones = 1 - mtf(targetBackground, highlights - median).
MtfParams autostretchParams(std::span<const ChannelStats> channels, Interval range, double shadowsClip = -2.8,
                            double targetBackground = 0.25);

/// The curve applied to t = (x - lo) / (hi - lo) clamped to [0, 1].
enum class StretchCurve { Linear, Mtf, Asinh, Log, Sqrt, HistEq };

/// A stretch resolved for one display channel: physical value -> display value in [0, 1].
/// Values <= limits.lo give 0 and >= limits.hi give 1. A degenerate interval (lo == hi, e.g. a
/// constant image) maps values below lo to 0, above hi to 1 and the rest to 0.5 (mid grey).
/// NaN maps to NaN (the renderer paints it black); +inf to 1, -inf to 0.
struct StretchTransform {
    StretchCurve curve = StretchCurve::Linear;
    Interval limits;
    double param = 0.0;      ///< Mtf: midtones; Asinh, Log: a
    std::vector<float> cdf;  ///< HistEq: display value per bin, kHistEqBins equal bins over limits

    double apply(double x) const;
};

/// Bins of the histogram-equalisation CDF. Bin of t in [0, 1]: round(t * (kHistEqBins - 1)).
inline constexpr int kHistEqBins = 65536;

/// Resolves `params` on `image`: one transform per output channel, 3 when plane == -1 and the image
/// is RGB (image.rgb and planes >= 3), else 1 (plane 0, or plane `plane`). With params.linked the
/// three channels share one transform computed from all three; otherwise each gets its own.
/// Throws cosmoclip::Error for a plane that does not exist.
std::vector<StretchTransform> resolveStretch(const Image& image, const StretchParams& params, int plane = -1);

/// Writes transform.apply(in[i]) to out[i] (in place allowed), n values.
void applyStretch(const StretchTransform& transform, const float* in, float* out, size_t n);

}  // namespace cosmoclip
