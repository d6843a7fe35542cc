#pragma once

// Internal to core/training: the c10d objects behind DistributedGroup, shared with
// DistributedReducer (which hands the process group to c10d::Reducer). Include only from .cpp files.
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include <c10/core/Device.h>

#if COSMOCLIP_HAVE_C10D
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>
#endif

#include "training/distributedgroup.h"

namespace cosmoclip {

struct DistributedGroup::Impl {
    DistributedEnvironment env;
    DistributedGroupOptions options;
    std::string backend;
    c10::Device device{c10::kCPU};  // where collective tensors must be
    std::chrono::milliseconds period{1000};  // heartbeat period
    int64_t phase = 0;                       // publish()/awaitRoot() calls so far: key suffixes

#if COSMOCLIP_HAVE_C10D
    c10::intrusive_ptr<c10d::Store> store;  // our keys, on the main store connection
    c10::intrusive_ptr<c10d::Store> watch;  // a second connection with a short timeout: heartbeats, diagnosis
    c10::intrusive_ptr<c10d::ProcessGroup> group;
#endif
    std::mutex watchMutex;

    std::thread heartbeat;
    std::mutex mutex;
    std::condition_variable wake;
    bool stopping = false;

    bool failurePublished = false;  // publishFailure() tells the others once
    int64_t collectives = 0;  // entered so far; published as at/RANK to tell who lags behind

    /// Publishes that this rank enters its next collective (best effort: when the store fails, the
    /// collective fails too and says more).
    void enterCollective() {
#if COSMOCLIP_HAVE_C10D
        const std::string value = std::to_string(++collectives);
        try {
            store->set("at/" + std::to_string(env.rank), std::vector<uint8_t>(value.begin(), value.end()));
        } catch (const std::exception&) {
        }
#endif
    }

    void stopHeartbeat() {
        {
            const std::lock_guard lock(mutex);
            stopping = true;
        }
        wake.notify_all();
        if (heartbeat.joinable()) heartbeat.join();
    }
};

}  // namespace cosmoclip
