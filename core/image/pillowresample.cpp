#include "image/pillowresample.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>

#include "common/error.h"

// A port of the 8-bit paths of Pillow's src/libImaging/Resample.c (antialiased convolution) and
// Geometry.c (ImagingScaleAffine, the NEAREST resize). Every expression that decides a rounding is
// written in Pillow's order and precision (float box edges, double weights, int32 sums), because
// CLIP reference tensors are made with Pillow and one flipped rounding moves a pixel by 1/255.

namespace cosmoclip {

namespace {

// 8 bits of result, 2 bits of headroom for negative lobes and sums above 1 (Pillow's comment).
constexpr int kPrecisionBits = 32 - 8 - 2;
constexpr double kBicubicSupport = 2.0;

double bicubicFilter(double x) {
    constexpr double a = -0.5;
    if (x < 0.0) x = -x;
    if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
    return 0.0;
}

/// Per output pixel: the first input index, the number of inputs, and ksize fixed-point weights.
struct Coefficients {
    int ksize = 0;
    std::vector<int> bounds;       // 2 per output pixel: xmin, count
    std::vector<int32_t> weights;  // ksize per output pixel, zero padded
};

Coefficients precomputeCoefficients(int inSize, int outSize) {
    // Pillow receives the box edges as floats (0, inSize) and divides in double.
    const float in0 = 0.0f;
    const float in1 = static_cast<float>(inSize);
    const double scale = static_cast<double>(in1 - in0) / outSize;
    const double filterscale = scale < 1.0 ? 1.0 : scale;
    const double support = kBicubicSupport * filterscale;

    Coefficients c;
    c.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
    c.bounds.resize(static_cast<size_t>(outSize) * 2);
    c.weights.assign(static_cast<size_t>(outSize) * static_cast<size_t>(c.ksize), 0);
    std::vector<double> k(static_cast<size_t>(c.ksize));
    for (int xx = 0; xx < outSize; ++xx) {
        const double center = in0 + (xx + 0.5) * scale;
        const double ss = 1.0 / filterscale;
        int xmin = static_cast<int>(center - support + 0.5);
        if (xmin < 0) xmin = 0;
        int xmax = static_cast<int>(center + support + 0.5);
        if (xmax > inSize) xmax = inSize;
        xmax -= xmin;
        double ww = 0.0;
        for (int x = 0; x < xmax; ++x) {
            const double w = bicubicFilter((x + xmin - center + 0.5) * ss);
            k[static_cast<size_t>(x)] = w;
            ww += w;
        }
        int32_t* fixed = c.weights.data() + static_cast<size_t>(xx) * static_cast<size_t>(c.ksize);
        for (int x = 0; x < xmax; ++x) {
            double w = k[static_cast<size_t>(x)];
            if (ww != 0.0) w /= ww;
            // normalize_coeffs_8bpc: round half away from zero into PRECISION_BITS fixed point.
            fixed[x] = w < 0 ? static_cast<int32_t>(-0.5 + w * (1 << kPrecisionBits))
                             : static_cast<int32_t>(0.5 + w * (1 << kPrecisionBits));
        }
        c.bounds[static_cast<size_t>(xx) * 2] = xmin;
        c.bounds[static_cast<size_t>(xx) * 2 + 1] = xmax;
    }
    return c;
}

/// Pillow's clip8(): drop the fraction bits (arithmetic shift) and saturate to 0..255.
uint8_t clip8(int32_t sum) {
    const int32_t v = sum >> kPrecisionBits;
    return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v));
}

/// Horizontal pass over out.height rows of `in`, starting at input row `rowOffset`. All bands of a
/// pixel are accumulated together; CH is a template argument so the band loop unrolls.
template <int CH>
void resampleHorizontalBands(const Pixels8& in, int rowOffset, Pixels8& out, const Coefficients& c) {
    const size_t inStride = static_cast<size_t>(in.width) * CH;
    const size_t outStride = static_cast<size_t>(out.width) * CH;
    for (int yy = 0; yy < out.height; ++yy) {
        const uint8_t* src = in.data.data() + static_cast<size_t>(yy + rowOffset) * inStride;
        uint8_t* dst = out.data.data() + static_cast<size_t>(yy) * outStride;
        for (int xx = 0; xx < out.width; ++xx) {
            const uint8_t* px = src + static_cast<size_t>(c.bounds[static_cast<size_t>(xx) * 2]) * CH;
            const int count = c.bounds[static_cast<size_t>(xx) * 2 + 1];
            const int32_t* k = c.weights.data() + static_cast<size_t>(xx) * static_cast<size_t>(c.ksize);
            int32_t ss[CH];
            for (int b = 0; b < CH; ++b) ss[b] = 1 << (kPrecisionBits - 1);
            for (int x = 0; x < count; ++x, px += CH)
                for (int b = 0; b < CH; ++b) ss[b] += px[b] * k[x];
            for (int b = 0; b < CH; ++b) dst[static_cast<size_t>(xx) * CH + b] = clip8(ss[b]);
        }
    }
}

void resampleHorizontal(const Pixels8& in, int rowOffset, Pixels8& out, const Coefficients& c) {
    switch (in.channels) {
        case 1:
            resampleHorizontalBands<1>(in, rowOffset, out, c);
            break;
        case 2:
            resampleHorizontalBands<2>(in, rowOffset, out, c);
            break;
        case 3:
            resampleHorizontalBands<3>(in, rowOffset, out, c);
            break;
        default:
            resampleHorizontalBands<4>(in, rowOffset, out, c);
            break;
    }
}

/// Vertical pass: output row yy mixes input rows bounds[2yy] .. + bounds[2yy+1]. Whole rows are
/// accumulated at once (the same integer sums as Pillow's per-pixel loop, in the same order).
void resampleVertical(const Pixels8& in, Pixels8& out, const Coefficients& c) {
    const size_t stride = static_cast<size_t>(in.width) * static_cast<size_t>(in.channels);
    std::vector<int32_t> acc(stride);
    for (int yy = 0; yy < out.height; ++yy) {
        const int ymin = c.bounds[static_cast<size_t>(yy) * 2];
        const int count = c.bounds[static_cast<size_t>(yy) * 2 + 1];
        const int32_t* k = c.weights.data() + static_cast<size_t>(yy) * static_cast<size_t>(c.ksize);
        std::fill(acc.begin(), acc.end(), int32_t{1} << (kPrecisionBits - 1));
        for (int y = 0; y < count; ++y) {
            const uint8_t* row = in.data.data() + static_cast<size_t>(y + ymin) * stride;
            const int32_t w = k[y];
            for (size_t i = 0; i < stride; ++i) acc[i] += row[i] * w;
        }
        uint8_t* dst = out.data.data() + static_cast<size_t>(yy) * stride;
        for (size_t i = 0; i < stride; ++i) dst[i] = clip8(acc[i]);
    }
}

Pixels8 makePixels(int width, int height, int channels) {
    Pixels8 p;
    p.width = width;
    p.height = height;
    p.channels = channels;
    p.data.assign(static_cast<size_t>(width) * static_cast<size_t>(height) * static_cast<size_t>(channels),
                  0);
    return p;
}

void checkResizeArguments(const Pixels8& in, int outWidth, int outHeight) {
    const size_t expected = static_cast<size_t>(std::max(in.width, 0)) *
                            static_cast<size_t>(std::max(in.height, 0)) *
                            static_cast<size_t>(std::max(in.channels, 0));
    if (in.width <= 0 || in.height <= 0 || in.channels < 1 || in.channels > 4 || in.data.size() != expected)
        throw Error("resize: the input picture is empty or its pixel buffer has the wrong size");
    if (outWidth <= 0 || outHeight <= 0)
        throw Error("resize: the output size " + std::to_string(outWidth) + "x" + std::to_string(outHeight) +
                    " is not positive");
}

void checkAlphaLayout(const Pixels8& pixels) {
    if (pixels.channels != 2 && pixels.channels != 4)
        throw Error("alpha premultiplication needs 2 or 4 channels, got " + std::to_string(pixels.channels));
}

}  // namespace

Pixels8 pillowResizeBicubic(const Pixels8& in, int outWidth, int outHeight) {
    checkResizeArguments(in, outWidth, outHeight);
    if (outWidth == in.width && outHeight == in.height) return in;
    const bool needHorizontal = outWidth != in.width;
    const bool needVertical = outHeight != in.height;

    Coefficients vertical = precomputeCoefficients(in.height, outHeight);
    // Only the input rows the vertical pass reads go through the horizontal pass (ImagingResampleInner).
    const int yboxFirst = vertical.bounds[0];
    const int yboxLast = vertical.bounds[static_cast<size_t>(outHeight) * 2 - 2] +
                         vertical.bounds[static_cast<size_t>(outHeight) * 2 - 1];
    Pixels8 temp;
    const Pixels8* source = &in;
    if (needHorizontal) {
        const Coefficients horizontal = precomputeCoefficients(in.width, outWidth);
        for (int i = 0; i < outHeight; ++i) vertical.bounds[static_cast<size_t>(i) * 2] -= yboxFirst;
        temp = makePixels(outWidth, yboxLast - yboxFirst, in.channels);
        resampleHorizontal(in, yboxFirst, temp, horizontal);
        source = &temp;
    }
    if (!needVertical) return temp;
    Pixels8 out = makePixels(source->width, outHeight, in.channels);
    resampleVertical(*source, out, vertical);
    return out;
}

Pixels8 pillowResizeNearest(const Pixels8& in, int outWidth, int outHeight) {
    checkResizeArguments(in, outWidth, outHeight);
    if (outWidth == in.width && outHeight == in.height) return in;
    // _imaging.c _resize: an affine map with a[0] = box width / xsize, sampled at pixel centres;
    // ImagingScaleAffine then accumulates the source position (xo += a[0]) rather than multiplying.
    const double a0 = static_cast<double>(static_cast<float>(in.width) - 0.0f) / outWidth;
    const double a4 = static_cast<double>(static_cast<float>(in.height) - 0.0f) / outHeight;
    const auto coord = [](double v) { return v < 0.0 ? -1 : static_cast<int>(v); };

    std::vector<int> xin(static_cast<size_t>(outWidth), -1);
    double xo = 0.0 + a0 * 0.5;
    for (int x = 0; x < outWidth; ++x) {
        const int xi = coord(xo);
        if (xi >= 0 && xi < in.width) xin[static_cast<size_t>(x)] = xi;
        xo += a0;
    }
    Pixels8 out = makePixels(outWidth, outHeight, in.channels);  // zero where no source pixel (fill)
    const size_t ch = static_cast<size_t>(in.channels);
    double yo = 0.0 + a4 * 0.5;
    for (int y = 0; y < outHeight; ++y) {
        const int yi = coord(yo);
        yo += a4;
        if (yi < 0 || yi >= in.height) continue;
        const uint8_t* src = in.data.data() + static_cast<size_t>(yi) * static_cast<size_t>(in.width) * ch;
        uint8_t* dst = out.data.data() + static_cast<size_t>(y) * static_cast<size_t>(outWidth) * ch;
        for (int x = 0; x < outWidth; ++x) {
            const int xi = xin[static_cast<size_t>(x)];
            if (xi < 0) continue;
            std::copy_n(src + static_cast<size_t>(xi) * ch, ch, dst + static_cast<size_t>(x) * ch);
        }
    }
    return out;
}

void pillowPremultiply(Pixels8& pixels) {
    checkAlphaLayout(pixels);
    const size_t ch = static_cast<size_t>(pixels.channels);
    for (size_t i = 0; i + ch <= pixels.data.size(); i += ch) {
        const unsigned alpha = pixels.data[i + ch - 1];
        for (size_t b = 0; b + 1 < ch; ++b) {
            // MULDIV255: (v * alpha + 127) / 255 without a division.
            const unsigned tmp = pixels.data[i + b] * alpha + 128;
            pixels.data[i + b] = static_cast<uint8_t>(((tmp >> 8) + tmp) >> 8);
        }
    }
}

void pillowUnpremultiply(Pixels8& pixels) {
    checkAlphaLayout(pixels);
    const size_t ch = static_cast<size_t>(pixels.channels);
    for (size_t i = 0; i + ch <= pixels.data.size(); i += ch) {
        const unsigned alpha = pixels.data[i + ch - 1];
        if (alpha == 255 || alpha == 0) continue;
        for (size_t b = 0; b + 1 < ch; ++b) {
            const unsigned v = (255u * pixels.data[i + b]) / alpha;
            pixels.data[i + b] = static_cast<uint8_t>(v > 255u ? 255u : v);
        }
    }
}

}  // namespace cosmoclip
