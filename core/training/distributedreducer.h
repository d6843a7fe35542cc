#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

namespace c10d {
class Reducer;
}

namespace cosmoclip {

class DistributedGroup;

/// Gradient averaging across the ranks with c10d::Reducer, the engine of PyTorch's
/// DistributedDataParallel: gradients are copied into flat buckets (1 MiB first, then 25 MiB, in
/// reverse parameter order as DDP does) from autograd hooks, and each bucket's all-reduce starts as
/// soon as its last gradient is ready, overlapping communication with the rest of backward. After
/// backward every parameter's .grad holds the mean over the ranks. After the first step the
/// buckets are rebuilt in the order gradients actually arrived (c10d's rebuild, agreed with rank 0).
///
/// Usage per micro-batch: prepareForward() before the forward pass; prepareForBackward() before
/// backward() when this backward should all-reduce (the last micro-batch of an accumulation group;
/// the others accumulate locally, DDP's no_sync). Every trainable parameter must receive a
/// gradient in each all-reducing backward (find_unused_parameters=false).
///
/// In this LibTorch (Debian 1.13) reducer.hpp includes a dist-autograd header that is not
/// installed; core/training/c10dshim provides the two type names it needs (see the note there).
class DistributedReducer final {
public:
    /// Throws cosmoclip::Error when the build has no distributed support.
    DistributedReducer(DistributedGroup& group, const std::vector<std::pair<std::string, at::Tensor>>& parameters);
    ~DistributedReducer();
    DistributedReducer(const DistributedReducer&) = delete;
    DistributedReducer& operator=(const DistributedReducer&) = delete;

    void prepareForward();
    void prepareForBackward();

private:
    DistributedGroup& m_group;
    std::unique_ptr<c10d::Reducer> m_reducer;
};

}  // namespace cosmoclip
