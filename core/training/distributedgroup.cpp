#include "training/distributedgroup.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <thread>

#include <ATen/ATen.h>

#include "common/error.h"
#include "training/distributedgroupimpl.h"

#if COSMOCLIP_HAVE_C10D
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef USE_C10D_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#endif

namespace cosmoclip {

namespace {

using Clock = std::chrono::steady_clock;

// How every diagnosed failure ends: the job stops, and the last checkpoint is where to go on.
constexpr const char* kStop = ": stopping; resume with --resume";

std::string seconds(std::chrono::milliseconds ms) {
    const double s = static_cast<double>(ms.count()) / 1000.0;
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, s == static_cast<double>(static_cast<int64_t>(s)) ? "%.0f s" : "%.1f s", s);
    return buffer;
}

/// The first line of a backend message (c10::Error appends a C++ backtrace).
std::string firstLine(const std::string& text) {
    std::string line = text.substr(0, text.find('\n'));
    return line.empty() ? "unknown error" : line;
}

std::string rankList(const std::vector<int>& ranks) {
    std::string out = ranks.size() == 1 ? "rank " : "ranks ";
    for (size_t i = 0; i < ranks.size(); ++i) out += (i ? ", " : "") + std::to_string(ranks[i]);
    return out;
}

bool looksLikeTimeout(const std::string& what) {
    std::string lower = what;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower.find("timed out") != std::string::npos || lower.find("timeout") != std::string::npos;
}

}  // namespace

bool DistributedGroup::supported() {
    return !backends().empty();
}

std::string DistributedGroup::backends() {
    std::string out;
#if COSMOCLIP_HAVE_C10D
#ifdef USE_C10D_GLOO
    out = "gloo";
#endif
#ifdef USE_C10D_NCCL
    out += out.empty() ? "nccl" : ", nccl";
#endif
#endif
    return out;
}

std::string DistributedGroup::unsupportedReason() {
    if (supported()) return {};
    return "this build has no distributed training: LibTorch's c10d headers or a backend (Gloo: Debian's "
           "libgloo-dev) were missing when it was configured; train with one process or rebuild";
}

DistributedGroup::DistributedGroup(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

DistributedGroup::~DistributedGroup() {
    m_impl->stopHeartbeat();
}

int DistributedGroup::rank() const {
    return m_impl->env.rank;
}

int DistributedGroup::size() const {
    return m_impl->env.worldSize;
}

int DistributedGroup::localRank() const {
    return m_impl->env.localRank;
}

std::chrono::milliseconds DistributedGroup::timeout() const {
    return m_impl->options.timeout;
}

std::string DistributedGroup::backend() const {
    return m_impl->backend;
}

#if !COSMOCLIP_HAVE_C10D

std::shared_ptr<DistributedGroup> DistributedGroup::connect(const DistributedEnvironment& env,
                                                            const DistributedGroupOptions&) {
    throw Error(env.describe(), unsupportedReason());
}
void DistributedGroup::broadcast(at::Tensor&) { throw Error("distributed training", unsupportedReason()); }
at::Tensor DistributedGroup::allGather(const at::Tensor&) { throw Error("distributed training", unsupportedReason()); }
void DistributedGroup::allReduceSum(at::Tensor&) { throw Error("distributed training", unsupportedReason()); }
void DistributedGroup::barrier() { throw Error("distributed training", unsupportedReason()); }
void DistributedGroup::publish(const std::string&, const std::string&) {}
std::string DistributedGroup::awaitRoot(const std::string&) { throw Error("distributed training", unsupportedReason()); }
void DistributedGroup::publishFailure(const std::string&) noexcept {}
std::string DistributedGroup::failure(const std::string& what) noexcept { return what; }

#else

namespace {

std::vector<uint8_t> bytes(const std::string& s) {
    return {s.begin(), s.end()};
}

std::string text(const std::vector<uint8_t>& b) {
    return {b.begin(), b.end()};
}

bool isLoopback(const std::string& host) {
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

c10::intrusive_ptr<c10d::Store> tcpStore(const DistributedEnvironment& env, bool server,
                                        std::chrono::milliseconds timeout) {
    c10d::TCPStoreOptions o;
    o.port = static_cast<uint16_t>(env.masterPort);
    o.isServer = server;
    o.numWorkers = env.worldSize;
    o.waitWorkers = false;  // the join below names the ranks that do not come
    o.timeout = timeout;
    return c10::make_intrusive<c10d::TCPStore>(env.masterAddr, o);
}

/// The store namespace of this job: torchrun's agent store is shared by restarts, so each restart
/// gets its own prefix (as torch.distributed's env:// rendezvous does).
std::string storePrefix(const DistributedEnvironment& env) {
    return env.agentStore ? "/worker/attempt_" + std::to_string(env.restartCount) + "/cosmoclip" : "cosmoclip";
}

#ifdef USE_C10D_GLOO
c10::intrusive_ptr<c10d::ProcessGroup> glooGroup(const c10::intrusive_ptr<c10d::Store>& store,
                                                 const DistributedEnvironment& env, std::chrono::milliseconds timeout) {
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    // As torch.distributed: GLOO_SOCKET_IFNAME names the interfaces; otherwise the address this
    // host's name resolves to. Local jobs stay on the loopback interface.
    if (const char* names = std::getenv("GLOO_SOCKET_IFNAME"); names && *names) {
        std::string list = names;
        size_t begin = 0;
        while (begin <= list.size()) {
            const size_t comma = list.find(',', begin);
            const std::string name = list.substr(begin, comma - begin);
            if (!name.empty()) options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(name));
            if (comma == std::string::npos) break;
            begin = comma + 1;
        }
    } else if (isLoopback(env.masterAddr)) {
        options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    } else {
        options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    }
    return c10::make_intrusive<c10d::ProcessGroupGloo>(store, env.rank, env.worldSize, options);
}
#endif

#ifdef USE_C10D_NCCL
c10::intrusive_ptr<c10d::ProcessGroup> ncclGroup(const c10::intrusive_ptr<c10d::Store>& store,
                                                 const DistributedEnvironment& env, std::chrono::milliseconds timeout) {
    // Without blocking waits NCCL's timeout never surfaces as an exception that could name a rank.
    setenv("NCCL_BLOCKING_WAIT", "1", 0);
    auto options = c10d::ProcessGroupNCCL::Options::create();
    options->timeout = timeout;
    return c10::make_intrusive<c10d::ProcessGroupNCCL>(store, env.rank, env.worldSize, options);
}
#endif

/// Waits until every rank has registered under joined/R; names the missing ones after the timeout.
void joinAll(c10d::Store& store, const DistributedEnvironment& env, std::chrono::milliseconds timeout) {
    store.set("joined/" + std::to_string(env.rank), bytes("1"));
    if (env.rank != 0) {
        try {
            store.wait({"ready"}, timeout);
        } catch (const std::exception&) {
            throw Error(env.describe(), "not all " + std::to_string(env.worldSize) + " ranks joined within " +
                                            seconds(timeout) + " (rank 0 lists the missing ones)");
        }
        return;
    }
    const auto deadline = Clock::now() + timeout;
    std::vector<int> missing;
    for (int r = 1; r < env.worldSize; ++r) missing.push_back(r);
    while (!missing.empty()) {
        std::vector<int> still;
        for (const int r : missing)
            if (!store.check({"joined/" + std::to_string(r)})) still.push_back(r);
        missing = std::move(still);
        if (missing.empty()) break;
        if (Clock::now() > deadline)
            throw Error(env.describe(), rankList(missing) + " did not join within " + seconds(timeout) +
                                            ": are all " + std::to_string(env.worldSize) + " processes started?");
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    store.set("ready", bytes("1"));
}

}  // namespace

std::shared_ptr<DistributedGroup> DistributedGroup::connect(const DistributedEnvironment& env,
                                                            const DistributedGroupOptions& options) {
    if (!supported()) throw Error(env.describe(), unsupportedReason());
    if (options.timeout.count() <= 0) throw Error("distributed training", "the timeout must be positive");
    auto impl = std::make_unique<Impl>();
    impl->env = env;
    impl->options = options;
    impl->period = std::clamp(options.timeout / 20, std::chrono::milliseconds(50), std::chrono::milliseconds(1000));
    const std::string where = env.masterAddr + ":" + std::to_string(env.masterPort);
    const bool server = env.rank == 0 && !env.agentStore;
    c10::intrusive_ptr<c10d::Store> tcp;
    try {
        tcp = tcpStore(env, server, options.timeout);
        // A second connection whose requests give up sooner: heartbeats and diagnosis must not sit
        // behind a long wait on the main one.
        const auto watchTimeout = std::clamp(options.timeout, std::chrono::milliseconds(1000), std::chrono::milliseconds(10000));
        impl->watch = c10::make_intrusive<c10d::PrefixStore>(
            storePrefix(env), tcpStore(env, /*server=*/false, watchTimeout));
    } catch (const std::exception& e) {
        if (server)
            throw Error("MASTER_PORT=" + std::to_string(env.masterPort),
                        "rank 0 cannot serve the job's store on port " + std::to_string(env.masterPort) + ": " +
                            firstLine(e.what()));
        throw Error(env.describe(), "cannot reach the job's store at " + where + " within " + seconds(options.timeout) +
                                        ": " + firstLine(e.what()));
    }
    impl->store = c10::make_intrusive<c10d::PrefixStore>(storePrefix(env), tcp);
    joinAll(*impl->store, env, options.timeout);

    const auto pgStore = c10::make_intrusive<c10d::PrefixStore>(storePrefix(env) + "/pg", tcp);
    const bool cuda = options.device.rfind("cuda", 0) == 0;
    try {
#ifdef USE_C10D_NCCL
        if (cuda) {
            impl->group = ncclGroup(pgStore, env, options.timeout);
            impl->backend = "nccl";
            impl->device = c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(env.localRank));
        }
#endif
#ifdef USE_C10D_GLOO
        if (!impl->group) {
            impl->group = glooGroup(pgStore, env, options.timeout);
            impl->backend = "gloo";
        }
#endif
    } catch (const std::exception& e) {
        throw Error(env.describe(), "cannot connect the ranks (" + std::string(cuda ? "NCCL" : "Gloo") +
                                        "): " + firstLine(e.what()));
    }
    if (!impl->group) throw Error(env.describe(), "no backend for device " + options.device);

    Impl* raw = impl.get();
    impl->heartbeat = std::thread([raw] {
        const std::string key = "hb/" + std::to_string(raw->env.rank);
        std::unique_lock lock(raw->mutex);
        while (!raw->stopping) {
            lock.unlock();
            try {
                const std::lock_guard watchLock(raw->watchMutex);
                raw->watch->add(key, 1);
            } catch (const std::exception&) {  // the store is gone (rank 0 ended): nothing left to tell
            }
            lock.lock();
            raw->wake.wait_for(lock, raw->period, [raw] { return raw->stopping; });
        }
    });
    return std::shared_ptr<DistributedGroup>(new DistributedGroup(std::move(impl)));
}

namespace {

template <class Start>
void runCollective(DistributedGroup& group, Start&& start) {
    group.impl().enterCollective();
    try {
        c10::intrusive_ptr<c10d::Work> work = start();
        work->wait();
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(group.failure(e.what()));
    }
}

}  // namespace

void DistributedGroup::broadcast(at::Tensor& tensor) {
    std::vector<at::Tensor> tensors{tensor.detach().to(m_impl->device).contiguous()};
    runCollective(*this, [&] { return m_impl->group->broadcast(tensors); });
    if (tensors[0].data_ptr() != tensor.data_ptr()) {
        at::NoGradGuard noGrad;
        tensor.copy_(tensors[0]);
    }
}

at::Tensor DistributedGroup::allGather(const at::Tensor& local) {
    std::vector<at::Tensor> inputs{local.detach().to(m_impl->device).contiguous()};
    std::vector<std::vector<at::Tensor>> outputs(1);
    for (int r = 0; r < size(); ++r) outputs[0].push_back(at::empty_like(inputs[0]));
    runCollective(*this, [&] { return m_impl->group->allgather(outputs, inputs); });
    return at::cat(outputs[0]).to(local.device());
}

at::Tensor DistributedGroup::allGatherWithLocalGradient(const at::Tensor& local, const std::vector<int64_t>& rowsPerRank) {
    if (static_cast<int>(rowsPerRank.size()) != size() || local.dim() != 2 ||
        local.size(0) != rowsPerRank[static_cast<size_t>(rank())])
        throw Error("distributed training", "allGatherWithLocalGradient: rows do not match the ranks' counts");
    const int64_t maxRows = std::max<int64_t>(1, *std::max_element(rowsPerRank.begin(), rowsPerRank.end()));
    at::Tensor padded = at::zeros({maxRows, local.size(1)}, local.options().requires_grad(false));
    if (local.size(0) > 0) padded.narrow(0, 0, local.size(0)).copy_(local.detach());
    const at::Tensor gathered = allGather(padded);
    std::vector<at::Tensor> parts;
    for (int s = 0; s < size(); ++s) {
        const int64_t rows = rowsPerRank[static_cast<size_t>(s)];
        if (rows == 0) continue;
        if (s != rank()) {
            parts.push_back(gathered.narrow(0, s * maxRows, rows));
            continue;
        }
        at::Tensor own = local.view_as(local);  // a new node, so that the hook scales this use only
        if (own.requires_grad()) {
            const double ranks = static_cast<double>(size());
            own.register_hook([ranks](const at::Tensor& g) { return g * ranks; });
        }
        parts.push_back(own);
    }
    return at::cat(parts);
}

void DistributedGroup::allReduceSum(at::Tensor& tensor) {
    std::vector<at::Tensor> tensors{tensor.detach().to(m_impl->device).contiguous()};
    runCollective(*this, [&] { return m_impl->group->allreduce(tensors); });
    if (tensors[0].data_ptr() != tensor.data_ptr()) {
        at::NoGradGuard noGrad;
        tensor.copy_(tensors[0]);
    }
}

void DistributedGroup::barrier() {
    runCollective(*this, [&] { return m_impl->group->barrier(); });
}

void DistributedGroup::publish(const std::string& key, const std::string& value) {
    const std::string full = "root/" + std::to_string(m_impl->phase++) + "/" + key;
    try {
        m_impl->store->set(full, bytes(value));
    } catch (const std::exception& e) {
        throw Error(failure(e.what()));
    }
}

std::string DistributedGroup::awaitRoot(const std::string& key) {
    const std::string full = "root/" + std::to_string(m_impl->phase++) + "/" + key;
    // Rank 0 may take long (validation, checkpoints): wait as long as its heartbeat moves.
    int64_t lastBeat = -1;
    auto lastChange = Clock::now();
    while (true) {
        try {
            if (m_impl->store->check({full})) return text(m_impl->store->get(full));
            if (m_impl->store->add("failures", 0) > 0) throw Error(failure("a rank failed"));
            int64_t beat = 0;
            {
                const std::lock_guard lock(m_impl->watchMutex);
                beat = m_impl->watch->add("hb/0", 0);
            }
            if (beat != lastBeat) {
                lastBeat = beat;
                lastChange = Clock::now();
            } else if (Clock::now() - lastChange > m_impl->options.timeout) {
                throw Error("rank 0 did not answer within " + seconds(m_impl->options.timeout) + kStop);
            }
        } catch (const Error&) {
            throw;
        } catch (const std::exception& e) {
            throw Error(failure(e.what()));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void DistributedGroup::publishFailure(const std::string& message) noexcept {
    if (m_impl->failurePublished) return;
    m_impl->failurePublished = true;
    try {
        const std::lock_guard lock(m_impl->watchMutex);
        m_impl->watch->set("failed/" + std::to_string(rank()), bytes(message));
        m_impl->watch->add("failures", 1);
    } catch (...) {
        return;  // the store is gone: the others find out from their own collectives
    }
    // The store lives in this process: keep it up while other ranks are still alive to read the
    // message (at most 2 s; dead or stopped ones are not waited for).
    if (rank() != 0 || m_impl->env.agentStore || size() < 2) return;
    const auto deadline = Clock::now() + std::min(m_impl->options.timeout, std::chrono::milliseconds(2000));
    std::map<int, int64_t> last;
    while (Clock::now() < deadline) {
        bool anyAlive = false;
        try {
            const std::lock_guard lock(m_impl->watchMutex);
            for (int r = 1; r < size(); ++r) {
                const int64_t beats = m_impl->watch->add("hb/" + std::to_string(r), 0);
                anyAlive = anyAlive || !last.count(r) || last[r] != beats;
                last[r] = beats;
            }
        } catch (...) {
            return;
        }
        if (!anyAlive) return;
        std::this_thread::sleep_for(m_impl->period);
    }
}

std::string DistributedGroup::failure(const std::string& what) noexcept {
    const bool timedOut = looksLikeTimeout(what);
    const std::string within = "did not answer within " + seconds(m_impl->options.timeout);
    try {
        const auto counters = [&] {
            std::map<int, int64_t> out;
            const std::lock_guard lock(m_impl->watchMutex);
            for (int r = 0; r < size(); ++r)
                if (r != rank()) out[r] = m_impl->watch->add("hb/" + std::to_string(r), 0);
            return out;
        };
        const auto before = counters();
        std::this_thread::sleep_for(3 * m_impl->period);
        const auto after = counters();
        const std::lock_guard lock(m_impl->watchMutex);
        // A rank that failed and said why (its connections closed right after).
        for (int r = 0; r < size(); ++r) {
            if (r == rank()) continue;
            const std::string key = "failed/" + std::to_string(r);
            if (!m_impl->watch->check({key})) continue;
            const std::string message = text(m_impl->watch->get(key));
            return message.rfind("rank ", 0) == 0 ? message : "rank " + std::to_string(r) + " failed: " + message;
        }
        // Ranks whose heartbeat stopped: dead or stopped processes.
        std::vector<int> stale;
        for (const auto& [r, beats] : after)
            if (beats == before.at(r)) stale.push_back(r);
        if (!stale.empty()) return rankList(stale) + (timedOut ? " " + within : " stopped (connection lost)") + kStop;
        // Everyone is alive. Ranks that have not reached the collective the others wait in are
        // stuck (or busy elsewhere for longer than the timeout).
        if (timedOut) {
            std::map<int, int64_t> entered;
            int64_t most = 0;
            for (int r = 0; r < size(); ++r) {
                const std::string key = "at/" + std::to_string(r);
                entered[r] = m_impl->watch->check({key}) ? std::stoll(text(m_impl->watch->get(key))) : 0;
                most = std::max(most, entered[r]);
            }
            std::vector<int> behind;
            for (const auto& [r, count] : entered)
                if (count < most) behind.push_back(r);
            if (!behind.empty()) return rankList(behind) + " " + within + kStop;
        }
    } catch (const std::exception&) {
        // The store itself does not answer: it lives in rank 0, which stopped or ended.
        if (!m_impl->env.agentStore && rank() != 0)
            return std::string("rank 0 ") + (timedOut ? within : "stopped (connection lost)") + kStop;
    }
    return "a collective failed: " + firstLine(what) + kStop;
}

#endif

}  // namespace cosmoclip
