#pragma once

#include <cstdint>

namespace cosmoclip {

/// Single-precision matrix product through the BLAS that LibTorch itself runs on (`sgemm_`, found at run
/// time: OpenBLAS here), on row-major matrices with any leading dimension. It lets the fused inference
/// path multiply the per-head slices of a packed QKV matrix in place, without the copies and per-matrix
/// dispatch of at::bmm. Torch-free header.
class BlasGemm final {
public:
    /// Whether a BLAS sgemm_ is loaded in the process. Without one the fused path is not used.
    static bool available();

    /// C = alpha * op(A) * op(B) + beta * C, all row-major; op(X) = X^T when `transX`. C is m x n and
    /// op(A) m x k, op(B) k x n; lda/ldb/ldc are row strides in elements. Requires available().
    static void multiply(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha,
                         const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
                         int64_t ldc);
};

}  // namespace cosmoclip
