#include "image/renderer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "common/error.h"
#include "common/parallelfor.h"

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
        for (int i = 0; i < kLutSize; ++i) {
            const double x = lo + (hi - lo) * i / (kLutSize - 1);
            const double y = std::clamp(t.apply(x), 0.0, 1.0);
            k.lut[static_cast<size_t>(i) + 1] = static_cast<uint8_t>(y * 255.0 + 0.5);
        }
    }
    return k;
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

/// Copies 8-bit data as stored (StretchKind::None): the bytes Pillow would see, alpha appended.
Raster8 renderStored(const Image& image, int plane) {
    const bool colour = plane < 0 && image.rgb && image.planes >= 3;
    const bool alpha = plane < 0 && image.alpha.size() == image.planeSize();
    const int colours = colour ? 3 : 1;
    Raster8 r;
    r.width = image.width;
    r.height = image.height;
    r.channels = alpha ? 4 : colours;  // grey + alpha is given as RGBA (grey replicated)
    r.color = plane < 0 ? image.color : ColorSource::Grey;
    r.pixels.resize(static_cast<size_t>(r.width) * r.height * r.channels);
    const int first = plane < 0 ? 0 : plane;
    for (int y = 0; y < r.height; ++y) {
        const int srcRow = image.bottomUp ? r.height - 1 - y : y;
        const size_t srcOffset = static_cast<size_t>(srcRow) * image.width;
        uint8_t* dst = r.pixels.data() + static_cast<size_t>(y) * r.width * r.channels;
        for (int x = 0; x < r.width; ++x) {
            uint8_t* px = dst + static_cast<size_t>(x) * r.channels;
            for (int c = 0; c < 3 && c < r.channels; ++c) {
                px[c] = storedByte(image.plane(first + std::min(c, colours - 1))[srcOffset + x]);
            }
            if (alpha) {
                px[3] = storedByte(image.alpha[srcOffset + x]);
            }
        }
    }
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
    r.pixels.resize(static_cast<size_t>(r.width) * r.height * r.channels);
    std::vector<RowKernel> kernels;
    for (const StretchTransform& t : transforms) {
        kernels.push_back(makeKernel(t));
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
            for (size_t x = 0; x < w; ++x) {
                uint8_t* px = dst + x * static_cast<size_t>(r.channels);
                px[0] = row[x];
                px[1] = row[w + x];
                px[2] = row[2 * w + x];
                if (alpha) {
                    px[3] = storedByte(image.alpha[srcOffset + x]);
                }
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
