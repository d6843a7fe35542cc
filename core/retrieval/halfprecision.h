#pragma once

#include <cstddef>
#include <cstdint>

namespace cosmoclip {

// IEEE binary16 copies of normalised embeddings, for a first scan that reads half the bytes of
// float32 (the brute-force search at a million rows is bound by memory bandwidth). Scores from it
// are approximate with a known error bound; VectorIndex re-scores the candidates in float32 so
// that its ranking stays exactly the float32 one. x86-64 with AVX2, FMA and F16C only, chosen at
// run time.

/// Whether the CPU has AVX2, FMA and F16C (and the SIMD kernels are enabled).
bool halfPrecisionAvailable();

/// Round-to-nearest-even conversion; requires halfPrecisionAvailable().
void floatToHalf(const float* in, uint16_t* out, size_t n);
void halfToFloat(const uint16_t* in, float* out, size_t n);

/// out[r] = float(rows[r]) . q in float32; requires halfPrecisionAvailable().
void dotRowsHalf(const uint16_t* rows, size_t n, size_t dim, const float* q, float* out);

/// The same conversions and scan on any CPU: the F16C kernels where available, else portable
/// scalar code (identical results for the conversions; the scan then sums in double). For the
/// binary16 store of the compressed approximate index, which must work everywhere.
uint16_t floatToHalfPortable(float value);
float halfToFloatPortable(uint16_t value);
void toHalf(const float* in, uint16_t* out, size_t n);
void fromHalf(const uint16_t* in, float* out, size_t n);
void dotRowsHalfAnyCpu(const uint16_t* rows, size_t n, size_t dim, const float* q, float* out);

/// An upper bound on |dotRowsHalf - dotRows| for a row and a query of norm <= 1 each:
/// half rounding (relative 2^-11 per component, so <= 2^-11 by Cauchy-Schwarz, plus 2^-25 per
/// subnormal component) and both float32 accumulations, with margin.
double halfDotErrorBound(size_t dim);

}  // namespace cosmoclip
