#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/clipconfig.h"
#include "model/clippreprocessorconfig.h"

namespace cosmoclip {

struct LoadedClipModel;

/// Arithmetic of the transformer blocks' matrix products at inference.
enum class ClipPrecision {
    Float32,   ///< float32 throughout (the default; matches the reference implementation)
    BFloat16,  ///< bfloat16 weights and GEMM inputs (oneDNN, fp32 accumulation), float32 elsewhere:
               ///< about twice the matmul rate on CPUs with AVX-512 BF16; cosine >= 0.99 to Float32
    Int8,      ///< int8 weights (per output channel) and dynamically quantised activations (per tensor)
               ///< in the block GEMMs (LibTorch's quantised oneDNN/FBGEMM linear), float32 elsewhere
};

/// "fp32" / "bf16" / "int8"; parsePrecision throws cosmoclip::Error for another name.
const char* precisionName(ClipPrecision precision);
ClipPrecision parsePrecision(const std::string& name);

struct ClipEncoderOptions {
    int threads = 0;         ///< CPU threads for LibTorch and OpenBLAS; 0 leaves the current setting
    int64_t batchSize = 32;  ///< inputs per forward pass
    bool normalize = false;  ///< L2-normalise every output row
    bool retainAllocatorMemory = true;  ///< call retainCpuAllocatorMemory() when constructed
    ClipPrecision precision = ClipPrecision::Float32;
};

/// Makes glibc keep freed memory in the process (no heap trimming below 1 GiB, mmap only for blocks
/// over 32 MiB) so that each forward pass reuses warm pages for its activations instead of faulting in
/// fresh ones: about 2x faster CPU inference measured here. Process-wide and permanent; idempotent;
/// a no-op off glibc.
void retainCpuAllocatorMemory();

/// Sets LibTorch's intra-op threads (OpenMP: for the calling thread) and OpenBLAS's GEMM threads,
/// which LibTorch's own setting leaves alone. `threads` <= 0 changes nothing.
void setCpuThreads(int threads);

/// Process-wide switch of the transformer blocks' fused inference path (default on; see
/// ResidualAttentionBlock). Off, inference runs the plain LibTorch modules. For benchmarks and tests.
void setFusedInference(bool enabled);

/// Batched CLIP inference behind a torch-free interface (include this instead of the model headers).
/// Runs under c10::InferenceMode on the CPU in float32. Outputs are row-major [N, embedDim] floats.
/// Safe to call from several threads at once; every error is a cosmoclip::Error.
class ClipEncoder final {
public:
    /// Loads any checkpoint ClipModelLoader::load understands.
    explicit ClipEncoder(const std::string& checkpointPath, ClipEncoderOptions options = {});
    /// Takes over an already loaded model.
    explicit ClipEncoder(LoadedClipModel&& loaded, ClipEncoderOptions options = {});
    ~ClipEncoder();
    ClipEncoder(ClipEncoder&&) noexcept;
    ClipEncoder& operator=(ClipEncoder&&) noexcept;

    const ClipConfig& config() const;
    const ClipPreprocessorConfig& preprocess() const;
    int64_t embedDim() const;
    int64_t imageSize() const;
    /// The weight file (or shard index) the model came from; empty for models built in memory.
    const std::string& weightsPath() const;
    /// SHA-256 of the architecture and preprocessing settings: with the weights' hash, the model's
    /// identity in a catalog.
    std::string configHash() const;
    /// exp(logit_scale): the factor between cosine similarity and CLIP logits (100 for trained models).
    double logitScale() const;
    void setOptions(const ClipEncoderOptions& options);
    const ClipEncoderOptions& options() const;

    /// `count` images of [3, R, R] float32 (preprocessForClip output) stored one after another.
    std::vector<float> encodeImages(const float* pixels, size_t count) const;
    std::vector<float> encodeImages(const std::vector<std::vector<float>>& images) const;
    /// Token id lists with start and end tokens (the tokenizer's output), each 1..contextLength long.
    std::vector<float> encodeTexts(const std::vector<std::vector<int64_t>>& tokens) const;
    std::vector<float> encodeTexts(const std::vector<std::vector<int32_t>>& tokens) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cosmoclip
