#include "model/blasgemm.h"

#include <dlfcn.h>

namespace cosmoclip {

namespace {

// The Fortran BLAS entry point (column-major, arguments by pointer). LibTorch links it for its own
// CPU matrix products, so it is in the process whenever LibTorch is; looked up rather than linked so that
// this library does not depend on one BLAS's headers or name.
using Sgemm = void (*)(const char* transa, const char* transb, const int* m, const int* n, const int* k,
                       const float* alpha, const float* a, const int* lda, const float* b, const int* ldb,
                       const float* beta, float* c, const int* ldc);

Sgemm sgemm() {
    static const auto f = reinterpret_cast<Sgemm>(dlsym(RTLD_DEFAULT, "sgemm_"));
    return f;
}

}  // namespace

bool BlasGemm::available() {
    return sgemm() != nullptr;
}

// Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: the same call with the operands
// swapped, which reads each row-major matrix as its transpose.
void BlasGemm::multiply(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha,
                        const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
                        int64_t ldc) {
    const char ta = transB ? 'T' : 'N';
    const char tb = transA ? 'T' : 'N';
    const int mm = static_cast<int>(n), nn = static_cast<int>(m), kk = static_cast<int>(k);
    const int la = static_cast<int>(ldb), lb = static_cast<int>(lda), lc = static_cast<int>(ldc);
    sgemm()(&ta, &tb, &mm, &nn, &kk, &alpha, b, &la, a, &lb, &beta, c, &lc);
}

}  // namespace cosmoclip
