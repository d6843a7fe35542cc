#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "training/distributedenvironment.h"

namespace at {
class Tensor;
}

namespace cosmoclip {

struct DistributedGroupOptions {
    /// How long a collective, a join or a store request may wait for the other ranks before the
    /// job stops naming the rank that did not answer.
    std::chrono::milliseconds timeout = std::chrono::seconds(300);
    /// "cpu": Gloo. "cuda"/"cuda:N": NCCL when this LibTorch has it (collectives on the GPU), else
    /// Gloo.
    std::string device = "cpu";
};

/// One rank's membership of a data-parallel job on PyTorch's c10d (what torch.distributed runs on):
/// a TCPStore whose server lives in rank 0, a Gloo (or, on CUDA builds, NCCL) process group with
/// `timeout` on every collective, and liveness that lets a failure name its rank.
///
/// - Every rank bumps a heartbeat counter in the store from a background thread over its own
///   connection. When a collective fails or times out, the ranks whose counter stopped (dead or
///   stopped processes) or that published a failure are named: "rank 1 did not answer within 30 s".
/// - Rank-0-only phases (validation, checkpoints): rank 0 publish()es a key when done; the others
///   awaitRoot() it, waiting as long as rank 0 is alive, however long the phase takes, and stop
///   with its message when rank 0 published a failure instead.
///
/// The header is torch-free; the collectives take at::Tensor. Built without c10d (see
/// supported()), connect() throws and says why.
class DistributedGroup final {
public:
    /// Whether this build has c10d with at least one backend.
    static bool supported();
    /// "gloo", "gloo, nccl", or "" when unsupported.
    static std::string backends();
    /// Why not, for messages ("built without c10d: ..."); "" when supported.
    static std::string unsupportedReason();

    /// Joins the job `env` describes: rank 0 listens on MASTER_PORT, the others connect; returns
    /// when all ranks are there. Throws cosmoclip::Error naming the ranks that did not join within
    /// the timeout, an address already in use, or a build without distributed support.
    static std::shared_ptr<DistributedGroup> connect(const DistributedEnvironment& env,
                                                     const DistributedGroupOptions& options = {});

    ~DistributedGroup();
    DistributedGroup(const DistributedGroup&) = delete;
    DistributedGroup& operator=(const DistributedGroup&) = delete;

    int rank() const;
    int size() const;
    int localRank() const;
    bool isRoot() const { return rank() == 0; }
    std::chrono::milliseconds timeout() const;
    std::string backend() const;  ///< "gloo" or "nccl"

    // Collectives: every rank calls them in the same order. Tensors may live on any device; they
    // are moved to the backend's device and back. A failure throws cosmoclip::Error naming the
    // rank to blame (see failure()).
    /// Rank 0's values into `tensor` on every rank (in place).
    void broadcast(at::Tensor& tensor);
    /// [size() * rows, ...]: every rank's `local` (same shape everywhere) in rank order.
    at::Tensor allGather(const at::Tensor& local);
    /// Data-parallel contrastive loss: the rows of every rank's `local` ([rowsPerRank[r], C], float)
    /// in rank order, [sum of rows, C], where this rank's rows are `local` itself (gradients flow
    /// back into it) and the others' are constants. Each rank then computes the loss of the whole
    /// batch and its backward yields exactly dL/d(its own rows); since the total gradient is the sum
    /// over the ranks and the all-reduce averages, the gradient through `local` is scaled by
    /// size() on its way back (as open_clip's gather_with_grad, without a second all-reduce).
    /// Parameters used by the loss directly (logit_scale) get the plain gradient on every rank,
    /// and their mean is exactly it. rowsPerRank must be the same on all ranks.
    at::Tensor allGatherWithLocalGradient(const at::Tensor& local, const std::vector<int64_t>& rowsPerRank);
    /// Element-wise sum over the ranks, in place.
    void allReduceSum(at::Tensor& tensor);
    void barrier();

    /// Rank 0: makes `value` visible under `key` (a rank-0 phase is done).
    void publish(const std::string& key, const std::string& value);
    /// Other ranks: waits for rank 0's publish(key) while rank 0 is alive and returns the value.
    /// Throws cosmoclip::Error with rank 0's message when it published a failure, or when it
    /// stopped answering.
    std::string awaitRoot(const std::string& key);

    /// Best effort, never throws: tells the other ranks why this one stops. Rank 0 then keeps its
    /// store up for a moment so that the others can read the message before they stop too.
    void publishFailure(const std::string& message) noexcept;

    /// The error to throw after a collective failed with `what` (the backend's message): names
    /// the rank that published a failure, stopped answering (timeout) or died (connection lost);
    /// waits a few heartbeat periods to tell. Never throws itself.
    std::string failure(const std::string& what) noexcept;

    struct Impl;
    Impl& impl() { return *m_impl; }

private:
    explicit DistributedGroup(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cosmoclip
