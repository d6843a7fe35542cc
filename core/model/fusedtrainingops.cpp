#include "model/fusedtrainingops.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <vector>

#include <dlfcn.h>

#include <ATen/ATen.h>
#include "model/intraopparallel.h"
#include <ATen/autocast_mode.h>
#include <torch/csrc/autograd/custom_function.h>

#include "model/blasgemm.h"
#include "model/trainingkernels.h"

namespace cosmoclip {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

std::atomic<bool> g_enabled{true};
std::atomic<bool> g_linearEnabled{true};

constexpr double kQuickGeluScale = 1.702;
constexpr int64_t kElementGrain = 1 << 15;  // elements per task of an elementwise pass

bool isCpuFloat(const at::Tensor& t) {
    return t.defined() && t.device().is_cpu() && t.scalar_type() == at::kFloat && t.layout() == at::kStrided;
}

// The input saved for backward (not the output): c_proj saves the output, so this keeps one extra
// activation-sized tensor alive, as the composition (silu's input) does.
struct QuickGeluFunction : public torch::autograd::Function<QuickGeluFunction> {
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& input) {
        const at::Tensor x = input.contiguous();
        at::Tensor y = at::empty_like(x, at::MemoryFormat::Contiguous);
        const float* in = x.data_ptr<float>();
        float* out = y.data_ptr<float>();
        at::parallel_for(0, x.numel(), kElementGrain, [&](int64_t begin, int64_t end) {
            TrainingKernels::quickGelu(in + begin, out + begin, end - begin);
        });
        ctx->save_for_backward({x});
        return y;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        const at::Tensor x = ctx->get_saved_variables()[0];
        const at::Tensor g = grads[0].contiguous();
        at::Tensor gradIn = at::empty_like(x, at::MemoryFormat::Contiguous);
        const float* in = x.data_ptr<float>();
        const float* gp = g.data_ptr<float>();
        float* out = gradIn.data_ptr<float>();
        at::parallel_for(0, x.numel(), kElementGrain, [&](int64_t begin, int64_t end) {
            TrainingKernels::quickGeluBackward(in + begin, gp + begin, out + begin, end - begin);
        });
        return {gradIn};
    }
};

// OpenBLAS's thread count, looked up at run time (LibTorch links whichever BLAS the system has).
struct OpenBlasThreads {
    using Set = void (*)(int);
    using Get = int (*)();
    Set set = reinterpret_cast<Set>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    Get get = reinterpret_cast<Get>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    bool available() const { return set && get; }
};

const OpenBlasThreads& openBlasThreads() {
    static const OpenBlasThreads threads;
    return threads;
}

// While it lives, every sgemm call runs on its calling thread: the products are split over the
// OpenMP threads instead, one block each.
class SingleThreadedBlas final {
public:
    SingleThreadedBlas() {
        const OpenBlasThreads& t = openBlasThreads();
        if (!t.available()) return;  // another BLAS: its calls from the OpenMP threads are left to it
        m_previous = t.get();
        if (m_previous != 1) t.set(1);
    }
    ~SingleThreadedBlas() {
        if (m_previous != 1) openBlasThreads().set(m_previous);
    }
    SingleThreadedBlas(const SingleThreadedBlas&) = delete;
    SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;

private:
    int m_previous = 1;
};

AttentionTrainingArgs attentionArgs(const at::Tensor& qkv, const at::Tensor& mask, int64_t heads) {
    AttentionTrainingArgs a;
    a.batch = qkv.size(0);
    a.tokens = qkv.size(1);
    a.heads = heads;
    a.headDim = qkv.size(2) / 3 / heads;
    a.scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(a.headDim)));
    a.qkv = qkv.data_ptr<float>();
    a.mask = mask.defined() && mask.numel() > 0 ? mask.data_ptr<float>() : nullptr;
    return a;
}

// Saves qkv (an input) and the probabilities [B, H, N, N] (N^2 per head, small next to the activations)
// rather than recomputing them.
struct AttentionFunction : public torch::autograd::Function<AttentionFunction> {
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& qkvIn, const at::Tensor& maskIn,
                              int64_t heads) {
        const at::Tensor qkv = qkvIn.contiguous();
        const at::Tensor mask = maskIn.numel() > 0 ? maskIn.contiguous() : at::Tensor();
        AttentionTrainingArgs a = attentionArgs(qkv, mask, heads);
        at::Tensor out = at::empty({a.batch, a.tokens, heads * a.headDim}, qkv.options());
        at::Tensor probs = at::empty({a.batch, heads, a.tokens, a.tokens}, qkv.options());
        a.out = out.data_ptr<float>();
        a.probs = probs.data_ptr<float>();
        {
            const SingleThreadedBlas single;  // the per-head products run on their OpenMP thread
            at::parallel_for(0, a.batch * heads, 1,
                             [&](int64_t begin, int64_t end) { TrainingKernels::attentionForward(a, begin, end); });
        }
        ctx->save_for_backward({qkv});
        ctx->saved_data["probs"] = probs;
        ctx->saved_data["mask"] = mask.defined() ? mask : at::empty({0}, qkv.options());
        ctx->saved_data["heads"] = heads;
        return out;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        const at::Tensor qkv = ctx->get_saved_variables()[0];
        const at::Tensor probs = ctx->saved_data["probs"].toTensor();
        const at::Tensor mask = ctx->saved_data["mask"].toTensor();
        const int64_t heads = ctx->saved_data["heads"].toInt();
        const at::Tensor g = grads[0].contiguous();
        AttentionTrainingArgs a = attentionArgs(qkv, mask, heads);
        at::Tensor gradQkv = at::empty_like(qkv, at::MemoryFormat::Contiguous);
        a.probs = const_cast<float*>(probs.data_ptr<float>());
        a.gradOut = g.data_ptr<float>();
        a.gradQkv = gradQkv.data_ptr<float>();
        const SingleThreadedBlas single;
        at::parallel_for(0, a.batch * heads, 1,
                         [&](int64_t begin, int64_t end) { TrainingKernels::attentionBackward(a, begin, end); });
        return {gradQkv, at::Tensor(), at::Tensor()};
    }
};

// [0, rows) in a few blocks per intra-op thread (block starts a multiple of `align` rows), each handed to
// whichever thread asks next. Not one fixed block per thread: on a machine shared with other processes a
// descheduled thread's remaining blocks go to the others instead of every thread waiting for it at the
// end of the product. Blocks keep at least kMinBlockRows rows (a product's rows amortise the packing of
// the other operand).
template <typename F>
void forEachBlock(int64_t rows, int64_t align, const F& f) {
    constexpr int64_t kBlocksPerThread = 3;
    constexpr int64_t kMinBlockRows = 64;
    const int64_t threads = at::in_parallel_region() ? 1 : std::max<int64_t>(1, at::get_num_threads());
    const int64_t wanted = std::max(kMinBlockRows, (rows + threads * kBlocksPerThread - 1) / (threads * kBlocksPerThread));
    const int64_t block = (wanted + align - 1) / align * align;
    const int64_t blocks = (rows + block - 1) / block;
    if (threads == 1 || blocks <= 1) {
        if (rows > 0) f(int64_t{0}, rows);
        return;
    }
    std::atomic<int64_t> next{0};
    at::parallel_for(0, std::min(threads, blocks), 1, [&](int64_t, int64_t) {
        for (int64_t b = next++; b < blocks; b = next++) f(b * block, std::min(rows, (b + 1) * block));
    });
}

struct LinearFunction : public torch::autograd::Function<LinearFunction> {
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& input, const at::Tensor& weightIn,
                              const at::Tensor& bias) {
        const int64_t k = weightIn.size(1);
        const int64_t n = weightIn.size(0);
        const at::Tensor x = input.reshape({-1, k}).contiguous();
        const at::Tensor weight = weightIn.contiguous();
        const int64_t m = x.size(0);
        // Made in its final shape: an output that is a view would refuse the in-place residual add.
        std::vector<int64_t> shape = input.sizes().vec();
        shape.back() = n;
        at::Tensor out = at::empty(shape, x.options());
        const bool hasBias = bias.numel() > 0;
        const float* xp = x.data_ptr<float>();
        const float* wp = weight.data_ptr<float>();
        const float* bp = hasBias ? bias.data_ptr<float>() : nullptr;
        float* op = out.data_ptr<float>();
        {
            const SingleThreadedBlas single;
            forEachBlock(m, 1, [&](int64_t begin, int64_t end) {
                // The bias rows first, then the product added (beta = 1): OpenBLAS's beta = 0 also
                // writes C once before the product.
                if (bp)
                    for (int64_t r = begin; r < end; ++r) std::copy(bp, bp + n, op + r * n);
                BlasGemm::multiply(false, true, end - begin, n, k, 1.0f, xp + begin * k, k, wp, k, bp ? 1.0f : 0.0f,
                                   op + begin * n, n);
            });
        }
        ctx->save_for_backward({input, weightIn});
        ctx->saved_data["bias"] = hasBias;
        return out;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor weight = saved[1].contiguous();
        const int64_t n = weight.size(0);
        const int64_t k = weight.size(1);
        const at::Tensor g = grads[0].reshape({-1, n}).contiguous();
        const int64_t m = g.size(0);
        const float* gp = g.data_ptr<float>();
        at::Tensor gradInput, gradWeight, gradBias;
        const SingleThreadedBlas single;
        if (ctx->needs_input_grad(0)) {  // dX = dY W, by rows of dX
            gradInput = at::empty(saved[0].sizes(), g.options());
            const float* wp = weight.data_ptr<float>();
            float* dx = gradInput.data_ptr<float>();
            forEachBlock(m, 1, [&](int64_t begin, int64_t end) {
                BlasGemm::multiply(false, false, end - begin, k, n, 1.0f, gp + begin * n, n, wp, k, 0.0f,
                                   dx + begin * k, k);
            });
        }
        const bool biasGrad = ctx->saved_data["bias"].toBool() && ctx->needs_input_grad(2);
        if (ctx->needs_input_grad(1) || biasGrad) {  // dW = dY^T X and db = column sums of dY, by rows of dW
            const at::Tensor x = saved[0].reshape({-1, k}).contiguous();
            const float* xp = x.data_ptr<float>();
            if (ctx->needs_input_grad(1)) gradWeight = at::empty({n, k}, g.options());
            if (biasGrad) gradBias = at::zeros({n}, g.options());
            float* dw = gradWeight.defined() ? gradWeight.data_ptr<float>() : nullptr;
            float* db = gradBias.defined() ? gradBias.data_ptr<float>() : nullptr;
            forEachBlock(n, 16, [&](int64_t begin, int64_t end) {
                if (dw)
                    BlasGemm::multiply(true, false, end - begin, k, m, 1.0f, gp + begin, n, xp, k, 0.0f,
                                       dw + begin * k, k);
                if (db) TrainingKernels::addColumnSums(gp + begin, n, m, end - begin, db + begin);
            });
        }
        return {gradInput, gradWeight, gradBias};
    }
};

}  // namespace

void FusedTrainingOps::setEnabled(bool enabled) {
    g_enabled = enabled;
}

bool FusedTrainingOps::enabled() {
    return g_enabled;
}

void FusedTrainingOps::setLinearEnabled(bool enabled) {
    g_linearEnabled = enabled;
}

bool FusedTrainingOps::parallelBuild() {
#ifdef COSMOCLIP_SERIAL_INTRA_OP
    return false;
#else
    return true;
#endif
}

int FusedTrainingOps::parallelThreads() {
    const int64_t threads = at::get_num_threads();
    std::vector<std::atomic<bool>> seen(static_cast<size_t>(threads));
    // One item per thread: at::parallel_for hands each thread one contiguous chunk.
    at::parallel_for(0, threads, 1, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) seen[static_cast<size_t>(at::get_thread_num())] = true;
    });
    return static_cast<int>(std::count(seen.begin(), seen.end(), true));
}

bool FusedTrainingOps::fusedFor(const at::Tensor& x) {
    return g_enabled && isCpuFloat(x) && !at::autocast::is_cpu_enabled();
}

bool FusedTrainingOps::fusedFor(const at::Tensor& qkv, const at::Tensor& mask, int64_t heads) {
    if (!fusedFor(qkv) || !BlasGemm::available() || qkv.dim() != 3 || heads < 1 || qkv.size(2) % (3 * heads) != 0)
        return false;
    if (!mask.defined()) return true;
    return isCpuFloat(mask) && !mask.requires_grad() && mask.dim() == 2 && mask.size(0) == qkv.size(1) &&
           mask.size(1) == qkv.size(1);
}

bool FusedTrainingOps::fusedLinearFor(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
    if (!g_linearEnabled || !fusedFor(x) || !isCpuFloat(weight) || weight.dim() != 2 || x.dim() < 2 || x.size(-1) != weight.size(1) ||
        !BlasGemm::available() || !openBlasThreads().available())
        return false;
    return !bias.defined() || (isCpuFloat(bias) && bias.dim() == 1 && bias.size(0) == weight.size(0));
}

at::Tensor FusedTrainingOps::linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
    if (!fusedLinearFor(x, weight, bias)) return at::linear(x, weight, bias);
    // Function::apply takes no undefined tensor: an empty one stands for "no bias".
    return LinearFunction::apply(x, weight, bias.defined() ? bias : at::empty({0}, x.options()));
}

at::Tensor FusedTrainingOps::quickGelu(const at::Tensor& x) {
    if (fusedFor(x)) return QuickGeluFunction::apply(x);
    return x * at::sigmoid(x * kQuickGeluScale);
}

at::Tensor FusedTrainingOps::attention(const at::Tensor& qkv, const at::Tensor& mask, int64_t heads) {
    // Function::apply takes no undefined tensor: an empty one stands for "no mask".
    if (fusedFor(qkv, mask, heads))
        return AttentionFunction::apply(qkv, mask.defined() ? mask : at::empty({0}, qkv.options()), heads);
    // The composition: [B, N, 3W] -> [3, B, H, N, D], softmax(q k^T scale + mask) v, [B, N, W].
    const int64_t batch = qkv.size(0);
    const int64_t tokens = qkv.size(1);
    const int64_t width = qkv.size(2) / 3;
    const int64_t headDim = width / heads;
    const at::Tensor parts = qkv.view({batch, tokens, 3, heads, headDim}).permute({2, 0, 3, 1, 4});
    const double scale = 1.0 / std::sqrt(static_cast<double>(headDim));
    at::Tensor scores = at::matmul(parts[0], parts[1].transpose(-2, -1)) * scale;
    if (mask.defined()) scores = scores + mask;
    const at::Tensor out = at::matmul(at::softmax(scores, -1), parts[2]);  // [B, H, N, D]
    return out.permute({0, 2, 1, 3}).reshape({batch, tokens, width});
}

}  // namespace cosmoclip
