// Where a process stands in a data-parallel job: torchrun's and SLURM's environment variables,
// SLURM's compact node lists, and the errors for inconsistent values. Torch-free, fast.
#include <map>
#include <string>

#include "common/error.h"
#include "training/distributedenvironment.h"

#include <QtTest>

using namespace cosmoclip;

namespace {

using Variables = std::map<std::string, std::string>;

DistributedEnvironment parse(const Variables& variables) {
    return DistributedEnvironment::fromLookup([&](const std::string& name) -> std::optional<std::string> {
        const auto it = variables.find(name);
        if (it == variables.end()) return std::nullopt;
        return it->second;
    });
}

/// The message of the Error that parsing `variables` throws ("" when it does not throw).
std::string errorOf(const Variables& variables) {
    try {
        parse(variables);
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

const Variables kTorchrun = {{"RANK", "1"},          {"WORLD_SIZE", "4"},      {"LOCAL_RANK", "1"},
                             {"MASTER_ADDR", "n01"}, {"MASTER_PORT", "29400"}};

const Variables kSlurmStep = {{"SLURM_PROCID", "5"},   {"SLURM_NTASKS", "8"},         {"SLURM_LOCALID", "1"},
                              {"SLURM_STEP_ID", "0"},  {"SLURM_JOB_ID", "123456"},
                              {"SLURM_JOB_NODELIST", "gpu[07-09,12],login2"}};

Variables with(Variables base, const Variables& changes) {
    for (const auto& [name, value] : changes) base[name] = value;
    return base;
}

Variables without(Variables base, const std::string& name) {
    base.erase(name);
    return base;
}

}  // namespace

class TestDistributedEnv : public QObject {
    Q_OBJECT

private slots:
    void noLauncherIsOneProcess() {
        const DistributedEnvironment env = parse({});
        QCOMPARE(env.worldSize, 1);
        QCOMPARE(env.rank, 0);
        QVERIFY(!env.distributed());
        QCOMPARE(env.launcher, std::string("none"));
        QCOMPARE(env.describe(), std::string("one process"));
    }

    void torchrunVariables() {
        const DistributedEnvironment env = parse(kTorchrun);
        QCOMPARE(env.rank, 1);
        QCOMPARE(env.worldSize, 4);
        QCOMPARE(env.localRank, 1);
        QCOMPARE(env.masterAddr, std::string("n01"));
        QCOMPARE(env.masterPort, 29400);
        QCOMPARE(env.launcher, std::string("torchrun"));
        QVERIFY(env.distributed() && !env.isRoot());
        QVERIFY(!env.agentStore);
        QCOMPARE(env.describe(), std::string("rank 1 of 4 (torchrun, master n01:29400)"));

        const DistributedEnvironment agent =
            parse(with(kTorchrun, {{"TORCHELASTIC_USE_AGENT_STORE", "True"}, {"TORCHELASTIC_RESTART_COUNT", "2"}}));
        QVERIFY(agent.agentStore);
        QCOMPARE(agent.restartCount, 2);

        // A one-rank torchrun job needs no master.
        const DistributedEnvironment single = parse({{"RANK", "0"}, {"WORLD_SIZE", "1"}});
        QVERIFY(!single.distributed());
    }

    void torchrunInconsistencies() {
        QVERIFY(contains(errorOf(with(kTorchrun, {{"RANK", "4"}})), "RANK=4: is not below WORLD_SIZE=4"));
        QVERIFY(contains(errorOf(with(kTorchrun, {{"RANK", "-1"}})), "RANK=-1"));
        QVERIFY(contains(errorOf(with(kTorchrun, {{"RANK", "one"}})), "RANK=one: not a whole number"));
        QVERIFY(contains(errorOf(with(kTorchrun, {{"WORLD_SIZE", ""}})), "WORLD_SIZE=: empty"));
        QVERIFY(contains(errorOf(with(kTorchrun, {{"WORLD_SIZE", "0"}})), "WORLD_SIZE=0"));
        QVERIFY(contains(errorOf(without(kTorchrun, "WORLD_SIZE")), "RANK=1: set without WORLD_SIZE"));
        QVERIFY(contains(errorOf(without(kTorchrun, "RANK")), "WORLD_SIZE=4: set without RANK"));
        QVERIFY(contains(errorOf(with(kTorchrun, {{"LOCAL_RANK", "2"}})), "LOCAL_RANK=2: is above RANK=1"));
        QVERIFY(contains(errorOf(with(kTorchrun, {{"MASTER_PORT", "70000"}})), "MASTER_PORT=70000: must be between 1 and 65535"));
        QVERIFY(contains(errorOf(with(kTorchrun, {{"MASTER_PORT", "29x"}})), "MASTER_PORT=29x"));
        QVERIFY(contains(errorOf(without(kTorchrun, "MASTER_ADDR")), "MASTER_ADDR: not set"));
        QVERIFY(contains(errorOf(without(kTorchrun, "MASTER_PORT")), "MASTER_PORT: not set"));
        QVERIFY(contains(errorOf(with(kTorchrun, {{"RANK", "99999999999"}})), "out of range"));
    }

    void slurmJobStep() {
        const DistributedEnvironment env = parse(kSlurmStep);
        QCOMPARE(env.launcher, std::string("slurm"));
        QCOMPARE(env.rank, 5);
        QCOMPARE(env.worldSize, 8);
        QCOMPARE(env.localRank, 1);
        QCOMPARE(env.masterAddr, std::string("gpu07"));  // first host of the compact list
        QCOMPARE(env.masterPort, 29500 + 456);           // 29500 + SLURM_JOB_ID % 1000

        // MASTER_ADDR / MASTER_PORT win; the step's task count and node list win over the job's.
        QCOMPARE(parse(with(kSlurmStep, {{"MASTER_ADDR", "head"}})).masterAddr, std::string("head"));
        QCOMPARE(parse(with(kSlurmStep, {{"MASTER_PORT", "1234"}})).masterPort, 1234);
        QCOMPARE(parse(with(kSlurmStep, {{"SLURM_STEP_NUM_TASKS", "6"}})).worldSize, 6);
        QCOMPARE(parse(with(kSlurmStep, {{"SLURM_STEP_NODELIST", "cn[3-4]"}})).masterAddr, std::string("cn3"));
        QCOMPARE(parse(with(without(kSlurmStep, "SLURM_JOB_NODELIST"), {{"SLURM_NODELIST", "a1,a2"}})).masterAddr,
                 std::string("a1"));
        QCOMPARE(parse(with(kSlurmStep, {{"SLURM_STEPID", "3"}})).rank, 5);  // older name of SLURM_STEP_ID
        QCOMPARE(parse(without(kSlurmStep, "SLURM_JOB_ID")).masterPort, 29500);

        // srun torchrun ...: torchrun's variables describe the worker.
        const DistributedEnvironment both = parse(with(kSlurmStep, kTorchrun));
        QCOMPARE(both.launcher, std::string("torchrun"));
        QCOMPARE(both.rank, 1);
        QCOMPARE(both.worldSize, 4);
    }

    void slurmBatchScriptWithoutSrunIsOneProcess() {
        const DistributedEnvironment env = parse(without(kSlurmStep, "SLURM_STEP_ID"));
        QVERIFY(!env.distributed());
        QVERIFY(contains(env.note, "SLURM_NTASKS=8"));
        QVERIFY(contains(env.note, "srun"));
    }

    void slurmInconsistencies() {
        QVERIFY(contains(errorOf(with(kSlurmStep, {{"SLURM_PROCID", "8"}})), "SLURM_PROCID=8: is not below SLURM_NTASKS=8"));
        QVERIFY(contains(errorOf(with(kSlurmStep, {{"SLURM_STEP_NUM_TASKS", "4"}})),
                         "SLURM_PROCID=5: is not below SLURM_STEP_NUM_TASKS=4"));
        QVERIFY(contains(errorOf(with(kSlurmStep, {{"SLURM_LOCALID", "6"}})), "SLURM_LOCALID=6: is above SLURM_PROCID=5"));
        QVERIFY(contains(errorOf(with(kSlurmStep, {{"SLURM_NTASKS", "x"}})), "SLURM_NTASKS=x"));
        QVERIFY(contains(errorOf(without(kSlurmStep, "SLURM_NTASKS")), "set without SLURM_NTASKS"));
        QVERIFY(contains(errorOf(without(kSlurmStep, "SLURM_JOB_NODELIST")), "no MASTER_ADDR and no SLURM_JOB_NODELIST"));
        QVERIFY(contains(errorOf(with(kSlurmStep, {{"SLURM_JOB_NODELIST", "gpu[07-09"}})), "unbalanced '['"));
    }

    void compactNodeLists() {
        using Hosts = std::vector<std::string>;
        QCOMPARE(expandSlurmNodelist("node[01-03,07],gpu5"), (Hosts{"node01", "node02", "node03", "node07", "gpu5"}));
        QCOMPARE(expandSlurmNodelist("n[8-10]"), (Hosts{"n8", "n9", "n10"}));
        QCOMPARE(expandSlurmNodelist("r[1-2]n[01-02]"), (Hosts{"r1n01", "r1n02", "r2n01", "r2n02"}));
        QCOMPARE(expandSlurmNodelist("a, b"), (Hosts{"a", "b"}));
        QCOMPARE(expandSlurmNodelist("x[5]-ib"), (Hosts{"x5-ib"}));
        QCOMPARE(firstSlurmHost("node[07-09],x"), std::string("node07"));
        QCOMPARE(firstSlurmHost("big[0001-99999999]"), std::string("big0001"));  // not expanded
        for (const char* bad : {"node[01-03", "node]", "node[3-1]", "node[a-b]", "", "node[]", "a,,b", "n[1-[2]]",
                                "n[1-]"}) {
            bool threw = false;
            try {
                expandSlurmNodelist(bad);
            } catch (const Error& e) {
                threw = true;
                QVERIFY2(contains(e.what(), "SLURM node list"), e.what());
            }
            QVERIFY2(threw, bad);
        }
    }
};

QTEST_APPLESS_MAIN(TestDistributedEnv)
#include "tst_distributedenv.moc"
