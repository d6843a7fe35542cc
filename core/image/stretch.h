#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

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

// Pure, NaN-aware interval finders over n values.
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

}  // namespace cosmoclip
