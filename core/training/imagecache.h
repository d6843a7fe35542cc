#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "image/renderer.h"
#include "training/trainingexample.h"

namespace cosmoclip {

/// Decodes each example's image once and keeps it in memory as the picture CLIP would see before
/// resizing: loaded, rendered with the data's default display stretch (autostretch for FITS and deep
/// images, none for 8-bit pictures), converted to RGB (grey replicated, alpha dropped as Pillow's
/// convert("RGB") does) and scaled down (Pillow bicubic) so that its shorter side is at most
/// `shorterSide` pixels (e.g. twice the model's input). Epochs after the first then only crop and
/// resample small images. Memory: about N x shorterSide^2 x 3 bytes for square images.
/// Thread-safe: workers may ask for different (or the same) images at once; each is decoded once.
class ImageCache final {
public:
    ImageCache(const std::vector<TrainingExample>& examples, int shorterSide);
    ~ImageCache();
    ImageCache(const ImageCache&) = delete;
    ImageCache& operator=(const ImageCache&) = delete;

    size_t size() const { return m_entries.size(); }

    /// The decoded image of example `index`, or null when its file cannot be decoded. The first call
    /// that sees a failure stores "PATH: why" in `newError` (when given); later calls for the same
    /// example return null silently, so each bad file is reported once.
    std::shared_ptr<const Raster8> get(size_t index, std::string* newError = nullptr);

    /// Bytes of decoded pixels held now.
    size_t bytes() const;

private:
    struct Entry;
    std::vector<std::unique_ptr<Entry>> m_entries;
    int m_shorterSide;
};

/// One file to an RGB raster as ImageCache stores it. Throws cosmoclip::Error naming the file.
Raster8 decodeForTraining(const std::string& path, const std::string& hdu, int shorterSide);

}  // namespace cosmoclip
