#include "model/clipencoder.h"

#include <dlfcn.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <mutex>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/sha256.h"
#include "model/clipmodelloader.h"

namespace cosmoclip {
namespace {

at::Tensor normalizeRows(const at::Tensor& x) {
    return x / x.norm(2, -1, true);
}

std::vector<float> toVector(const at::Tensor& x) {
    const at::Tensor c = x.to(at::kCPU, at::kFloat).contiguous();
    return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

}  // namespace

// LibTorch's set_num_threads covers OpenMP (and MKL), but GEMMs run in OpenBLAS's own pthread pool,
// which only its own call resizes. Looked up at run time: other BLAS builds lack the symbol.
void setCpuThreads(int threads) {
    if (threads <= 0) return;
    at::set_num_threads(threads);
    using SetThreads = void (*)(int);
    static const auto openblas =
        reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    if (openblas) openblas(threads);
}

void retainCpuAllocatorMemory() {
#if defined(__GLIBC__)
    static std::once_flag once;
    std::call_once(once, [] {
        mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's ceiling for this setting
        mallopt(M_TRIM_THRESHOLD, 1 << 30);
    });
#endif
}

void setFusedInference(bool enabled) {
    ResidualAttentionBlockImpl::setFusedInference(enabled);
}

const char* precisionName(ClipPrecision precision) {
    switch (precision) {
        case ClipPrecision::BFloat16: return "bf16";
        case ClipPrecision::Int8: return "int8";
        case ClipPrecision::Float32: break;
    }
    return "fp32";
}

ClipPrecision parsePrecision(const std::string& name) {
    if (name == "fp32" || name == "float32") return ClipPrecision::Float32;
    if (name == "bf16" || name == "bfloat16") return ClipPrecision::BFloat16;
    if (name == "int8") return ClipPrecision::Int8;
    throw Error("precision", "'" + name + "' is not one of fp32, bf16, int8");
}

struct ClipEncoder::Impl {
    LoadedClipModel loaded;
    ClipEncoderOptions options;

    template <typename Id>
    std::vector<float> encodeTexts(const std::vector<std::vector<Id>>& tokens) const;
    // Runs `run` on consecutive slices of `batch` rows and concatenates the results.
    template <typename Run>
    std::vector<float> batched(size_t count, Run run) const;
};

template <typename Run>
std::vector<float> ClipEncoder::Impl::batched(size_t count, Run run) const {
    std::vector<float> out;
    const int64_t e = loaded.config.embedDim;
    out.reserve(count * static_cast<size_t>(e));
    setCpuThreads(options.threads);
    c10::InferenceMode inference;
    const InferencePrecision precision(options.precision);
    const size_t step = static_cast<size_t>(std::max<int64_t>(1, options.batchSize));
    for (size_t begin = 0; begin < count; begin += step) {
        at::Tensor features;
        try {
            features = run(begin, std::min(count, begin + step));
        } catch (const c10::Error& e) {  // e.g. out of memory; msg() has no C++ backtrace
            throw Error("ClipEncoder", e.msg().substr(0, e.msg().find('\n')));
        }
        if (options.normalize) features = normalizeRows(features);
        const auto rows = toVector(features);
        out.insert(out.end(), rows.begin(), rows.end());
    }
    return out;
}

template <typename Id>
std::vector<float> ClipEncoder::Impl::encodeTexts(const std::vector<std::vector<Id>>& tokens) const {
    const int64_t context = loaded.config.text.contextLength;
    for (size_t i = 0; i < tokens.size(); ++i) {
        const auto n = static_cast<int64_t>(tokens[i].size());
        if (n == 0 || n > context)
            throw Error("text " + std::to_string(i), std::to_string(n) + " tokens; 1 to " +
                                                         std::to_string(context) + " expected (truncate it)");
    }
    return batched(tokens.size(), [&](size_t begin, size_t end) {
        size_t longest = 0;
        for (size_t i = begin; i < end; ++i) longest = std::max(longest, tokens[i].size());
        // Zero padding after EOT never reaches the pooled feature (causal mask, pooling at EOT).
        at::Tensor ids =
            at::zeros({static_cast<int64_t>(end - begin), static_cast<int64_t>(longest)}, at::kLong);
        auto acc = ids.accessor<int64_t, 2>();
        for (size_t i = begin; i < end; ++i)
            for (size_t j = 0; j < tokens[i].size(); ++j) acc[i - begin][j] = tokens[i][j];
        ClipModel model = loaded.model;  // a handle on the shared module; forward() is not const
        return model->encodeText(ids);
    });
}

ClipEncoder::ClipEncoder(const std::string& checkpointPath, ClipEncoderOptions options)
    : ClipEncoder(ClipModelLoader::load(checkpointPath), options) {}

ClipEncoder::ClipEncoder(LoadedClipModel&& loaded, ClipEncoderOptions options)
    : m_impl(std::make_unique<Impl>(Impl{std::move(loaded), options})) {
    if (m_impl->loaded.model.is_empty()) throw Error("ClipEncoder", "no model");
    if (options.retainAllocatorMemory) retainCpuAllocatorMemory();
    m_impl->loaded.model->eval();
}

ClipEncoder::~ClipEncoder() = default;
ClipEncoder::ClipEncoder(ClipEncoder&&) noexcept = default;
ClipEncoder& ClipEncoder::operator=(ClipEncoder&&) noexcept = default;

const ClipConfig& ClipEncoder::config() const {
    return m_impl->loaded.config;
}
const ClipPreprocessorConfig& ClipEncoder::preprocess() const {
    return m_impl->loaded.preprocess;
}
int64_t ClipEncoder::embedDim() const {
    return m_impl->loaded.config.embedDim;
}
int64_t ClipEncoder::imageSize() const {
    return m_impl->loaded.config.vision.imageSize;
}
void ClipEncoder::setOptions(const ClipEncoderOptions& options) {
    m_impl->options = options;
}
const ClipEncoderOptions& ClipEncoder::options() const {
    return m_impl->options;
}

const std::string& ClipEncoder::weightsPath() const {
    return m_impl->loaded.weightsPath;
}

std::string ClipEncoder::configHash() const {
    const auto& p = m_impl->loaded.preprocess;
    nlohmann::json identity = {{"config", m_impl->loaded.config.toHuggingFaceJson()},
                               {"resize", p.resizeShortest}, {"crop", p.cropSize}, {"shortest", p.shortestEdge}, {"bicubic", p.bicubic}, {"mean", p.mean}, {"std", p.std}};
    return Sha256::hex(identity.dump());
}

double ClipEncoder::logitScale() const {
    c10::InferenceMode inference;
    return m_impl->loaded.model->logit_scale.exp().item<double>();
}

std::vector<float> ClipEncoder::encodeImages(const float* pixels, size_t count) const {
    if (count == 0) return {};
    if (!pixels) throw Error("ClipEncoder", "no pixel data");
    const int64_t r = imageSize();
    const int64_t perImage = 3 * r * r;
    return m_impl->batched(count, [&](size_t begin, size_t end) {
        // A view of the caller's memory: nothing is copied before the convolution.
        const at::Tensor images =
            at::from_blob(const_cast<float*>(pixels) + begin * static_cast<size_t>(perImage),
                          {static_cast<int64_t>(end - begin), 3, r, r}, at::kFloat);
        ClipModel model = m_impl->loaded.model;
        return model->encodeImage(images);
    });
}

std::vector<float> ClipEncoder::encodeImages(const std::vector<std::vector<float>>& images) const {
    const size_t perImage = static_cast<size_t>(3 * imageSize() * imageSize());
    std::vector<float> flat;
    flat.reserve(images.size() * perImage);
    for (size_t i = 0; i < images.size(); ++i) {
        if (images[i].size() != perImage)
            throw Error("image " + std::to_string(i),
                        std::to_string(images[i].size()) + " values, expected 3x" +
                            std::to_string(imageSize()) + "x" + std::to_string(imageSize()));
        flat.insert(flat.end(), images[i].begin(), images[i].end());
    }
    return encodeImages(flat.data(), images.size());
}

std::vector<float> ClipEncoder::encodeTexts(const std::vector<std::vector<int64_t>>& tokens) const {
    return m_impl->encodeTexts(tokens);
}

std::vector<float> ClipEncoder::encodeTexts(const std::vector<std::vector<int32_t>>& tokens) const {
    return m_impl->encodeTexts(tokens);
}

}  // namespace cosmoclip
