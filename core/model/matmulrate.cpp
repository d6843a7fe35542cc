#include "model/matmulrate.h"

#include <chrono>
#include <ctime>
#include <vector>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "model/gemmweight.h"

namespace cosmoclip {

namespace {

double cpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Runs `step` once, then repeatedly for about `seconds`; returns `flopsPerStep` * steps per second, in G.
template <typename Step>
MatmulRate::Rate rate(Step step, double flopsPerStep, double seconds) {
    step();
    int steps = 0;
    const auto start = std::chrono::steady_clock::now();
    const double cpuStart = cpuSeconds();
    double elapsed = 0;
    do {
        step();
        ++steps;
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } while (elapsed < seconds);
    const double gflop = flopsPerStep * steps / 1e9;
    return {gflop / elapsed, gflop / (cpuSeconds() - cpuStart)};
}

}  // namespace

MatmulRate::Rate MatmulRate::blockGemms(int64_t rows, int64_t width, int64_t intermediate,
                                        ClipPrecision precision, int threads, double seconds) {
    setCpuThreads(threads);
    c10::InferenceMode inference;
    const auto random = [&](int64_t r, int64_t c) { return at::randn({r, c}).mul_(0.02); };
    // {input, weight [out, in]} per GEMM, as the block runs them.
    const at::Tensor x = random(rows, width), hidden = random(rows, intermediate);
    const std::vector<std::pair<at::Tensor, at::Tensor>> shapes = {{x, random(3 * width, width)},
                                                                   {x, random(width, width)},
                                                                   {x, random(intermediate, width)},
                                                                   {hidden, random(width, intermediate)}};
    double flops = 0;
    for (const auto& [input, weight] : shapes)
        flops += 2.0 * static_cast<double>(rows * weight.size(0) * weight.size(1));
    if (precision == ClipPrecision::Float32) {
        // Preallocated outputs: the GEMM alone, no allocator in the loop.
        std::vector<at::Tensor> outputs;
        for (const auto& [input, weight] : shapes) outputs.push_back(at::empty({rows, weight.size(0)}));
        return rate(
            [&] {
                for (size_t i = 0; i < shapes.size(); ++i)
                    at::mm_out(outputs[i], shapes[i].first, shapes[i].second.t());
            },
            flops, seconds);
    }
    // Reduced precision as the fused path runs it (conversions of the input included).
    std::vector<GemmWeight> weights;
    for (const auto& shape : shapes) weights.push_back(GemmWeight::make(shape.second, precision));
    return rate(
        [&] {
            for (size_t i = 0; i < shapes.size(); ++i) weights[i].multiply(shapes[i].first);
        },
        flops, seconds);
}

MatmulRate::Rate MatmulRate::square(int64_t n, int threads, double seconds) {
    setCpuThreads(threads);
    c10::InferenceMode inference;
    const at::Tensor a = at::randn({n, n}), b = at::randn({n, n});
    at::Tensor c = at::empty({n, n});
    return rate([&] { at::mm_out(c, a, b); }, 2.0 * static_cast<double>(n * n * n), seconds);
}

}  // namespace cosmoclip
