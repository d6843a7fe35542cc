#pragma once

#include <cstdint>

#include "model/clipencoder.h"

namespace cosmoclip {

/// The machine's matrix-multiply rate, measured the way the model multiplies: the yardstick that
/// `cosmoclip bench embed` reports its GFLOP/s against. Torch-free header.
class MatmulRate final {
public:
    /// GFLOP per second of wall-clock time and per second of this process's CPU time (the latter does
    /// not count time the OS gave to other processes, which matters on a shared machine).
    struct Rate {
        double wall = 0;
        double cpu = 0;
    };

    /// GFLOP/s (multiply and add counted separately) of the four GEMMs of one transformer block run
    /// back to back on `rows` token rows: QKV (W -> 3W), out_proj (W -> W), c_fc (W -> I),
    /// c_proj (I -> W) with nn.Linear's transposed weight, on `threads` threads (CPU), for about
    /// `seconds` after one warm-up round. Float32: at::mm into preallocated outputs; bfloat16/int8:
    /// GemmWeight::multiply, as the fused path runs them (input conversion/quantisation included).
    static Rate blockGemms(int64_t rows, int64_t width, int64_t intermediate, ClipPrecision precision,
                           int threads, double seconds);
    /// GFLOP/s of an n x n by n x n float32 at::mm on `threads` threads, for about `seconds`.
    static Rate square(int64_t n, int threads, double seconds);
};

}  // namespace cosmoclip
