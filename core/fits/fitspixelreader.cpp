#include "fits/fitspixelreader.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "common/error.h"
#include "common/parallelfor.h"
#include "fits/fitsfile.h"
#include "image/statsaccumulator.h"

namespace cosmoclip {

namespace {

// About 2 MiB of doubles per chunk: large enough for CFITSIO's per-call overhead to vanish, small
// enough to stay in cache between conversion and statistics.
constexpr int64_t kChunkSamples = int64_t{1} << 18;

// Whole rows per chunk where a row fits, so a chunk never splits a row of a normal image.
int64_t chunkSize(int64_t width) {
    return width >= kChunkSamples ? kChunkSamples : (kChunkSamples / width) * width;
}

/// Uncompressed float32 without scaling, the common case of reduced images, read by one thread per
/// core, each taking its own part: the file's bytes go through a small buffer that stays in cache
/// and are swapped from there into the image and measured in one pass (reading straight into the
/// image and swapping there moved every byte through memory twice more). CFITSIO does the same
/// conversion on one thread; this runs at the speed of the page cache. False when the data is not
/// laid out plainly (the caller then uses CFITSIO).
bool readFloat32Directly(const FitsFile& file, Image& image, StatsAccumulator& stats) {
    if constexpr (std::endian::native != std::endian::little) return false;
    const size_t n = image.data.size();
    const auto raw = file.rawImageData(static_cast<int64_t>(n * sizeof(float)));
    if (!raw) return false;
    constexpr size_t kMinPerThread = size_t{1} << 20;
    constexpr size_t kBlock = size_t{1} << 14;  // 64 KiB per read
    std::vector<StatsAccumulator> parts(parallelParts(n, kMinPerThread));
    parallelFor(n, kMinPerThread, [&](size_t part, size_t begin, size_t end) {
        std::ifstream in;
        std::vector<char> buffer;
        if (!raw->memory) {
            in.open(file.path(), std::ios::binary);
            in.seekg(static_cast<std::streamoff>(raw->offset + static_cast<int64_t>(begin * sizeof(float))));
            buffer.resize(kBlock * sizeof(float));
        }
        for (size_t first = begin; first < end; first += kBlock) {
            const size_t count = std::min(kBlock, end - first);
            const char* bytes = buffer.data();
            if (raw->memory) {
                bytes = raw->memory + first * sizeof(float);  // an inflated gzip file: used in place
            } else if (!in.read(buffer.data(), static_cast<std::streamsize>(count * sizeof(float)))) {
                throw Error(file.path(), "cannot read the image data (file changed or unreadable)");
            }
            parts[part].addBigEndian(bytes, image.data.data() + first, count);
        }
    });
    for (const auto& p : parts) stats.merge(p);
    return true;
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
        stats.add(out, static_cast<size_t>(count));
    }
}

void readAsDouble(const FitsFile& file, Image& image, int64_t chunk, StatsAccumulator& stats) {
    const auto total = static_cast<int64_t>(image.data.size());
    std::vector<double> buffer(static_cast<size_t>(std::min(chunk, total)));
    for (int64_t first = 0; first < total; first += chunk) {
        const int64_t count = std::min(chunk, total - first);
        file.readPixels(TDOUBLE, first, count, buffer.data(), true);
        stats.add(buffer.data(), static_cast<size_t>(count));
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
        if (!readFloat32Directly(m_file, image, stats)) readAsFloat(m_file, image, chunk, stats);
    } else {
        readAsDouble(m_file, image, chunk, stats);
    }
    return stats.result();
}

}  // namespace cosmoclip
