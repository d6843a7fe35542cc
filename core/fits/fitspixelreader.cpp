#include "fits/fitspixelreader.h"


#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "fits/fitsfile.h"

namespace cosmoclip {

namespace {

// Running min/max/sum over non-NaN values. Infinities count as values, as in computeStats().
class StatsAccumulator {
public:
    template <typename T>
    void add(const T* values, int64_t count) {
        double lo = m_min;
        double hi = m_max;
        double sum = 0.0;
        int64_t nans = 0;
        for (int64_t i = 0; i < count; ++i) {
            const double v = values[i];
            if (std::isnan(v)) {
                ++nans;
                continue;
            }
            lo = std::min(lo, v);
            hi = std::max(hi, v);
            sum += v;
        }
        m_min = lo;
        m_max = hi;
        m_sum += sum;
        m_nans += nans;
        m_total += count;
    }

    ImageStats result() const {
        ImageStats stats;
        stats.nanCount = m_nans;
        stats.validCount = m_total - m_nans;
        if (stats.validCount == 0) {
            stats.min = stats.max = stats.mean = std::numeric_limits<double>::quiet_NaN();
            return stats;
        }
        stats.min = m_min;
        stats.max = m_max;
        stats.mean = m_sum / static_cast<double>(stats.validCount);
        return stats;
    }

private:
    double m_min = std::numeric_limits<double>::infinity();
    double m_max = -std::numeric_limits<double>::infinity();
    double m_sum = 0.0;
    int64_t m_nans = 0;
    int64_t m_total = 0;
};

// About 2 MiB of doubles per chunk: large enough for CFITSIO's per-call overhead to vanish, small
// enough to stay in cache between conversion and statistics.
constexpr int64_t kChunkSamples = int64_t{1} << 18;

// Whole rows per chunk where a row fits, so a chunk never splits a row of a normal image.
int64_t chunkSize(int64_t width) {
    return width >= kChunkSamples ? kChunkSamples : (kChunkSamples / width) * width;
}

void readAsFloat(const FitsFile& file, Image& image, int64_t chunk, StatsAccumulator& stats) {
    // float32 data is read straight into the image: no copy, and the values are already exact.
    // Only compressed images need CFITSIO's null check (quantized tiles encode NaN as an integer).
    const bool compressed = file.isCompressedImage();
    const auto total = static_cast<int64_t>(image.data.size());
    for (int64_t first = 0; first < total; first += chunk) {
        const int64_t count = std::min(chunk, total - first);
        float* out = image.data.data() + first;
        file.readPixels(TFLOAT, first, count, out, compressed);
        stats.add(out, count);
    }
}

void readAsDouble(const FitsFile& file, Image& image, int64_t chunk, StatsAccumulator& stats) {
    const auto total = static_cast<int64_t>(image.data.size());
    std::vector<double> buffer(static_cast<size_t>(std::min(chunk, total)));
    for (int64_t first = 0; first < total; first += chunk) {
        const int64_t count = std::min(chunk, total - first);
        file.readPixels(TDOUBLE, first, count, buffer.data(), true);
        stats.add(buffer.data(), count);
        std::transform(buffer.begin(), buffer.begin() + count, image.data.begin() + first,
                       [](double v) { return static_cast<float>(v); });
    }
}

}  // namespace

ImageStats FitsPixelReader::read(Image& image) const {
    allocatePixels(image.data, image.planeSize() * static_cast<size_t>(image.planes));
    StatsAccumulator stats;
    const int64_t chunk = chunkSize(std::max(1, image.width));
    // Scaled float32 goes through doubles too, so statistics see the exact BSCALE/BZERO result.
    if (image.bitpix == -32 && image.bscale == 1.0 && image.bzero == 0.0) {
        readAsFloat(m_file, image, chunk, stats);
    } else {
        readAsDouble(m_file, image, chunk, stats);
    }
    return stats.result();
}

}  // namespace cosmoclip
