#include "common/parallelfor.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace cosmoclip {

size_t parallelParts(size_t n, size_t minPerThread) {
    const size_t cores = std::max(1u, std::thread::hardware_concurrency());
    const size_t byWork = n / std::max<size_t>(1, minPerThread);
    return std::clamp<size_t>(std::min(cores, byWork), 1, 16);
}

void parallelFor(size_t n, size_t minPerThread, const std::function<void(size_t part, size_t begin, size_t end)>& fn) {
    const size_t parts = parallelParts(n, minPerThread);
    if (parts <= 1) {
        if (n > 0) fn(0, 0, n);
        return;
    }
    std::exception_ptr failure;
    std::mutex failureMutex;
    auto run = [&](size_t part) {
        try {
            fn(part, n * part / parts, n * (part + 1) / parts);
        } catch (...) {
            std::lock_guard lock(failureMutex);
            if (!failure) failure = std::current_exception();
        }
    };
    std::vector<std::thread> threads;
    threads.reserve(parts - 1);
    for (size_t part = 1; part < parts; ++part) threads.emplace_back(run, part);
    run(0);
    for (auto& t : threads) t.join();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace cosmoclip
