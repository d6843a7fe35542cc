#include "training/augmentation.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "common/error.h"
#include "image/stretch.h"
#include "training/trainingrandom.h"

namespace cosmoclip {

namespace {

struct CropBox {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
};

// torchvision's RandomResizedCrop.get_params: ten tries at a box of random area and aspect ratio,
// then the centre crop at the nearest allowed ratio.
CropBox randomCrop(int width, int height, const AugmentOptions& o, TrainingRandom& random) {
    const double area = static_cast<double>(width) * height;
    const double logLo = std::log(o.cropRatioMin);
    const double logHi = std::log(o.cropRatioMax);
    for (int attempt = 0; attempt < 10; ++attempt) {
        const double target = area * random.uniform(o.cropScaleMin, o.cropScaleMax);
        const double ratio = std::exp(random.uniform(logLo, logHi));
        const int w = static_cast<int>(std::lround(std::sqrt(target * ratio)));
        const int h = static_cast<int>(std::lround(std::sqrt(target / ratio)));
        if (w > 0 && h > 0 && w <= width && h <= height) {
            const int y = static_cast<int>(random.below(static_cast<uint64_t>(height - h + 1)));
            const int x = static_cast<int>(random.below(static_cast<uint64_t>(width - w + 1)));
            return {x, y, w, h};
        }
    }
    const double ratio = static_cast<double>(width) / height;
    int w = width;
    int h = height;
    if (ratio < o.cropRatioMin) h = static_cast<int>(std::lround(w / o.cropRatioMin));
    else if (ratio > o.cropRatioMax) w = static_cast<int>(std::lround(h * o.cropRatioMax));
    return {(width - w) / 2, (height - h) / 2, w, h};
}

// Display value -> normalised CLIP value for each channel: stretch, contrast and brightness jitter
// and mean/std in one 256-entry table per channel.
std::array<std::array<float, 256>, 3> photometricTables(const PreprocessConfig& config, double midtones,
                                                        double contrast, double brightness) {
    std::array<std::array<float, 256>, 3> tables{};
    for (int v = 0; v < 256; ++v) {
        double x = mtf(midtones, v / 255.0);
        x = std::clamp((x - 0.5) * contrast + 0.5 + brightness, 0.0, 1.0);
        // Quantised back to 8 bits, as the plain pipeline sees 8-bit values.
        x = std::round(x * 255.0) / 255.0;
        for (int c = 0; c < 3; ++c) tables[c][v] = static_cast<float>((x - config.mean[c]) / config.std[c]);
    }
    return tables;
}

}  // namespace

void augmentedClipInput(const Raster8& rgb, const PreprocessConfig& config, const AugmentOptions& options,
                        TrainingRandom& random, float* out) {
    if (rgb.channels != 3 || rgb.width <= 0 || rgb.height <= 0 ||
        rgb.pixels.size() != static_cast<size_t>(rgb.width) * rgb.height * 3)
        throw Error("augmentation", "expected a 3-channel raster");
    const int r = config.size;
    const CropBox box = randomCrop(rgb.width, rgb.height, options, random);
    const cv::Mat src(rgb.height, rgb.width, CV_8UC3, const_cast<uint8_t*>(rgb.pixels.data()));
    cv::Mat view;
    cv::resize(src(cv::Rect(box.x, box.y, box.width, box.height)), view, cv::Size(r, r), 0, 0, cv::INTER_AREA);
    const bool flipH = random.coin();
    const bool flipV = random.coin();
    const auto quarterTurns = random.below(4);
    if (options.flips && flipH && flipV) cv::flip(view, view, -1);
    else if (options.flips && flipH) cv::flip(view, view, 1);
    else if (options.flips && flipV) cv::flip(view, view, 0);
    if (options.rotations && quarterTurns == 1) cv::rotate(view, view, cv::ROTATE_90_CLOCKWISE);
    if (options.rotations && quarterTurns == 2) cv::rotate(view, view, cv::ROTATE_180);
    if (options.rotations && quarterTurns == 3) cv::rotate(view, view, cv::ROTATE_90_COUNTERCLOCKWISE);
    const double midtones = 0.5 * (1.0 + random.uniform(-options.stretch, options.stretch));
    const double contrast = 1.0 + random.uniform(-options.contrast, options.contrast);
    const double brightness = random.uniform(-options.brightness, options.brightness);
    const auto tables = photometricTables(config, midtones, contrast, brightness);
    const size_t plane = static_cast<size_t>(r) * r;
    for (int y = 0; y < r; ++y) {
        const uint8_t* row = view.ptr<uint8_t>(y);
        for (int x = 0; x < r; ++x) {
            const size_t at = static_cast<size_t>(y) * r + x;
            for (int c = 0; c < 3; ++c) out[c * plane + at] = tables[c][row[3 * x + c]];
        }
    }
}

}  // namespace cosmoclip
