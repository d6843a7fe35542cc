#pragma once

#include <ATen/ATen.h>
#include <ATen/core/ivalue.h>

#include "model/clipencoder.h"

namespace cosmoclip {

/// A weight [out, in] of a transformer block as the fused inference path multiplies it: float32 or a
/// bfloat16 copy (dense), or int8 prepacked for LibTorch's dynamically quantised linear (oneDNN/FBGEMM:
/// activations quantised per call, per tensor; weights per output channel). Internal to core/model.
class GemmWeight final {
public:
    GemmWeight() = default;
    /// The weight in `precision` (Float32 keeps a reference to `weight`, the others copy it once).
    /// Throws cosmoclip::Error when this LibTorch cannot run int8.
    static GemmWeight make(const at::Tensor& weight, ClipPrecision precision);

    /// input [rows, in] float32 -> input weight^T, float32 [rows, out].
    at::Tensor multiply(const at::Tensor& input) const;
    /// y [rows, out] float32 += input weight^T (float32: inside the GEMM, beta = 1).
    void addProductTo(at::Tensor& y, const at::Tensor& input) const;
    /// Output rows [begin, end) of the weight, or an empty GemmWeight when it is prepacked.
    GemmWeight rows(int64_t begin, int64_t end) const;
    bool empty() const { return !m_dense.defined() && m_packed.isNone(); }

private:
    at::Tensor m_dense;
    c10::IValue m_packed;
};

}  // namespace cosmoclip
