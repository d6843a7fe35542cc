#include "model/gemmweight.h"

#include <algorithm>
#include <mutex>

#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/stack.h>

#include "common/error.h"

namespace cosmoclip {

namespace {

// LibTorch's quantised ops, called through the dispatcher: their packed-weight class has no public
// C++ header in 1.13. Both need a quantised engine with x86 kernels (FBGEMM or oneDNN; Debian's
// LibTorch has oneDNN, which uses AVX-512 VNNI where the CPU has it). A failed lookup throws and is
// retried on the next call.
c10::OperatorHandle findQuantizedOp(const char* name) {
    static std::once_flag engine;
    std::call_once(engine, [] {
        const auto supported = at::globalContext().supportedQEngines();
        for (const auto wanted : {at::QEngine::FBGEMM, at::QEngine::X86, at::QEngine::ONEDNN})
            if (std::find(supported.begin(), supported.end(), wanted) != supported.end()) {
                at::globalContext().setQEngine(wanted);
                return;
            }
    });
    const auto current = at::globalContext().qEngine();
    if (current != at::QEngine::FBGEMM && current != at::QEngine::X86 && current != at::QEngine::ONEDNN)
        throw Error("int8", "this LibTorch has no FBGEMM or oneDNN quantised engine");
    const auto handle = c10::Dispatcher::singleton().findSchema({name, ""});
    if (!handle) throw Error("int8", std::string("this LibTorch lacks the operator ") + name);
    return *handle;
}

const c10::OperatorHandle& prepackOp() {
    static const c10::OperatorHandle op = findQuantizedOp("quantized::linear_prepack");
    return op;
}

const c10::OperatorHandle& dynamicLinearOp() {
    static const c10::OperatorHandle op = findQuantizedOp("quantized::linear_dynamic");
    return op;
}

}  // namespace

GemmWeight GemmWeight::make(const at::Tensor& weight, ClipPrecision precision) {
    GemmWeight w;
    if (precision == ClipPrecision::Float32) {
        w.m_dense = weight;
    } else if (precision == ClipPrecision::BFloat16) {
        w.m_dense = weight.to(at::kBFloat16).contiguous();
    } else {
        // Symmetric per output channel: each row's largest magnitude maps to 127.
        const at::Tensor f = weight.to(at::kFloat).contiguous();
        const at::Tensor scales = (f.abs().amax(1) / 127.0).clamp_min(1e-12).to(at::kDouble);
        const at::Tensor quantized =
            at::quantize_per_channel(f, scales, at::zeros({f.size(0)}, at::kLong), 0, at::kQInt8);
        torch::jit::Stack stack{quantized, c10::IValue()};  // no bias: the fused path adds it itself
        prepackOp().callBoxed(&stack);
        w.m_packed = stack.at(0);
    }
    return w;
}

at::Tensor GemmWeight::multiply(const at::Tensor& input) const {
    if (!m_packed.isNone()) {
        torch::jit::Stack stack{input.contiguous(), m_packed, false};
        dynamicLinearOp().callBoxed(&stack);
        return stack.at(0).toTensor();
    }
    // bfloat16: the input is rounded to bfloat16 and oneDNN's GEMM accumulates in float32.
    if (m_dense.scalar_type() == at::kBFloat16)
        return at::mm(input.to(at::kBFloat16), m_dense.t()).to(at::kFloat);
    return at::mm(input, m_dense.t());
}

void GemmWeight::addProductTo(at::Tensor& y, const at::Tensor& input) const {
    if (m_packed.isNone() && m_dense.scalar_type() == at::kFloat) {
        y.addmm_(input, m_dense.t());
    } else if (m_packed.isNone()) {
        y.add_(at::mm(input.to(at::kBFloat16), m_dense.t()));
    } else {
        y.add_(multiply(input));
    }
}

GemmWeight GemmWeight::rows(int64_t begin, int64_t end) const {
    GemmWeight w;
    if (m_packed.isNone()) w.m_dense = m_dense.slice(0, begin, end);
    return w;
}

}  // namespace cosmoclip
