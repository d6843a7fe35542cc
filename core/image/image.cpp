#include "image/image.h"

#include "image/statsaccumulator.h"

#include <algorithm>
#include <cmath>
#include <limits>

#if __has_include(<sys/mman.h>)
#include <sys/mman.h>  // madvise: a hint, absent on Windows
#endif

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

void allocatePixels(std::vector<float>& data, size_t count) {
    data.clear();
    data.reserve(count);
#ifdef MADV_HUGEPAGE
    constexpr uintptr_t kHugePage = uintptr_t{1} << 21;
    const auto begin = reinterpret_cast<uintptr_t>(data.data());
    const uintptr_t first = (begin + kHugePage - 1) & ~(kHugePage - 1);
    const uintptr_t last = (begin + count * sizeof(float)) & ~(kHugePage - 1);
    if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);  // a hint only
#endif
    data.resize(count);
}

ImageStats computeStats(const float* values, size_t n) {
    StatsAccumulator stats;
    stats.add(values, n);
    return stats.result();
}

}  // namespace cosmoclip
