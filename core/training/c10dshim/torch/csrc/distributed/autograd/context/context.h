#pragma once

// Stand-in for a header Debian's libtorch-dev 1.13 does not install, which
// torch/csrc/distributed/c10d/reducer.hpp includes. reducer.hpp needs two names from it:
// DistAutogradContext::GradCallback (which it static_asserts to be std::function<bool(at::Tensor&)>)
// and ContextPtr (the shared_ptr member of Reducer::RpcContext). Both are declared here exactly as
// PyTorch declares them, so that c10d::Reducer has the same size and layout as in libtorch_cpu;
// CosmoCLIP never touches the RPC context (distributed autograd), only Reducer's public methods.
// core/training/CMakeLists.txt adds this folder to the include path only when the real header is
// missing (official LibTorch packages ship it).
#include <functional>
#include <memory>

#include <ATen/core/Tensor.h>

namespace torch {
namespace distributed {
namespace autograd {

class DistAutogradContext {
public:
    using GradCallback = std::function<bool(at::Tensor&)>;
};

using ContextPtr = std::shared_ptr<DistAutogradContext>;

}  // namespace autograd
}  // namespace distributed
}  // namespace torch
