#include "image/image.h"

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
    ImageStats s;
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    double sum = 0.0;
    for (size_t i = 0; i < n; ++i) {
        const float v = values[i];
        if (std::isnan(v)) {
            ++s.nanCount;
            continue;
        }
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
        sum += v;
    }
    s.validCount = static_cast<int64_t>(n) - s.nanCount;
    if (s.validCount > 0) {
        s.min = lo;
        s.max = hi;
        s.mean = sum / static_cast<double>(s.validCount);
    } else {
        s.min = s.max = s.mean = std::numeric_limits<double>::quiet_NaN();
    }
    return s;
}

}  // namespace cosmoclip
