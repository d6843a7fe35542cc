// Fine-tuning throughput against PyTorch eager, measured in the same run.
// Usage: bench_train [--arch ViT-B/32] [--batch 32] [--steps 3] [--tokens 16] [--threads N] [--no-peer]
// Ours: benchmarkTraining() (core/training): both towers forward, soft-target contrastive loss,
// backward, clipping, AdamW. Peer: tests/bench/torch_train_peer.py (torchvision vit_b_32 + a CLIP-sized
// text transformer, AdamW, same threads), once with our caption length and once with open_clip's
// full 77-token context (what PyTorch CLIP training runs). Goal of issue 5: >= 1.2x.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "training/trainingbenchmark.h"

using namespace cosmoclip;

namespace {

nlohmann::json runPeer(int64_t batch, int steps, int threads, int64_t tokens) {
    const std::string command = "/usr/bin/python3 '" COSMOCLIP_SOURCE_DIR "/tests/bench/torch_train_peer.py' " +
                                std::to_string(batch) + " " + std::to_string(steps) + " " + std::to_string(threads) +
                                " " + std::to_string(tokens);
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return nullptr;
    std::string output;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
    if (::pclose(pipe) != 0) return nullptr;
    const nlohmann::json parsed = nlohmann::json::parse(output, nullptr, false);
    return parsed.is_discarded() ? nlohmann::json(nullptr) : parsed;
}

}  // namespace

int main(int argc, char** argv) {
    TrainingBenchmarkOptions options;
    options.threads = -1;  // default: all cores; --threads 0 leaves the OMP_NUM_THREADS/OPENBLAS_NUM_THREADS setup
    std::string arch = "ViT-B/32";
    bool peer = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
        if (a == "--arch") arch = next();
        else if (a == "--batch") options.batch = std::atoll(next().c_str());
        else if (a == "--steps") options.steps = std::atoi(next().c_str());
        else if (a == "--tokens") options.tokens = std::atoll(next().c_str());
        else if (a == "--threads") options.threads = std::atoi(next().c_str());
        else if (a == "--no-peer") peer = false;
        else {
            std::fprintf(stderr, "usage: bench_train [--arch A] [--batch B] [--steps N] [--tokens L] [--threads T] [--no-peer]\n");
            return 2;
        }
    }
    if (options.threads < 0) options.threads = static_cast<int>(std::thread::hardware_concurrency());
    try {
        options.config = ClipConfig::named(arch);
        const TrainingBenchmarkResult ours = benchmarkTraining(options);
        // libgomp's workers spin after each parallel region unless OMP_WAIT_POLICY=PASSIVE; on a
        // loaded or small machine that spinning starves OpenBLAS's own GEMM threads. Both sides run
        // with the same environment (the peer inherits it).
        const char* waitPolicy = std::getenv("OMP_WAIT_POLICY");
        std::printf("%s, batch %lld, %lld-token captions, %d threads, %d timed steps, OMP_WAIT_POLICY=%s\n",
                    arch.c_str(), static_cast<long long>(options.batch), static_cast<long long>(options.tokens),
                    ours.threads, ours.steps, waitPolicy ? waitPolicy : "(unset)");
        std::printf("  cosmoclip (LibTorch C++):        %7.2f samples/s  (%.2f s/step, optimizer %.2f s, CPU %.2f s)\n",
                    ours.samplesPerSecond, ours.secondsPerStep, ours.optimizerSecondsPerStep, ours.cpuSecondsPerStep);
        if (!peer) return 0;
        for (const int64_t tokens : {options.tokens, options.config.text.contextLength}) {
            const nlohmann::json p = runPeer(options.batch, options.steps, ours.threads, tokens);
            if (!p.is_object()) {
                std::printf("  PyTorch peer unavailable (needs /usr/bin/python3 with torch and torchvision)\n");
                return 0;
            }
            const double rate = p["samples_per_second"].get<double>();
            const double cpu = p["cpu_seconds_per_step"].get<double>();
            std::printf("  PyTorch eager, %2lld-token text:   %7.2f samples/s  (%.2f s/step, optimizer %.2f s, CPU %.2f s)"
                        "  ratio %.2fx (CPU time %.2fx)\n",
                        static_cast<long long>(tokens), rate, p["seconds_per_step"].get<double>(),
                        p["optimizer_seconds_per_step"].get<double>(), cpu, ours.samplesPerSecond / rate,
                        cpu / ours.cpuSecondsPerStep);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_train: %s\n", e.what());
        return 1;
    }
    return 0;
}
