#include "common/parallelfor.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace cosmoclip {

namespace {

// Parts per thread: enough for a free thread to take over most of the work of one the scheduler
// has parked, few enough that per-part costs (opening a file, a scratch row) stay negligible.
constexpr size_t kPartsPerThread = 4;

size_t threadsFor(size_t n, size_t minPerThread) {
    const size_t cores = std::max(1u, std::thread::hardware_concurrency());
    const size_t byWork = n / std::max<size_t>(1, minPerThread);
    return std::clamp<size_t>(std::min(cores, byWork), 1, 16);
}

}  // namespace

size_t parallelParts(size_t n, size_t minPerThread) {
    const size_t threads = threadsFor(n, minPerThread);
    return threads <= 1 ? 1 : std::min(n, threads * kPartsPerThread);
}

void parallelFor(size_t n, size_t minPerThread, const std::function<void(size_t part, size_t begin, size_t end)>& fn) {
    const size_t threads = threadsFor(n, minPerThread);
    const size_t parts = parallelParts(n, minPerThread);
    if (parts <= 1) {
        if (n > 0) fn(0, 0, n);
        return;
    }
    std::atomic<size_t> next{0};
    std::exception_ptr failure;
    std::mutex failureMutex;
    auto work = [&] {
        for (size_t part = next++; part < parts; part = next++) {
            try {
                fn(part, n * part / parts, n * (part + 1) / parts);
            } catch (...) {
                std::lock_guard lock(failureMutex);
                if (!failure) failure = std::current_exception();
            }
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace cosmoclip
