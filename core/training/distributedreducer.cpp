#include "training/distributedreducer.h"

#include <algorithm>
#include <unordered_map>

#include "common/error.h"
#include "training/distributedgroupimpl.h"

#if COSMOCLIP_HAVE_C10D
#include <torch/csrc/distributed/c10d/reducer.hpp>
#endif

namespace cosmoclip {

#if !COSMOCLIP_HAVE_C10D

DistributedReducer::DistributedReducer(DistributedGroup& group, const std::vector<std::pair<std::string, at::Tensor>>&)
    : m_group(group) {
    throw Error("distributed training", DistributedGroup::unsupportedReason());
}
DistributedReducer::~DistributedReducer() = default;
void DistributedReducer::prepareForward() {}
void DistributedReducer::prepareForBackward() {}

#else

DistributedReducer::DistributedReducer(DistributedGroup& group,
                                       const std::vector<std::pair<std::string, at::Tensor>>& parameters)
    : m_group(group) {
    std::vector<at::Tensor> tensors;
    std::unordered_map<size_t, std::string> names;
    for (const auto& [name, tensor] : parameters) {
        names[tensors.size()] = name;
        tensors.push_back(tensor);
    }
    const std::vector<bool> sparse(tensors.size(), false);
    try {
        // As torch.nn.parallel.DistributedDataParallel: a small first bucket so that communication
        // starts early, then buckets of bucket_cap_mb = 25, handed to the Reducer in reverse (the
        // last parameters get their gradients first in backward).
        auto [buckets, limits] = c10d::compute_bucket_assignment_by_size(
            tensors, {static_cast<size_t>(c10d::kDefaultFirstBucketBytes), static_cast<size_t>(c10d::kDefaultBucketBytesCap)},
            sparse, {}, c10::nullopt);
        std::reverse(buckets.begin(), buckets.end());
        std::reverse(limits.begin(), limits.end());
        m_reducer = std::make_unique<c10d::Reducer>(tensors, std::move(buckets), std::move(limits),
                                                    group.impl().group, sparse, c10d::kDefaultBucketBytesCap,
                                                    /*find_unused_parameters=*/false,
                                                    /*gradient_as_bucket_view=*/false, std::move(names),
                                                    c10d::kDefaultFirstBucketBytes);
    } catch (const c10::Error& e) {
        throw Error("distributed training", "cannot set up the gradient reducer: " + e.msg().substr(0, e.msg().find('\n')));
    }
}

DistributedReducer::~DistributedReducer() = default;

void DistributedReducer::prepareForward() {
    try {
        m_reducer->rebuild_buckets();  // once, after the first all-reducing step (a broadcast from rank 0)
        m_reducer->prepare_for_forward();
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(m_group.failure(e.what()));
    }
}

void DistributedReducer::prepareForBackward() {
    m_reducer->prepare_for_backward({});
}

#endif

}  // namespace cosmoclip
