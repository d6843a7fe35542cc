#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "image/pixelallocator.h"

namespace cosmoclip {

/// Pixel values: a std::vector<float> whose allocator spares loaders the zero fill (pixelallocator.h).
using PixelVector = std::vector<float, PixelAllocator<float>>;

/// Where pixels came from. Decides defaults (stretch) and how CLIP preprocessing resamples,
/// because Pillow, the reference, treats each storage mode differently.
enum class ImageFormat { Fits, Png, Jpeg, Tiff };

/// How a raster file stored colour. FITS images are Grey (one plane) or Rgb (NAXIS3 = 3).
enum class ColorSource { Grey, GreyAlpha, Rgb, Rgba, Palette };

const char* imageFormatName(ImageFormat format);  // "fits", "png", "jpeg", "tiff"

/// One header card in file order. `value` is the card's value text as written (strings without
/// their quotes), `comment` the text after the slash. COMMENT/HISTORY cards carry their text in value.
struct HeaderCard {
    std::string key;
    std::string value;
    std::string comment;
};

enum class HduType { Image, Table, Empty, Groups };
const char* hduTypeName(HduType type);  // "image", "table", "empty", "groups"

/// One HDU of a FITS file as listed by `cosmoclip info`. For tile-compressed images (stored as a
/// BINTABLE with ZIMAGE = T) type is Image and shape/bitpix are those of the uncompressed image.
struct HduInfo {
    int index = 0;              ///< 0-based, as CFITSIO and astropy count
    std::string name;           ///< EXTNAME, or "PRIMARY" for HDU 0 without one
    HduType type = HduType::Empty;
    std::vector<int64_t> shape; ///< NAXIS1, NAXIS2, ... (image) or columns, rows (table)
    int bitpix = 0;
};

/// Pixel data in physical units (after BSCALE/BZERO), float32, planes stored one after another,
/// each row-major. Missing pixels (BLANK, NaN) are NaN. Row 0 is the first row stored in the file:
/// for FITS that is the bottom of the sky image (`bottomUp`), for rasters the top.
struct Image {
    int width = 0;
    int height = 0;
    int planes = 0;                 ///< 1 grey; 3 RGB for rasters and NAXIS3 = 3; N for cubes
    PixelVector data;               ///< planes * height * width values
    int bitpix = 8;                 ///< FITS BITPIX; rasters: 8, 16 or -32
    double bscale = 1.0;
    double bzero = 0.0;
    ImageFormat format = ImageFormat::Png;
    ColorSource color = ColorSource::Grey;
    bool bottomUp = false;          ///< true for FITS: display flips rows so north-up images look right
    bool rgb = false;               ///< planes 0..2 are R, G, B and are shown as one colour image
    PixelVector alpha;              ///< rasters with alpha: height * width values 0..255, else empty

    size_t planeSize() const { return static_cast<size_t>(width) * static_cast<size_t>(height); }
    const float* plane(int k) const { return data.data() + planeSize() * static_cast<size_t>(k); }
    float* plane(int k) { return data.data() + planeSize() * static_cast<size_t>(k); }
    /// True for 8-bit integer data, which is shown as stored unless the user asks for a stretch.
    bool isEightBit() const { return bitpix == 8; }
};

/// Statistics over every plane of an image, NaN excluded (and counted).
struct ImageStats {
    double min = 0.0;
    double max = 0.0;
    double mean = 0.0;
    int64_t nanCount = 0;
    int64_t validCount = 0;
};

/// Everything a loader knows about a file: the HDU list and header (FITS), and the pixels of the
/// selected HDU.
struct LoadedImage {
    std::string path;
    ImageFormat format = ImageFormat::Png;
    std::vector<HduInfo> hdus;       ///< empty for PNG/JPEG/TIFF
    int selectedHdu = -1;            ///< index into hdus, -1 for rasters
    std::vector<HeaderCard> header;  ///< cards of the selected HDU, in file order
    Image image;
    ImageStats stats;                ///< computed while loading, in double precision
};

/// Largest number of samples (width * height * planes) any loader accepts: 2^28, about 1 GiB as
/// float32. Larger images are refused from their header, before pixel memory is allocated.
inline constexpr int64_t kDefaultMaxSamples = int64_t{1} << 28;

struct LoadOptions {
    std::string hdu;                 ///< "" = first HDU with image data; a number = index; else EXTNAME
    int64_t maxSamples = kDefaultMaxSamples;
    bool pixels = true;              ///< false: header and HDU list only (fast `info` on huge files)
};

/// Gives a pixel buffer room for exactly `count` values that the caller then writes, every one:
/// the values start undefined (no zero fill), and large buffers use transparent huge pages: faulting
/// in 64 MiB page by page cost 250 ms of CPU on the 2-core build machine, 12 ms with 2 MiB pages.
/// Loaders call this instead of resize().
void allocatePixels(PixelVector& data, size_t count);

/// Statistics helper shared by loaders: min/max/mean over `n` values, NaN skipped.
ImageStats computeStats(const float* values, size_t n);

}  // namespace cosmoclip
