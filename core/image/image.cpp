#include "image/image.h"

#include "image/statsaccumulator.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cosmoclip {

const char* imageFormatName(ImageFormat format) {
    switch (format) {
        case ImageFormat::Fits: return "fits";
        case ImageFormat::Png: return "png";
        case ImageFormat::Jpeg: return "jpeg";
        case ImageFormat::Tiff: return "tiff";
    }
    return "unknown";
}

const char* hduTypeName(HduType type) {
    switch (type) {
        case HduType::Image: return "image";
        case HduType::Table: return "table";
        case HduType::Empty: return "empty";
        case HduType::Groups: return "groups";
    }
    return "unknown";
}

void allocatePixels(PixelVector& data, size_t count) {
    PixelVector fresh;  // empty: assign() allocates exactly count and constructs nothing
    fresh.assign(UnwrittenIterator{0}, UnwrittenIterator{count});
    data.swap(fresh);
}

ImageStats computeStats(const float* values, size_t n) {
    StatsAccumulator stats;
    stats.add(values, n);
    return stats.result();
}

}  // namespace cosmoclip
