#pragma once

#include <cstddef>
#include <vector>

namespace cosmoclip {

// Small dense-vector helpers shared by the zero-shot classifier, the query combiner and the vector
// indexes. Row-major float32 throughout; sums are accumulated in double where a result is stored, so
// normalised vectors do not drift with the dimension.

/// Scales each of `rows` rows of `dim` floats to unit L2 norm. Like torch.nn.functional.normalize
/// (eps 1e-12), an all-zero row stays zero instead of becoming NaN.
void l2NormalizeRows(float* data, size_t rows, size_t dim);
inline void l2Normalize(float* v, size_t dim) { l2NormalizeRows(v, 1, dim); }
/// A normalised copy of one vector.
std::vector<float> l2Normalized(const float* v, size_t dim);

/// Euclidean norm, accumulated in double.
double l2Norm(const float* v, size_t dim);
/// Dot product accumulated in double (reference-quality; not the search kernel).
double dotDouble(const float* a, const float* b, size_t dim);
/// Fast float32 dot product (AVX2+FMA when the CPU has it, chosen at run time).
float dot(const float* a, const float* b, size_t dim);
/// out[r] = rows[r] . q for `n` rows of `dim` floats: the brute-force search kernel (AVX2+FMA when
/// the CPU has it, chosen at run time; the result does not depend on which path ran by more than
/// float rounding).
void dotRows(const float* rows, size_t n, size_t dim, const float* q, float* out);

/// Whether the running CPU has AVX2 and FMA (the float32 SIMD kernels' requirement).
bool cpuHasAvx2Fma();
/// Switches the SIMD kernels off (true by default; they still need cpuHasAvx2Fma()). For tests
/// and benchmarks of the portable path; not thread-safe against running searches.
void setSimdKernelsEnabled(bool enabled);
/// Whether dot()/dotRows() use the AVX2 kernels now.
bool simdKernelsActive();

}  // namespace cosmoclip
