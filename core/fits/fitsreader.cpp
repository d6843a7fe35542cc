// FITS reading through CFITSIO. Which axes become the Image:
//   NAXIS = 1        -> width = NAXIS1, height = 1, one plane
//   NAXIS = 2        -> width x height, one plane
//   NAXIS >= 3       -> NAXIS3 planes (3 planes = RGB). Further axes are usually of length 1
//                       (e.g. a 3x4x7x1 radio cube) and then the whole HDU is read; when they are
//                       longer, only the first cube (the first NAXIS3 planes) is read and the
//                       statistics cover that cube.
// The sample limit (LoadOptions::maxSamples) is enforced from the header, before any pixel memory
// is allocated, and only when pixels are requested. gzip files are inflated by us (bounded by the
// same limit) and handed to CFITSIO as a memory file.
#include "fits/fitsreader.h"

#include <algorithm>
#include <climits>
#include <cstdint>

#include "common/error.h"
#include "fits/fitsfile.h"
#include "fits/fitshdulist.h"
#include "fits/fitsheader.h"
#include "fits/fitspixelreader.h"

namespace cosmoclip {

namespace {

std::string describeSize(const std::vector<int64_t>& dims) {
    std::string text;
    for (const int64_t n : dims) text += (text.empty() ? "" : " x ") + std::to_string(n);
    return text + " pixels";
}

// width, height, planes of the first cube, as the image dimensions the reader will fill.
std::vector<int64_t> cubeDims(const std::vector<int64_t>& shape) {
    std::vector<int64_t> dims(shape.begin(),
                              shape.begin() + static_cast<long>(std::min<size_t>(shape.size(), 3)));
    if (dims.size() < 2) dims.push_back(1);
    return dims;
}

void checkLimits(const std::string& path, const std::vector<int64_t>& dims, const LoadOptions& options) {
    int64_t samples = 1;
    bool overflow = false;
    for (const int64_t n : dims) overflow = overflow || __builtin_mul_overflow(samples, n, &samples);
    if (options.pixels && (overflow || samples > options.maxSamples)) {
        throw Error(path, "image is " + describeSize(dims) + ", larger than the limit of " +
                              std::to_string(options.maxSamples) + " samples");
    }
    for (const int64_t n : dims) {
        if (n > INT_MAX) throw Error(path, "image is " + describeSize(dims) + ", too large to load");
    }
}

// A gzip file is inflated whole before its header can be read: allow the largest image the sample
// limit admits (8 bytes a sample for BITPIX 64 / -64) plus room for headers and other HDUs.
int64_t inflateLimit(int64_t maxSamples) {
    constexpr int64_t kHeaderAllowance = int64_t{16} << 20;
    int64_t bytes = 0;
    if (__builtin_mul_overflow(std::max<int64_t>(maxSamples, 0), int64_t{8}, &bytes)) return INT64_MAX;
    return bytes > INT64_MAX - kHeaderAllowance ? INT64_MAX : bytes + kHeaderAllowance;
}

Image imageFromHeader(const std::string& path, const HduInfo& hdu, const std::vector<HeaderCard>& header,
                      const LoadOptions& options) {
    const std::vector<int64_t> dims = cubeDims(hdu.shape);
    checkLimits(path, dims, options);
    Image image;
    image.width = static_cast<int>(dims[0]);
    image.height = static_cast<int>(dims[1]);
    image.planes = dims.size() > 2 ? static_cast<int>(dims[2]) : 1;
    image.bitpix = hdu.bitpix;
    image.bscale = headerNumber(header, "BSCALE", 1.0);
    image.bzero = headerNumber(header, "BZERO", 0.0);
    image.format = ImageFormat::Fits;
    image.rgb = image.planes == 3;
    image.color = image.rgb ? ColorSource::Rgb : ColorSource::Grey;
    image.bottomUp = true;
    return image;
}

}  // namespace

LoadedImage readFits(const std::string& path, const LoadOptions& options) {
    FitsFile file(path, inflateLimit(options.maxSamples));
    LoadedImage loaded;
    loaded.path = path;
    loaded.format = ImageFormat::Fits;
    {
        const FitsHduList list(file);
        loaded.hdus = list.hdus();
        loaded.selectedHdu = list.select(options.hdu);
    }
    file.moveTo(loaded.selectedHdu);
    loaded.header = parseHeaderCards(file.headerCards());
    if (file.isCompressedImage()) loaded.header = uncompressedImageHeader(loaded.header);
    loaded.image =
        imageFromHeader(path, loaded.hdus[static_cast<size_t>(loaded.selectedHdu)], loaded.header, options);
    if (options.pixels) loaded.stats = FitsPixelReader(file).read(loaded.image);
    return loaded;
}

}  // namespace cosmoclip
