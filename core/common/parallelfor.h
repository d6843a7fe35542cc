#pragma once

#include <cstddef>
#include <functional>

namespace cosmoclip {

/// Runs fn(part, begin, end) once for each of parallelParts(n, minPerThread) contiguous parts of
/// [0, n), in order of part, on up to one thread per core; the calling thread works too. Work
/// smaller than 2 x `minPerThread` runs inline, so small images pay nothing for threads they do not
/// need. There are a few more parts than threads, handed out as threads become free: on a machine
/// shared with other work one thread held up by the scheduler no longer holds up the whole pass
/// (the others take its remaining parts). Whole-image passes (reading, statistics, rendering) are
/// memory-bound and split evenly; callers keep per-part results (indexed by `part`) and combine
/// them in part order, so results do not depend on which thread ran what. The first exception
/// thrown by a part is rethrown here after every thread has finished.
void parallelFor(size_t n, size_t minPerThread, const std::function<void(size_t part, size_t begin, size_t end)>& fn);

/// How many parts parallelFor splits this much work into (for per-part results and scratch space).
size_t parallelParts(size_t n, size_t minPerThread);

}  // namespace cosmoclip
