#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cosmoclip {

/// Where this process stands in a data-parallel job, read from the launcher's environment the way
/// torch.distributed's env:// rendezvous reads it. Torch-free.
///
/// - torchrun (and `cosmoclip finetune --nproc N`): RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR,
///   MASTER_PORT. These win when both they and SLURM's variables are set (`srun torchrun ...`).
/// - SLURM job steps (srun): SLURM_PROCID, SLURM_STEP_NUM_TASKS (else SLURM_NTASKS), SLURM_LOCALID;
///   the master is MASTER_ADDR or the first host of SLURM_STEP_NODELIST, SLURM_JOB_NODELIST or
///   SLURM_NODELIST; the port MASTER_PORT or 29500 + SLURM_JOB_ID % 1000 (two jobs sharing a first
///   node then rarely collide). Only a job step counts (SLURM_STEP_ID or SLURM_STEPID set): an
///   sbatch script itself also carries SLURM_PROCID=0 and SLURM_NTASKS=N, and a process started
///   there without srun is one process, not rank 0 of N.
class DistributedEnvironment final {
public:
    /// Looks a variable up; nothing when it is unset.
    using Lookup = std::function<std::optional<std::string>(const std::string& name)>;

    static constexpr int kDefaultPort = 29500;

    int rank = 0;
    int worldSize = 1;
    int localRank = 0;
    std::string masterAddr = "127.0.0.1";
    int masterPort = kDefaultPort;
    std::string launcher = "none";  ///< "none", "torchrun" or "slurm"
    /// torchrun's elastic agent already serves a TCPStore at MASTER_ADDR:MASTER_PORT
    /// (TORCHELASTIC_USE_AGENT_STORE=True): every rank connects to it as a client, under the prefix
    /// of the restart (TORCHELASTIC_RESTART_COUNT), as torch.distributed does.
    bool agentStore = false;
    int restartCount = 0;
    std::string note;               ///< something the user should know (e.g. SLURM tasks without srun)

    bool distributed() const { return worldSize > 1; }
    bool isRoot() const { return rank == 0; }

    /// Throws cosmoclip::Error naming the variable for a malformed or inconsistent value
    /// ("RANK=3 is not below WORLD_SIZE=2").
    static DistributedEnvironment fromLookup(const Lookup& lookup);
    /// fromLookup over the process environment.
    static DistributedEnvironment fromProcessEnvironment();

    /// "rank 1 of 2 (torchrun, master 127.0.0.1:29500)".
    std::string describe() const;
};

/// Expands SLURM's compact host list: "node[01-03,07],gpu5" -> node01 node02 node03 node07 gpu5;
/// zero padding follows the lower bound; several bracket groups in one name multiply out
/// ("r[1-2]n[1-2]" -> r1n1 r1n2 r2n1 r2n2). Throws cosmoclip::Error for unbalanced brackets,
/// empty names or ranges, non-numbers and descending ranges.
std::vector<std::string> expandSlurmNodelist(const std::string& list);

/// The first host of a compact list, without expanding the rest.
std::string firstSlurmHost(const std::string& list);

}  // namespace cosmoclip
