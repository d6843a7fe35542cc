#include "training/imagecache.h"

#include <algorithm>
#include <cmath>
#include <exception>

#include "common/error.h"
#include "image/imageloader.h"
#include "image/pillowresample.h"

namespace cosmoclip {

namespace {

Raster8 toRgb(const Raster8& in) {
    if (in.channels == 3) return in;
    Raster8 out;
    out.width = in.width;
    out.height = in.height;
    out.channels = 3;
    out.color = ColorSource::Rgb;
    const size_t n = static_cast<size_t>(in.width) * static_cast<size_t>(in.height);
    out.pixels.resize(n * 3);
    const size_t ch = static_cast<size_t>(in.channels);
    const bool grey = in.channels < 3;
    for (size_t i = 0; i < n; ++i)
        for (size_t c = 0; c < 3; ++c) out.pixels[3 * i + c] = in.pixels[i * ch + (grey ? 0 : c)];
    return out;
}

Raster8 shrinkShorterSide(Raster8 rgb, int shorterSide) {
    const int shorter = std::min(rgb.width, rgb.height);
    if (shorterSide <= 0 || shorter <= shorterSide) return rgb;
    const double scale = static_cast<double>(shorterSide) / shorter;
    Pixels8 in{rgb.width, rgb.height, 3, std::move(rgb.pixels)};
    const int w = std::max(1, static_cast<int>(std::lround(rgb.width * scale)));
    const int h = std::max(1, static_cast<int>(std::lround(rgb.height * scale)));
    Pixels8 out = pillowResizeBicubic(in, w, h);
    Raster8 result;
    result.width = out.width;
    result.height = out.height;
    result.channels = 3;
    result.color = ColorSource::Rgb;
    result.pixels = std::move(out.data);
    return result;
}

}  // namespace

struct ImageCache::Entry {
    std::string path;
    std::string hdu;
    std::mutex mutex;
    bool decoded = false;
    bool errorReported = false;
    std::shared_ptr<const Raster8> image;
    std::string error;
};

Raster8 decodeForTraining(const std::string& path, const std::string& hdu, int shorterSide) {
    LoadOptions load;
    load.hdu = hdu;
    const LoadedImage loaded = loadImage(path, load);
    RenderOptions render;
    render.stretch.kind = defaultStretch(loaded.image);
    return shrinkShorterSide(toRgb(renderImage(loaded.image, render)), shorterSide);
}

ImageCache::ImageCache(const std::vector<TrainingExample>& examples, int shorterSide)
    : m_shorterSide(shorterSide) {
    m_entries.reserve(examples.size());
    for (const auto& e : examples) {
        auto entry = std::make_unique<Entry>();
        entry->path = e.imagePath;
        entry->hdu = e.hdu;
        m_entries.push_back(std::move(entry));
    }
}

ImageCache::~ImageCache() = default;

std::shared_ptr<const Raster8> ImageCache::get(size_t index, std::string* newError) {
    Entry& e = *m_entries.at(index);
    const std::lock_guard lock(e.mutex);
    if (!e.decoded) {
        try {
            e.image = std::make_shared<const Raster8>(decodeForTraining(e.path, e.hdu, m_shorterSide));
        } catch (const std::exception& ex) {  // cosmoclip::Error, or bad_alloc on a huge file
            e.error = ex.what();
            if (e.error.rfind(e.path, 0) != 0) e.error = e.path + ": " + e.error;
        }
        e.decoded = true;
    }
    if (!e.image && !e.errorReported && newError) {
        *newError = e.error;
        e.errorReported = true;
    }
    return e.image;
}

size_t ImageCache::bytes() const {
    size_t total = 0;
    for (const auto& e : m_entries) {
        const std::lock_guard lock(e->mutex);
        if (e->image) total += e->image->pixels.size();
    }
    return total;
}

}  // namespace cosmoclip
