#include "training/distributedlauncher.h"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/error.h"

extern char** environ;

namespace cosmoclip {

namespace fs = std::filesystem;

namespace {

// The running workers, for the signal handler (async-signal-safe: kill() over a fixed array).
constexpr int kMaxWorkers = 1024;
pid_t g_workers[kMaxWorkers];
volatile std::sig_atomic_t g_workerCount = 0;
volatile std::sig_atomic_t g_interrupts = 0;

extern "C" void forwardSignal(int signal) {
    g_interrupts = g_interrupts + 1;
    for (int i = 0; i < g_workerCount; ++i)
        if (g_workers[i] > 0) ::kill(g_workers[i], g_interrupts > 1 ? SIGKILL : signal);
}

/// Installs forwardSignal for SIGINT and SIGTERM for its lifetime.
class SignalForwarding final {
public:
    SignalForwarding() {
        struct sigaction action {};
        action.sa_handler = forwardSignal;
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGINT, &action, &m_oldInt);
        ::sigaction(SIGTERM, &action, &m_oldTerm);
    }
    ~SignalForwarding() {
        ::sigaction(SIGINT, &m_oldInt, nullptr);
        ::sigaction(SIGTERM, &m_oldTerm, nullptr);
        g_workerCount = 0;
    }
    SignalForwarding(const SignalForwarding&) = delete;
    SignalForwarding& operator=(const SignalForwarding&) = delete;

private:
    struct sigaction m_oldInt {};
    struct sigaction m_oldTerm {};
};

/// A private temporary folder for the workers' error files, removed with its contents.
class TemporaryFolder final {
public:
    TemporaryFolder() {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/tmp") + "/cosmoclip-launch-XXXXXX";
        if (!::mkdtemp(pattern.data())) throw Error(pattern, std::string("cannot create: ") + std::strerror(errno));
        m_path = pattern;
    }
    ~TemporaryFolder() {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    TemporaryFolder(const TemporaryFolder&) = delete;
    TemporaryFolder& operator=(const TemporaryFolder&) = delete;
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

std::string readMessage(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    std::string text = s.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

std::string describeEnd(int rank, int status) {
    const std::string who = "rank " + std::to_string(rank);
    if (WIFSIGNALED(status)) {
        const int signal = WTERMSIG(status);
        const char* name = ::strsignal(signal);
        return who + " was killed by signal " + std::to_string(signal) + " (" + (name ? name : "?") + ")";
    }
    return who + " exited with code " + std::to_string(WEXITSTATUS(status));
}

/// This process's environment with `extra` set (replacing same-named variables).
std::vector<std::string> environmentWith(const std::vector<std::pair<std::string, std::string>>& extra) {
    std::set<std::string> names;
    for (const auto& [name, value] : extra) names.insert(name);
    std::vector<std::string> out;
    for (char** e = environ; e && *e; ++e) {
        const std::string entry = *e;
        if (!names.count(entry.substr(0, entry.find('=')))) out.push_back(entry);
    }
    for (const auto& [name, value] : extra) out.push_back(name + "=" + value);
    return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

}  // namespace

int DistributedLauncher::freeLoopbackPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw Error("local launch", std::string("cannot open a socket: ") + std::strerror(errno));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    const int error = errno;
    ::close(fd);
    if (!ok) throw Error("local launch", std::string("cannot find a free port: ") + std::strerror(error));
    return ntohs(address.sin_port);
}

void DistributedLauncher::run(const LocalLaunchOptions& options) {
    if (options.processes < 1 || options.processes > kMaxWorkers)
        throw Error("--nproc " + std::to_string(options.processes), "must be between 1 and " + std::to_string(kMaxWorkers));
    std::string program = options.program;
    if (program.empty()) {
        std::error_code ec;
        program = fs::read_symlink("/proc/self/exe", ec).string();
        if (ec) throw Error("/proc/self/exe", "cannot find this program to start its workers: " + ec.message());
    }
    const TemporaryFolder folder;
    const std::string port = std::to_string(freeLoopbackPort());
    const int n = options.processes;

    const SignalForwarding forwarding;
    g_interrupts = 0;
    std::vector<pid_t> pids(static_cast<size_t>(n), -1);
    std::vector<int> statuses(static_cast<size_t>(n), 0);
    std::vector<bool> running(static_cast<size_t>(n), false);
    const auto signalRunning = [&](int signal) {
        for (int r = 0; r < n; ++r)
            if (running[static_cast<size_t>(r)]) ::kill(pids[static_cast<size_t>(r)], signal);
    };
    for (int rank = 0; rank < n; ++rank) {
        auto extra = options.environment;
        extra.insert(extra.end(), {{"RANK", std::to_string(rank)},
                                   {"WORLD_SIZE", std::to_string(n)},
                                   {"LOCAL_RANK", std::to_string(rank)},
                                   {"LOCAL_WORLD_SIZE", std::to_string(n)},
                                   {"MASTER_ADDR", "127.0.0.1"},
                                   {"MASTER_PORT", port},
                                   {"COSMOCLIP_ERROR_FILE", folder.path() + "/rank" + std::to_string(rank) + ".txt"}});
        std::vector<std::string> env = environmentWith(extra);
        std::vector<std::string> argv{program};
        argv.insert(argv.end(), options.args.begin(), options.args.end());
        std::vector<char*> argvPointers = pointers(argv);
        std::vector<char*> envPointers = pointers(env);
        pid_t pid = -1;
        const int error = ::posix_spawn(&pid, program.c_str(), nullptr, nullptr, argvPointers.data(), envPointers.data());
        if (error != 0) {
            signalRunning(SIGKILL);
            for (int r = 0; r < rank; ++r) ::waitpid(pids[static_cast<size_t>(r)], nullptr, 0);
            throw Error(program, "cannot start worker " + std::to_string(rank) + ": " + std::strerror(error));
        }
        pids[static_cast<size_t>(rank)] = pid;
        running[static_cast<size_t>(rank)] = true;
        g_workers[rank] = pid;
        g_workerCount = rank + 1;
    }

    using Clock = std::chrono::steady_clock;
    const auto grace = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.graceSeconds));
    int firstFailure = -1;
    int stage = 0;  // after a failure: 0 waiting, 1 terminated, 2 killed
    Clock::time_point deadline{};
    int left = n;
    while (left > 0) {
        for (int r = 0; r < n; ++r) {
            const auto i = static_cast<size_t>(r);
            if (!running[i]) continue;
            int status = 0;
            if (::waitpid(pids[i], &status, WNOHANG) != pids[i]) continue;
            running[i] = false;
            g_workers[r] = -1;
            statuses[i] = status;
            --left;
            const bool failed = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
            if (failed && firstFailure < 0) {
                firstFailure = r;
                deadline = Clock::now() + grace;
            }
        }
        // After Ctrl-C every worker saves and stops at the same step: wait for them (a second
        // Ctrl-C kills them). Otherwise a failure stops the others, gently first.
        if (firstFailure >= 0 && g_interrupts == 0 && left > 0 && Clock::now() > deadline && stage < 2) {
            if (stage == 0) {
                signalRunning(SIGTERM);
                signalRunning(SIGCONT);  // a stopped process acts on SIGTERM only when continued
            } else {
                signalRunning(SIGKILL);
            }
            ++stage;
            deadline = Clock::now() + grace;
        }
        if (left > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (firstFailure < 0) return;
    // After Ctrl-C rank 0's message says where to resume from.
    int reported = firstFailure;
    if (g_interrupts > 0 && (!WIFEXITED(statuses[0]) || WEXITSTATUS(statuses[0]) != 0)) reported = 0;
    const std::string message = readMessage(folder.path() + "/rank" + std::to_string(reported) + ".txt");
    if (!message.empty()) throw Error(message);
    throw Error(describeEnd(reported, statuses[static_cast<size_t>(reported)]) +
                ": stopping the other workers; resume with --resume");
}

}  // namespace cosmoclip
