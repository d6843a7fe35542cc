#include "image/clippreprocess.h"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "common/error.h"
#include "image/pillowresample.h"

// The reference is OpenAI's _transform on a PIL image: Resize(size, BICUBIC) -> CenterCrop(size)
// -> convert("RGB") -> ToTensor -> Normalize. Resizing happens in the file's own Pillow mode, so
// the mode (Raster8::color) decides how the bands are resampled:
//   "L"    one band, bicubic, then replicated to RGB;
//   "LA"   via "La": premultiplied by alpha, bicubic, unpremultiplied, alpha dropped;
//   "RGB"  three bands, bicubic;
//   "RGBA" via "RGBa", like "LA";
//   "P"    NEAREST (Pillow forces it for palette images), then the colours.

namespace cosmoclip {

namespace {

enum class PillowMode { L, LA, RGB, RGBA, P };

/// The mode Pillow would have opened the file in, given what the raster carries. A colour type
/// whose alpha the raster lacks falls back to the mode without alpha; a grey or RGB file with a
/// tRNS chunk (alpha present) stays "L"/"RGB", as Pillow keeps such transparency out of the bands.
PillowMode pillowMode(const Raster8& raster) {
    const bool hasAlpha = raster.channels == 2 || raster.channels == 4;
    switch (raster.color) {
        case ColorSource::Palette:
            return PillowMode::P;
        case ColorSource::GreyAlpha:
            return hasAlpha ? PillowMode::LA : PillowMode::L;
        case ColorSource::Rgba:
            return hasAlpha && raster.channels == 4 ? PillowMode::RGBA : PillowMode::RGB;
        case ColorSource::Rgb:
            return raster.channels >= 3 ? PillowMode::RGB : PillowMode::L;
        case ColorSource::Grey:
            return PillowMode::L;
    }
    return PillowMode::RGB;
}

/// Picks bands out of the interleaved raster: `bands` lists source channel indices.
Pixels8 selectBands(const Raster8& raster, std::initializer_list<int> bands) {
    Pixels8 p;
    p.width = raster.width;
    p.height = raster.height;
    p.channels = static_cast<int>(bands.size());
    bool identity = p.channels == raster.channels;
    for (int i = 0; const int b : bands) identity = identity && b == i++;
    if (identity) {
        p.data = raster.pixels;
        return p;
    }
    const size_t n = static_cast<size_t>(raster.width) * static_cast<size_t>(raster.height);
    const size_t inCh = static_cast<size_t>(raster.channels);
    p.data.resize(n * bands.size());
    uint8_t* out = p.data.data();
    for (const int b : bands) {  // band by band: a tight strided loop each
        const uint8_t* in = raster.pixels.data() + b;
        for (size_t i = 0; i < n; ++i) out[i * bands.size()] = in[i * inCh];
        ++out;
    }
    return p;
}

/// The bands Pillow resamples for `mode`, in its band order (colour first, alpha last).
Pixels8 modeBands(const Raster8& raster, PillowMode mode) {
    const int ch = raster.channels;
    switch (mode) {
        case PillowMode::L:
            return selectBands(raster, {0});
        case PillowMode::LA:
            return selectBands(raster, {0, ch - 1});
        case PillowMode::RGB:
            return ch >= 3 ? selectBands(raster, {0, 1, 2}) : selectBands(raster, {0, 0, 0});
        case PillowMode::RGBA:
            return selectBands(raster, {0, 1, 2, 3});
        case PillowMode::P:
            // The palette is already expanded; resampling its colours with NEAREST picks the same
            // pixels as resampling the indices. Alpha is dropped by convert("RGB") anyway.
            return ch >= 3 ? selectBands(raster, {0, 1, 2}) : selectBands(raster, {0});
    }
    return selectBands(raster, {0});
}

Pixels8 resizeLikePillow(const Raster8& raster, int outWidth, int outHeight) {
    const PillowMode mode = pillowMode(raster);
    Pixels8 bands = modeBands(raster, mode);
    if (mode == PillowMode::P) return pillowResizeNearest(bands, outWidth, outHeight);
    // Image.resize returns a copy for an unchanged size, before any RGBa round trip.
    if (outWidth == raster.width && outHeight == raster.height) return bands;
    const bool premultiplied = mode == PillowMode::LA || mode == PillowMode::RGBA;
    if (premultiplied) pillowPremultiply(bands);
    Pixels8 out = pillowResizeBicubic(bands, outWidth, outHeight);
    if (premultiplied) pillowUnpremultiply(out);
    return out;
}

/// torchvision's Resize(int): the shorter side becomes `size`, the longer int(size * long / short).
void resizedSize(int width, int height, int size, int& outWidth, int& outHeight) {
    const bool wide = width > height;
    const int shortSide = wide ? height : width;
    const int longSide = wide ? width : height;
    const double scaledLong = static_cast<double>(int64_t{size} * longSide) / shortSide;
    // A sliver (say 1 x 100000) would resize to an enormous strip before the crop: refuse it.
    if (scaledLong * size > static_cast<double>(int64_t{1} << 26))
        throw Error("CLIP preprocessing: the picture is too elongated (" + std::to_string(width) + "x" +
                    std::to_string(height) + ") to resize its shorter side to " + std::to_string(size));
    const int newLong = static_cast<int>(scaledLong);
    outWidth = wide ? newLong : size;
    outHeight = wide ? size : newLong;
}

/// Python's round() of (extent - size) / 2.0: halves go to the even neighbour.
int cropOffset(int extent, int size) {
    const int twice = extent - size;  // offset = twice / 2, exact in binary
    if (twice % 2 == 0) return twice / 2;
    const int down = twice / 2;  // .5 case: pick the even of down and down + 1
    return down % 2 == 0 ? down : down + 1;
}

void checkRaster(const Raster8& raster, const PreprocessConfig& config) {
    if (config.size <= 0) throw Error("CLIP preprocessing: input size must be positive");
    for (float s : config.std)
        if (!(s != 0.0f)) throw Error("CLIP preprocessing: a normalisation std is zero");
    const size_t expected = static_cast<size_t>(raster.width > 0 ? raster.width : 0) *
                            static_cast<size_t>(raster.height > 0 ? raster.height : 0) *
                            static_cast<size_t>(raster.channels > 0 ? raster.channels : 0);
    if (raster.width <= 0 || raster.height <= 0 || raster.channels < 1 || raster.channels > 4 ||
        raster.pixels.size() != expected)
        throw Error("CLIP preprocessing: the picture is empty or its pixel buffer has the wrong size (" +
                    std::to_string(raster.width) + "x" + std::to_string(raster.height) + "x" +
                    std::to_string(raster.channels) + ")");
}

}  // namespace

std::vector<float> preprocessForClip(const Raster8& raster, const PreprocessConfig& config) {
    checkRaster(raster, config);
    const int size = config.size;
    int outWidth = 0;
    int outHeight = 0;
    resizedSize(raster.width, raster.height, size, outWidth, outHeight);
    const Pixels8 resized = resizeLikePillow(raster, outWidth, outHeight);

    // CenterCrop never pads here: the resized shorter side is exactly `size`.
    const int top = cropOffset(outHeight, size);
    const int left = cropOffset(outWidth, size);
    const size_t plane = static_cast<size_t>(size) * static_cast<size_t>(size);
    std::vector<float> tensor(3 * plane);
    const size_t ch = static_cast<size_t>(resized.channels);
    for (int c = 0; c < 3; ++c) {
        // convert("RGB"): L and LA replicate the grey band; RGBA drops alpha.
        const size_t band = ch >= 3 ? static_cast<size_t>(c) : 0;
        const float mean = config.mean[static_cast<size_t>(c)];
        const float stdev = config.std[static_cast<size_t>(c)];
        float* out = tensor.data() + static_cast<size_t>(c) * plane;
        for (int y = 0; y < size; ++y) {
            const uint8_t* row =
                resized.data.data() + (static_cast<size_t>(y + top) * static_cast<size_t>(resized.width) +
                                       static_cast<size_t>(left)) *
                                          ch;
            for (int x = 0; x < size; ++x) {
                // ToTensor divides in float32, Normalize subtracts and divides in float32.
                const float v = static_cast<float>(row[static_cast<size_t>(x) * ch + band]) / 255.0f;
                out[static_cast<size_t>(y) * static_cast<size_t>(size) + static_cast<size_t>(x)] =
                    (v - mean) / stdev;
            }
        }
    }
    return tensor;
}

}  // namespace cosmoclip
