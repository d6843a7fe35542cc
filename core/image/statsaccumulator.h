#pragma once

#include <cstddef>
#include <cstdint>

#include "image/image.h"

namespace cosmoclip {

/// Running min / max / mean / NaN count over pixel values fed in chunks (a FITS reader adds each chunk
/// while it is still in cache). NaN is missing data; infinities count as values. float32 goes through
/// SSE2 by hand (eight lanes, double sums that do not wait on each other); the serial version cost a
/// third of loading a 4096² float32 FITS file. Sums are kept per call, so the mean's last bits depend
/// on how the values were fed (the same for the same image and number of threads).
class StatsAccumulator {
public:
    StatsAccumulator();
    void add(const float* values, size_t n);
    void add(const double* values, size_t n);
    /// For the FITS reader: converts n big-endian float32 values at `in` to the host's order into
    /// `out` and accumulates them in the same pass. Large images are written past the cache
    /// (streaming stores): `out` is not read back before the whole image is loaded.
    void addBigEndian(const void* in, float* out, size_t n);
    /// Folds in what another accumulator saw (parts of one image read on several threads).
    void merge(const StatsAccumulator& other);
    ImageStats result() const;

private:
    template <typename T>
    void addLanes(const T* values, size_t n);
    template <bool kSwapAndStore>
    void addVectors(const void* in, float* out, size_t n);

    double m_min;
    double m_max;
    double m_sum = 0.0;
    int64_t m_nans = 0;
    int64_t m_total = 0;
};

}  // namespace cosmoclip
