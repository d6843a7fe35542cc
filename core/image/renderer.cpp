#include "image/renderer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "common/error.h"
#include "common/largebuffer.h"
#include "common/parallelfor.h"
#include "common/vectorclones.h"

namespace cosmoclip {

namespace {

constexpr int kLutSize = kHistEqBins;  // one bin rule for the LUT curves and histogram equalisation

/// One channel's transform prepared for the pixel loop. Linear and MTF are computed per pixel in
/// float (exact to the 8-bit step even for the steep MTF of faint backgrounds); the other curves go
/// through a 65536-entry table over the limits.
struct RowKernel {
    enum class Mode { Black, Step, Linear, Mtf, Lut } mode = Mode::Black;
    float lo = 0.0f;
    float hi = 0.0f;
    float scale = 0.0f;  ///< 1 / (hi - lo)
    float midtones = 0.5f;
    std::vector<uint8_t> lut;  ///< Lut: entry 0 is NaN (black), entry i + 1 is table bin i
};

RowKernel makeKernel(const StretchTransform& t) {
    RowKernel k;
    const double lo = t.limits.lo, hi = t.limits.hi;
    if (!std::isfinite(lo) || !std::isfinite(hi)) {
        return k;  // no finite data: black
    }
    k.lo = static_cast<float>(lo);
    k.hi = static_cast<float>(hi);
    if (!(hi > lo) || !(k.hi > k.lo)) {
        k.mode = RowKernel::Mode::Step;
        return k;
    }
    k.scale = static_cast<float>(1.0 / (hi - lo));
    if (t.curve == StretchCurve::Linear) {
        k.mode = RowKernel::Mode::Linear;
    } else if (t.curve == StretchCurve::Mtf) {
        k.mode = RowKernel::Mode::Mtf;
        // Inside (0, 1) the MTF denominator cannot vanish, so t = 0 and t = 1 stay exact.
        k.midtones = static_cast<float>(std::clamp(t.param, 1e-7, 1.0 - 1e-7));
    } else {
        k.mode = RowKernel::Mode::Lut;
        k.lut.assign(kLutSize + 1, 0);
        // 65536 evaluations of asinh or log cost a millisecond or two: shared among the cores.
        parallelFor(kLutSize, kLutSize / 4, [&](size_t, size_t begin, size_t end) {
            for (size_t i = begin; i < end; ++i) {
                const double x = lo + (hi - lo) * static_cast<double>(i) / (kLutSize - 1);
                const double y = std::clamp(t.apply(x), 0.0, 1.0);
                k.lut[i + 1] = static_cast<uint8_t>(y * 255.0 + 0.5);
            }
        });
    }
    return k;
}

bool sameTransform(const StretchTransform& a, const StretchTransform& b) {
    const auto same = [](double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); };
    return a.curve == b.curve && same(a.limits.lo, b.limits.lo) && same(a.limits.hi, b.limits.hi) &&
           same(a.param, b.param) && a.cdf == b.cdf;
}

inline float clamp01(float t) {
    t = t > 0.0f ? t : 0.0f;  // NaN fails the test and becomes 0 (black)
    return t < 1.0f ? t : 1.0f;
}

inline uint8_t toByte(float y) {
    return static_cast<uint8_t>(static_cast<int>(y * 255.0f + 0.5f));
}

/// Stretches one row of w values into w bytes. Each mode is its own branch-free loop (vectorised).
/// `scratch` is working space for the table curves.
COSMOCLIP_VECTOR_CLONES
void renderRow(const RowKernel& k, const float* src, uint8_t* dst, int w, std::vector<int32_t>& scratch) {
    const float lo = k.lo, hi = k.hi, s = k.scale;
    switch (k.mode) {
        case RowKernel::Mode::Black:
            std::memset(dst, 0, static_cast<size_t>(w));
            break;
        case RowKernel::Mode::Step:
            for (int i = 0; i < w; ++i) {
                const float v = src[i];
                dst[i] = v != v ? 0 : v < lo ? 0 : v > hi ? 255 : 128;
            }
            break;
        case RowKernel::Mode::Linear:
            for (int i = 0; i < w; ++i) {
                dst[i] = toByte(clamp01((src[i] - lo) * s));
            }
            break;
        case RowKernel::Mode::Mtf: {
            const float m = k.midtones, a = m - 1.0f, b = 2.0f * m - 1.0f;
            for (int i = 0; i < w; ++i) {
                const float t = clamp01((src[i] - lo) * s);
                dst[i] = toByte(a * t / (b * t - m));
            }
            break;
        }
        case RowKernel::Mode::Lut: {
            // Two passes: the index arithmetic vectorises on its own, the table look-up cannot.
            // Nearly twice as fast as one fused loop.
            scratch.resize(static_cast<size_t>(w));
            int32_t* index = scratch.data();
            for (int i = 0; i < w; ++i) {
                const float v = src[i];
                const float t = clamp01((v - lo) * s);
                index[i] = v == v ? static_cast<int32_t>(t * (kLutSize - 1) + 0.5f) + 1 : 0;
            }
            const uint8_t* lut = k.lut.data();
            for (int i = 0; i < w; ++i) {
                dst[i] = lut[index[i]];
            }
            break;
        }
    }
}

inline uint8_t storedByte(float v) {
    return v == v ? static_cast<uint8_t>(static_cast<int>(std::clamp(v, 0.0f, 255.0f) + 0.5f)) : 0;
}

/// Three rendered rows -> interleaved RGB. Its own loop, without a branch, so that it vectorises
/// where the CPU has byte shuffles (COSMOCLIP_VECTOR_CLONES).
COSMOCLIP_VECTOR_CLONES
void interleaveRgb(const uint8_t* r, const uint8_t* g, const uint8_t* b, uint8_t* dst, size_t w) {
    for (size_t x = 0; x < w; ++x) {
        dst[3 * x] = r[x];
        dst[3 * x + 1] = g[x];
        dst[3 * x + 2] = b[x];
    }
}

COSMOCLIP_VECTOR_CLONES
void interleaveRgba(const uint8_t* r, const uint8_t* g, const uint8_t* b, const float* alpha, uint8_t* dst, size_t w) {
    for (size_t x = 0; x < w; ++x) {
        dst[4 * x] = r[x];
        dst[4 * x + 1] = g[x];
        dst[4 * x + 2] = b[x];
        dst[4 * x + 3] = storedByte(alpha[x]);
    }
}

/// Stored values of one row as bytes (rounded, clamped, NaN 0).
COSMOCLIP_VECTOR_CLONES
void storedRow(const float* src, uint8_t* dst, size_t w) {
    for (size_t x = 0; x < w; ++x) {
        dst[x] = storedByte(src[x]);
    }
}

/// Copies 8-bit data as stored (StretchKind::None): the bytes Pillow would see, alpha appended. The
/// default for 8-bit pictures, so every PNG and JPEG the indexer reads comes this way: rows are
/// converted a channel at a time (vectorised), then interleaved, each core taking its own band.
Raster8 renderStored(const Image& image, int plane) {
    const bool colour = plane < 0 && image.rgb && image.planes >= 3;
    const bool alpha = plane < 0 && image.alpha.size() == image.planeSize();
    const int colours = colour ? 3 : 1;
    Raster8 r;
    r.width = image.width;
    r.height = image.height;
    r.channels = alpha ? 4 : colours;  // grey + alpha is given as RGBA (grey replicated)
    r.color = plane < 0 ? image.color : ColorSource::Grey;
    resizeLarge(r.pixels, static_cast<size_t>(r.width) * r.height * r.channels);
    const int first = plane < 0 ? 0 : plane;
    const size_t w = static_cast<size_t>(r.width);
    const size_t minRows = std::max<size_t>(1, (size_t{1} << 19) / std::max<size_t>(1, w));
    parallelFor(static_cast<size_t>(r.height), minRows, [&](size_t, size_t rowBegin, size_t rowEnd) {
        std::vector<uint8_t> row(w * 4);
        uint8_t* channel[4] = {row.data(), row.data() + w, row.data() + 2 * w, row.data() + 3 * w};
        for (size_t y = rowBegin; y < rowEnd; ++y) {
            const size_t srcRow = image.bottomUp ? static_cast<size_t>(r.height) - 1 - y : y;
            const size_t srcOffset = srcRow * w;
            uint8_t* dst = r.pixels.data() + y * w * static_cast<size_t>(r.channels);
            if (r.channels == 1) {
                storedRow(image.plane(first) + srcOffset, dst, w);
                continue;
            }
            for (int c = 0; c < colours; ++c) {
                storedRow(image.plane(first + c) + srcOffset, channel[c], w);
            }
            const uint8_t* g = colours == 3 ? channel[1] : channel[0];  // grey + alpha: grey replicated
            const uint8_t* b = colours == 3 ? channel[2] : channel[0];
            if (alpha) {
                interleaveRgba(channel[0], g, b, image.alpha.data() + srcOffset, dst, w);
            } else {
                interleaveRgb(channel[0], g, b, dst, w);
            }
        }
    });
    return r;
}

}  // namespace

Raster8 renderImage(const Image& image, std::span<const StretchTransform> transforms, int plane) {
    const int channels = static_cast<int>(transforms.size());
    if (channels != 1 && channels != 3) {
        throw Error("render: " + std::to_string(channels) + " transforms given, 1 or 3 expected");
    }
    const bool alpha = plane < 0 && channels == 3 && image.alpha.size() == image.planeSize();
    Raster8 r;
    r.width = image.width;
    r.height = image.height;
    r.channels = channels + (alpha ? 1 : 0);
    r.color = r.channels == 1 ? ColorSource::Grey : alpha ? ColorSource::Rgba : ColorSource::Rgb;
    resizeLarge(r.pixels, static_cast<size_t>(r.width) * r.height * r.channels);
    std::vector<RowKernel> kernels;
    for (size_t c = 0; c < transforms.size(); ++c) {
        // Linked colour gives three equal transforms: their table is built once.
        const bool same = c > 0 && sameTransform(transforms[c], transforms[c - 1]);
        kernels.push_back(same ? kernels.back() : makeKernel(transforms[c]));
    }
    const int first = channels == 3 || plane < 0 ? 0 : plane;
    const size_t w = static_cast<size_t>(r.width);
    // Rows are independent: each core renders its own band with its own scratch rows.
    const size_t minRows = std::max<size_t>(1, (size_t{1} << 19) / std::max<size_t>(1, w));
    parallelFor(static_cast<size_t>(r.height), minRows, [&](size_t, size_t rowBegin, size_t rowEnd) {
        std::vector<uint8_t> row(w * static_cast<size_t>(channels));
        std::vector<int32_t> scratch;
        for (size_t y = rowBegin; y < rowEnd; ++y) {
            const size_t srcRow = image.bottomUp ? static_cast<size_t>(r.height) - 1 - y : y;
            const size_t srcOffset = srcRow * w;
            uint8_t* dst = r.pixels.data() + y * w * static_cast<size_t>(r.channels);
            if (r.channels == 1) {
                renderRow(kernels[0], image.plane(first) + srcOffset, dst, r.width, scratch);
                continue;
            }
            for (int c = 0; c < channels; ++c) {
                renderRow(kernels[static_cast<size_t>(c)], image.plane(first + c) + srcOffset, row.data() + c * w,
                          r.width, scratch);
            }
            if (alpha) {
                interleaveRgba(row.data(), row.data() + w, row.data() + 2 * w, image.alpha.data() + srcOffset, dst, w);
            } else {
                interleaveRgb(row.data(), row.data() + w, row.data() + 2 * w, dst, w);
            }
        }
    });
    return r;
}

Raster8 renderImage(const Image& image, const RenderOptions& options) {
    if (options.stretch.kind == StretchKind::None && image.isEightBit()) {
        (void)resolveStretch(image, options.stretch, options.plane);  // validates image and plane
        return renderStored(image, options.plane);
    }
    const std::vector<StretchTransform> transforms = resolveStretch(image, options.stretch, options.plane);
    return renderImage(image, transforms, options.plane);
}

Raster8 fitWithin(const Raster8& raster, int maxSize) {
    if (raster.width < 0 || raster.height < 0 || raster.channels < 1 || raster.channels > 4 ||
        raster.pixels.size() != static_cast<size_t>(raster.width) * raster.height * raster.channels) {
        throw Error("fitWithin: raster size and pixel buffer do not match");
    }
    const int longer = std::max(raster.width, raster.height);
    if (maxSize <= 0 || longer <= maxSize) {
        return raster;
    }
    const double scale = static_cast<double>(maxSize) / longer;
    Raster8 out;
    out.width = std::clamp(static_cast<int>(std::lround(raster.width * scale)), 1, maxSize);
    out.height = std::clamp(static_cast<int>(std::lround(raster.height * scale)), 1, maxSize);
    out.channels = raster.channels;
    out.color = raster.color;
    out.pixels.resize(static_cast<size_t>(out.width) * out.height * out.channels);
    const cv::Mat src(raster.height, raster.width, CV_8UC(raster.channels),
                      const_cast<uint8_t*>(raster.pixels.data()));
    cv::Mat dst(out.height, out.width, CV_8UC(out.channels), out.pixels.data());
    cv::resize(src, dst, dst.size(), 0, 0, cv::INTER_AREA);
    return out;
}

}  // namespace cosmoclip
