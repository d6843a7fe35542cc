#pragma once

#include <cstddef>
#include <functional>

namespace cosmoclip {

/// Runs fn(part, begin, end) over contiguous parts of [0, n) on up to one thread per core, the calling
/// thread taking the first part. Work smaller than 2 x `minPerThread` runs inline, so small images
/// pay nothing for threads they do not need. Whole-image passes (reading, statistics, rendering) are
/// memory-bound and split evenly; the first exception thrown by a part is rethrown here after every
/// thread has finished.
void parallelFor(size_t n, size_t minPerThread, const std::function<void(size_t part, size_t begin, size_t end)>& fn);

/// How many parts parallelFor uses for this much work (for per-part results and scratch space).
size_t parallelParts(size_t n, size_t minPerThread);

}  // namespace cosmoclip
