#include "training/distributedenvironment.h"

#include <cstdint>
#include <cstdlib>

#include "common/error.h"

namespace cosmoclip {

namespace {

/// A whole decimal integer in [min, max], or an Error naming the variable.
int integerVariable(const std::string& name, const std::string& text, int min, int max) {
    const auto bad = [&](const std::string& why) { throw Error(name + "=" + text, why); };
    if (text.empty()) bad("empty; expected a whole number");
    size_t i = text[0] == '-' ? 1 : 0;
    if (i == text.size()) bad("not a whole number");
    for (size_t k = i; k < text.size(); ++k)
        if (text[k] < '0' || text[k] > '9') bad("not a whole number");
    if (text.size() > 10) bad("out of range");
    const long long value = std::stoll(text);
    if (value < min || value > max)
        bad("must be between " + std::to_string(min) + " and " + std::to_string(max));
    return static_cast<int>(value);
}

/// One piece of a host name: literal text, or the values of a bracket group ("[01-03,07]").
struct HostPart {
    std::string text;                 // literal when values is empty
    std::vector<std::string> values;  // expanded bracket group
};

std::string padded(uint64_t value, size_t width) {
    std::string s = std::to_string(value);
    return s.size() < width ? std::string(width - s.size(), '0') + s : s;
}

uint64_t rangeNumber(const std::string& list, const std::string& digits) {
    if (digits.empty() || digits.size() > 18) throw Error("SLURM node list '" + list + "'", "bad range '" + digits + "'");
    for (const char c : digits)
        if (c < '0' || c > '9') throw Error("SLURM node list '" + list + "'", "'" + digits + "' is not a number");
    return std::stoull(digits);
}

/// "01-03,07" -> 01 02 03 07 (only the first value when `firstOnly`).
std::vector<std::string> expandGroup(const std::string& list, const std::string& group, bool firstOnly) {
    std::vector<std::string> out;
    size_t begin = 0;
    while (true) {
        const size_t comma = group.find(',', begin);
        const std::string item = group.substr(begin, comma - begin);
        const size_t dash = item.find('-');
        const std::string lowText = item.substr(0, dash);
        const uint64_t low = rangeNumber(list, lowText);
        const uint64_t high = dash == std::string::npos ? low : rangeNumber(list, item.substr(dash + 1));
        if (high < low) throw Error("SLURM node list '" + list + "'", "descending range '" + item + "'");
        if (!firstOnly && high - low > 1000000) throw Error("SLURM node list '" + list + "'", "range '" + item + "' is too large");
        for (uint64_t v = low; v <= high; ++v) {
            out.push_back(padded(v, lowText.size()));
            if (firstOnly) return out;
        }
        if (comma == std::string::npos) break;
        begin = comma + 1;
    }
    return out;
}

std::vector<HostPart> parseHost(const std::string& list, const std::string& host, bool firstOnly) {
    if (host.empty()) throw Error("SLURM node list '" + list + "'", "empty host name");
    std::vector<HostPart> parts;
    size_t i = 0;
    while (i < host.size()) {
        const size_t open = host.find('[', i);
        const std::string literal = host.substr(i, open - i);
        if (literal.find(']') != std::string::npos) throw Error("SLURM node list '" + list + "'", "unbalanced ']'");
        if (!literal.empty()) parts.push_back({literal, {}});
        if (open == std::string::npos) break;
        const size_t close = host.find(']', open);
        if (close == std::string::npos) throw Error("SLURM node list '" + list + "'", "unbalanced '['");
        const std::string group = host.substr(open + 1, close - open - 1);
        if (group.find('[') != std::string::npos) throw Error("SLURM node list '" + list + "'", "nested '['");
        parts.push_back({"", expandGroup(list, group, firstOnly)});
        i = close + 1;
    }
    return parts;
}

/// The top-level comma-separated items of a host list (commas inside brackets belong to the group).
std::vector<std::string> splitHosts(const std::string& list) {
    std::vector<std::string> hosts;
    std::string current;
    int depth = 0;
    for (const char c : list) {
        if (c == '[') ++depth;
        if (c == ']') --depth;
        if (depth < 0) throw Error("SLURM node list '" + list + "'", "unbalanced ']'");
        if (c == ',' && depth == 0) {
            hosts.push_back(current);
            current.clear();
        } else if (c != ' ') {
            current += c;
        }
    }
    if (depth != 0) throw Error("SLURM node list '" + list + "'", "unbalanced '['");
    hosts.push_back(current);
    return hosts;
}

void appendProducts(const std::vector<HostPart>& parts, size_t index, const std::string& prefix,
                    std::vector<std::string>& out) {
    if (index == parts.size()) {
        out.push_back(prefix);
        return;
    }
    const HostPart& part = parts[index];
    if (part.values.empty()) return appendProducts(parts, index + 1, prefix + part.text, out);
    for (const auto& v : part.values) appendProducts(parts, index + 1, prefix + v, out);
}

DistributedEnvironment fromTorchrun(const DistributedEnvironment::Lookup& lookup) {
    DistributedEnvironment env;
    env.launcher = "torchrun";
    const auto rank = lookup("RANK");
    const auto world = lookup("WORLD_SIZE");
    if (!rank || !world)
        throw Error(rank ? "RANK=" + *rank : "WORLD_SIZE=" + *world,
                    std::string("set without ") + (rank ? "WORLD_SIZE" : "RANK") +
                        " (torchrun sets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT)");
    env.worldSize = integerVariable("WORLD_SIZE", *world, 1, 1 << 20);
    env.rank = integerVariable("RANK", *rank, 0, 1 << 20);
    if (env.rank >= env.worldSize)
        throw Error("RANK=" + *rank, "is not below WORLD_SIZE=" + *world);
    if (const auto local = lookup("LOCAL_RANK")) {
        env.localRank = integerVariable("LOCAL_RANK", *local, 0, 1 << 20);
        if (env.localRank > env.rank)
            throw Error("LOCAL_RANK=" + *local, "is above RANK=" + *rank + " (local ranks count the ranks of one machine)");
    } else {
        env.localRank = env.worldSize > 1 ? 0 : env.rank;
    }
    if (const auto addr = lookup("MASTER_ADDR"); addr && !addr->empty()) env.masterAddr = *addr;
    else if (env.worldSize > 1) throw Error("MASTER_ADDR", "not set: torchrun-style launches need MASTER_ADDR and MASTER_PORT");
    if (const auto port = lookup("MASTER_PORT")) env.masterPort = integerVariable("MASTER_PORT", *port, 1, 65535);
    else if (env.worldSize > 1) throw Error("MASTER_PORT", "not set: torchrun-style launches need MASTER_ADDR and MASTER_PORT");
    if (const auto agent = lookup("TORCHELASTIC_USE_AGENT_STORE")) env.agentStore = *agent == "True" || *agent == "1";
    if (const auto restarts = lookup("TORCHELASTIC_RESTART_COUNT"))
        env.restartCount = integerVariable("TORCHELASTIC_RESTART_COUNT", *restarts, 0, 1 << 20);
    return env;
}

DistributedEnvironment fromSlurm(const DistributedEnvironment::Lookup& lookup) {
    DistributedEnvironment env;
    env.launcher = "slurm";
    const auto procId = lookup("SLURM_PROCID");
    const auto stepTasks = lookup("SLURM_STEP_NUM_TASKS");
    const auto tasks = stepTasks ? stepTasks : lookup("SLURM_NTASKS");
    const char* tasksName = stepTasks ? "SLURM_STEP_NUM_TASKS" : "SLURM_NTASKS";
    if (!tasks) throw Error("SLURM_PROCID=" + *procId, "set without SLURM_NTASKS");
    env.worldSize = integerVariable(tasksName, *tasks, 1, 1 << 20);
    env.rank = integerVariable("SLURM_PROCID", *procId, 0, 1 << 20);
    if (env.rank >= env.worldSize)
        throw Error("SLURM_PROCID=" + *procId, std::string("is not below ") + tasksName + "=" + *tasks);
    if (const auto local = lookup("SLURM_LOCALID")) {
        env.localRank = integerVariable("SLURM_LOCALID", *local, 0, 1 << 20);
        if (env.localRank > env.rank)
            throw Error("SLURM_LOCALID=" + *local, "is above SLURM_PROCID=" + *procId);
    }
    if (const auto addr = lookup("MASTER_ADDR"); addr && !addr->empty()) {
        env.masterAddr = *addr;
    } else {
        std::optional<std::string> nodes;
        for (const char* name : {"SLURM_STEP_NODELIST", "SLURM_JOB_NODELIST", "SLURM_NODELIST"})
            if (!nodes || nodes->empty()) nodes = lookup(name);
        if (!nodes || nodes->empty()) {
            if (env.worldSize > 1)
                throw Error("SLURM", "no MASTER_ADDR and no SLURM_JOB_NODELIST/SLURM_NODELIST to find rank 0's host");
        } else {
            env.masterAddr = firstSlurmHost(*nodes);
        }
    }
    if (const auto port = lookup("MASTER_PORT")) {
        env.masterPort = integerVariable("MASTER_PORT", *port, 1, 65535);
    } else if (const auto job = lookup("SLURM_JOB_ID")) {
        // All tasks of a job agree on the job id; another job on the same first node likely not.
        env.masterPort = DistributedEnvironment::kDefaultPort + integerVariable("SLURM_JOB_ID", *job, 0, 2147483647) % 1000;
    }
    return env;
}

}  // namespace

std::vector<std::string> expandSlurmNodelist(const std::string& list) {
    std::vector<std::string> out;
    for (const auto& host : splitHosts(list)) appendProducts(parseHost(list, host, false), 0, "", out);
    return out;
}

std::string firstSlurmHost(const std::string& list) {
    std::vector<std::string> out;
    appendProducts(parseHost(list, splitHosts(list).front(), true), 0, "", out);
    return out.front();
}

DistributedEnvironment DistributedEnvironment::fromLookup(const Lookup& lookup) {
    if (lookup("RANK") || lookup("WORLD_SIZE")) return fromTorchrun(lookup);
    if (lookup("SLURM_PROCID")) {
        if (lookup("SLURM_STEP_ID") || lookup("SLURM_STEPID")) return fromSlurm(lookup);
        DistributedEnvironment single;
        if (const auto tasks = lookup("SLURM_NTASKS"); tasks && *tasks != "1")
            single.note = "SLURM_NTASKS=" + *tasks + " but this is no job step: one process trains; start the " +
                          "job's tasks with srun to train on all of them";
        return single;
    }
    return {};
}

DistributedEnvironment DistributedEnvironment::fromProcessEnvironment() {
    return fromLookup([](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (!value) return std::nullopt;
        return std::string(value);
    });
}

std::string DistributedEnvironment::describe() const {
    if (!distributed()) return "one process";
    return "rank " + std::to_string(rank) + " of " + std::to_string(worldSize) + " (" + launcher + ", master " +
           masterAddr + ":" + std::to_string(masterPort) + ")";
}

}  // namespace cosmoclip
