#pragma once

#include <cstdint>

#include <ATen/core/Tensor.h>

namespace cosmoclip {

/// Fused autograd functions of the training path on the CPU: each forward and each backward is one
/// parallel pass (TrainingKernels) where LibTorch's composition runs several ops, temporaries, copies
/// and, for attention, a sequential loop of tiny per-head GEMMs. Float32 CPU tensors only; anything
/// else (another dtype or device, autocast) gets the LibTorch composition with the same maths.
class FusedTrainingOps final {
public:
    /// On by default; off runs the LibTorch composition everywhere (tests compare the two).
    static void setEnabled(bool enabled);
    static bool enabled();
    /// The linear alone (on by default): off leaves the products to at::linear (OpenBLAS's own threads).
    static void setLinearEnabled(bool enabled);

    /// OpenAI's QuickGELU x * sigmoid(1.702 x), differentiable.
    static at::Tensor quickGelu(const at::Tensor& x);

    /// Multi-head scaled dot-product attention of the packed projection qkv [B, N, 3W] (q | k | v, each
    /// `heads` heads side by side): softmax(q k^T / sqrt(W / heads) + mask) v -> [B, N, W], the heads side
    /// by side again (ready for out_proj). `mask` is undefined or an additive [N, N] float mask.
    /// Differentiable in qkv (not in mask).
    static at::Tensor attention(const at::Tensor& qkv, const at::Tensor& mask, int64_t heads);

    /// x W^T + b (bias may be undefined) for x [..., K], W [N, K], differentiable in all three. Fused: each
    /// product (forward, dX, dW) split into one block of rows per intra-op thread, each block a
    /// single-threaded sgemm, and the bias gradient summed by the threads that own its columns. One pool
    /// (OpenMP) does all the work: OpenBLAS's own threads, which otherwise contend with the OpenMP ones
    /// for the cores between products, are held at 1 while it runs. Needs OpenBLAS (its thread control).
    static at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);

    /// How many distinct intra-op threads one parallel pass of these functions runs on now (at most
    /// at::get_num_threads()): 1 means the passes run serially, e.g. built without OpenMP (tests).
    static int parallelThreads();
    /// False when this build has no OpenMP for an OpenMP LibTorch (CMake warned): the passes run serially.
    static bool parallelBuild();

    /// Whether quickGelu/attention/linear run fused for these inputs (false: the LibTorch composition).
    static bool fusedFor(const at::Tensor& x);
    static bool fusedFor(const at::Tensor& qkv, const at::Tensor& mask, int64_t heads);
    static bool fusedLinearFor(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);
};

}  // namespace cosmoclip
