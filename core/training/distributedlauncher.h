#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace cosmoclip {

struct LocalLaunchOptions {
    std::string program;            ///< the executable to start ("" = this one, /proc/self/exe)
    std::vector<std::string> args;  ///< its arguments (without argv[0]), the same for every worker
    int processes = 2;
    /// Extra environment for every worker, on top of this process's.
    std::vector<std::pair<std::string, std::string>> environment;
    /// After the first worker fails, how long the others get to stop on their own (they usually
    /// see the failure in their next collective) before SIGTERM, and again before SIGKILL.
    double graceSeconds = 3.0;
};

/// `cosmoclip finetune --nproc N`: starts N copies of a program as the ranks of one local job,
/// with the environment torchrun gives its workers (RANK, WORLD_SIZE, LOCAL_RANK,
/// LOCAL_WORLD_SIZE, MASTER_ADDR=127.0.0.1, MASTER_PORT=a free port) and COSMOCLIP_ERROR_FILE, a
/// file where a worker leaves its error message. Workers share this process's stdout and stderr.
/// Torch-free; POSIX only.
///
/// SIGINT and SIGTERM received while the workers run are forwarded to them (each saves and stops
/// at the same step). When a worker fails (non-zero exit or a signal) the others get
/// graceSeconds to stop by themselves, then SIGTERM (and SIGCONT, for stopped ones), then SIGKILL.
class DistributedLauncher final {
public:
    /// Returns when every worker exited with 0. Throws cosmoclip::Error with the message of the
    /// first worker that failed (its COSMOCLIP_ERROR_FILE, else how it ended: "rank 1 was killed by
    /// signal 9 (Killed)").
    static void run(const LocalLaunchOptions& options);

    /// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel's choice).
    static int freeLoopbackPort();
};

}  // namespace cosmoclip
