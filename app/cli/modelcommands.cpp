#include "cli/modelcommands.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/catalogcommands.h"
#include "cli/hubcommands.h"
#include "cli/trainingcommands.h"
#include "cli/imagecommands.h"
#include "cli/modelsource.h"
#include "common/error.h"
#include "image/clipinput.h"
#include "model/clipconfig.h"
#include "model/clipfactory.h"
#include "model/cpukernels.h"
#include "model/matmulrate.h"

namespace cosmoclip::cli {

namespace {

using json = nlohmann::ordered_json;

int threadsFrom(const ParsedArgs& args) { return static_cast<int>(args.integer("threads", 1, 1024).value_or(0)); }

json rowJson(const std::vector<float>& rows, size_t row, int64_t dim) {
    const auto begin = rows.begin() + static_cast<std::ptrdiff_t>(row * static_cast<size_t>(dim));
    return json(std::vector<float>(begin, begin + dim));
}

// --- tokenize ---------------------------------------------------------------------------------

const std::vector<OptionSpec> kTokenizeOptions = {{"model", true}, {"tokenizer", true}, {"json", false},
                                                  {"context-length", true}};

}  // namespace

int runTokenize(const std::vector<std::string>& argv) {
    const ParsedArgs args = parseArgs(argv, kTokenizeOptions);
    if (args.positionals().empty()) throw UsageError("tokenize needs at least one TEXT");
    const int context = static_cast<int>(args.integer("context-length", 1, 1 << 20).value_or(77));
    const BpeTokenizer tokenizer = ModelSource::resolve(args.value("model"), args.value("tokenizer")).loadTokenizer();
    json out = json::array();
    for (const std::string& text : args.positionals())
        out.push_back({{"text", text}, {"ids", tokenizer.encodeForContext(text, context)}});
    if (args.has("json")) {
        std::cout << out.dump() << std::endl;
    } else {
        for (const auto& row : out) std::cout << row["text"].get<std::string>() << "\t" << row["ids"].dump() << "\n";
    }
    return 0;
}

// --- embed ------------------------------------------------------------------------------------

namespace {

const std::vector<OptionSpec> kEmbedOptions = {
    {"model", true}, {"tokenizer", true}, {"image", true, true}, {"text", true, true},
    {"raw", false},  {"json", false},     {"threads", true},     {"stretch", true},
    {"batch", true}, {"precision", true},
};

ClipPrecision precisionFrom(const ParsedArgs& args) {
    const std::string name = args.value("precision").value_or("fp32");
    try {
        return parsePrecision(name);
    } catch (const Error&) {
        throw UsageError("--precision must be fp32, bf16 or int8, not '" + name + "'");
    }
}

json embedImages(const ClipEncoder& encoder, const std::vector<std::string>& paths,
                 std::optional<StretchKind> stretch) {
    const PreprocessConfig config = encoder.preprocess().toPreprocessConfig();
    std::vector<std::vector<float>> inputs;
    inputs.reserve(paths.size());
    for (const auto& path : paths) inputs.push_back(clipInputFromFile(path, config, stretch));
    const std::vector<float> rows = encoder.encodeImages(inputs);
    json out = json::array();
    for (size_t i = 0; i < paths.size(); ++i)
        out.push_back({{"path", paths[i]}, {"embedding", rowJson(rows, i, encoder.embedDim())}});
    return out;
}

json embedTexts(const ClipEncoder& encoder, const BpeTokenizer& tokenizer, const std::vector<std::string>& texts) {
    std::vector<std::vector<int32_t>> tokens;
    for (const auto& text : texts)
        tokens.push_back(tokenizer.encodeForContext(text, static_cast<int>(encoder.config().text.contextLength)));
    const std::vector<float> rows = encoder.encodeTexts(tokens);
    json out = json::array();
    for (size_t i = 0; i < texts.size(); ++i)
        out.push_back({{"text", texts[i]}, {"tokens", tokens[i]}, {"embedding", rowJson(rows, i, encoder.embedDim())}});
    return out;
}

}  // namespace

int runEmbed(const std::vector<std::string>& argv) {
    const ParsedArgs args = parseArgs(argv, kEmbedOptions);
    if (!args.positionals().empty()) throw UsageError("unexpected argument '" + args.positionals().front() + "'");
    const auto images = args.values("image");
    const auto texts = args.values("text");
    if (images.empty() && texts.empty()) throw UsageError("embed needs --image FILE or --text STRING");
    const std::optional<StretchKind> stretch = stretchOption(args);
    const ClipPrecision precision = precisionFrom(args);
    const ModelSource source = ModelSource::resolve(args.value("model"), args.value("tokenizer"));
    ClipEncoderOptions options;
    options.threads = threadsFrom(args);
    options.batchSize = args.integer("batch", 1, 4096).value_or(32);
    options.normalize = !args.has("raw");
    options.precision = precision;
    const ClipEncoder encoder = source.loadEncoder(options);
    json out = {{"model",
                 {{"path", source.modelPath}, {"embed_dim", encoder.embedDim()}, {"image_size", encoder.imageSize()},
                  {"context_length", encoder.config().text.contextLength}}},
                {"images", embedImages(encoder, images, stretch)},
                {"texts", texts.empty() ? json::array() : embedTexts(encoder, source.loadTokenizer(), texts)}};
    std::cout << (args.has("json") ? out.dump() : out.dump(2)) << std::endl;
    return 0;
}

// --- model init -------------------------------------------------------------------------------

namespace {

const std::vector<OptionSpec> kModelOptions = {{"config", true}, {"tokenizer", true}, {"out", true},
                                               {"seed", true},   {"json", false}};

ClipConfig configFrom(const std::string& spec) {
    for (const auto& name : ClipConfig::knownNames())
        if (spec == name) return ClipConfig::named(name);
    if (spec == "tiny") return ClipConfig::tiny();
    std::ifstream in(spec);
    if (!in) throw Error(spec, "cannot open (expected a config.json or one of ViT-B/32, ViT-B/16, ViT-L/14)");
    const json j = json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw Error(spec, "not a JSON object");
    return j.contains("model_cfg") || j.contains("vision_cfg") ? ClipConfig::fromOpenClipJson(j, spec)
                                                                 : ClipConfig::fromHuggingFaceJson(j, spec);
}

}  // namespace

int runModel(const std::vector<std::string>& argv) {
    if (!argv.empty() && argv[0] == "blend") return runModelBlend({argv.begin() + 1, argv.end()});
    if (!argv.empty() && argv[0] == "pull") return runModelPull({argv.begin() + 1, argv.end()});
    if (!argv.empty() && argv[0] == "list") return runModelList({argv.begin() + 1, argv.end()});
    if (argv.empty() || argv[0] != "init") throw UsageError("expected 'model init', 'model blend', 'model pull' or 'model list'");
    const ParsedArgs args = parseArgs({argv.begin() + 1, argv.end()}, kModelOptions);
    const auto config = args.value("config"), tokenizerDir = args.value("tokenizer"), out = args.value("out");
    if (!config || !tokenizerDir || !out) throw UsageError("model init needs --config, --tokenizer and --out");
    const auto seed = args.integer("seed", 0, std::numeric_limits<long long>::max()).value_or(0);
    const BpeTokenizer tokenizer = BpeTokenizer::fromDirectory(*tokenizerDir);
    ClipFactory::writeRandomModel(configFrom(*config), tokenizer, static_cast<uint64_t>(seed), *out);
    if (args.has("json")) std::cout << json{{"out", *out}, {"seed", seed}}.dump() << std::endl;
    return 0;
}

// --- bench ------------------------------------------------------------------------------------

namespace {

const std::vector<OptionSpec> kBenchOptions = {
    {"arch", true},  {"batch", true},     {"seconds", true},   {"threads", true}, {"json", false},
    {"tokens", true}, {"peer", false},    {"precision", true}, {"unfused", false}};

// PyTorch eager on the same machine, BLAS and thread count (tests/bench/torch_peer.py, run with
// Debian's /usr/bin/python3). Returns null when the peer cannot run here. torch.set_num_threads()
// does not reach OpenBLAS's own thread pool, which sizes itself from OPENBLAS_NUM_THREADS when the
// library loads: without it the peer's GEMMs would use every core while ours use `threads`.
json runTorchPeer(const std::string& kind, int64_t batch, double seconds, int threads, int64_t tokens,
                  ClipPrecision precision) {
    const std::string script = COSMOCLIP_SOURCE_DIR "/tests/bench/torch_peer.py";
    if (!std::filesystem::exists(script)) return nullptr;
    const std::string n = std::to_string(threads);
    const std::string command = "env OPENBLAS_NUM_THREADS=" + n + " OMP_NUM_THREADS=" + n + " /usr/bin/python3 '" +
                                script + "' " + kind + " " + std::to_string(batch) + " " + std::to_string(seconds) +
                                " " + n + " " + std::to_string(tokens) + " " + precisionName(precision);
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return nullptr;
    std::string output;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
    if (::pclose(pipe) != 0) return nullptr;
    const json parsed = json::parse(output, nullptr, false);
    return parsed.is_discarded() ? json(nullptr) : parsed;
}

double cpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Batches per second of wall-clock time and per second of this process's CPU time: on a shared
// machine the second leaves out the time the OS gave to other processes.
struct BatchRate {
    double wall = 0;
    double cpu = 0;
};

// Runs `step` (one batch) repeatedly for about `seconds` after one warm-up call.
template <typename Step>
BatchRate batchesPerSecond(Step step, double seconds) {
    step();
    int batches = 0;
    const auto start = std::chrono::steady_clock::now();
    const double cpuStart = cpuSeconds();
    double elapsed = 0;
    do {
        step();
        ++batches;
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } while (elapsed < seconds);
    return {batches / elapsed, batches / (cpuSeconds() - cpuStart)};
}

// FLOPs of the vision tower's last block that the fused path skips: only the class token's row goes
// through the out projection and the MLP, and only it queries (K and V still cover every token).
double lastBlockSavedFlops(const ClipConfig& config) {
    const auto& v = config.vision;
    const double n = static_cast<double>(v.tokens()), w = static_cast<double>(v.width);
    const double h = static_cast<double>(v.intermediate);
    const double full = 4.0 * n * w * w + 2.0 * n * n * w + 2.0 * n * w * h;
    const double pooled = 2.0 * n * w * w + w * w + 2.0 * n * w + w * w + 2.0 * w * h;
    return 2.0 * (full - pooled);
}

// Random captions of `length` tokens, start and end tokens included.
std::vector<std::vector<int32_t>> benchTokens(const ClipConfig& config, int64_t batch, int64_t length) {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int32_t> id(1, static_cast<int32_t>(config.text.vocabSize) - 3);
    std::vector<std::vector<int32_t>> tokens(static_cast<size_t>(batch));
    for (auto& row : tokens) {
        row.push_back(static_cast<int32_t>(config.text.vocabSize) - 2);
        for (int64_t i = 2; i < length; ++i) row.push_back(id(rng));
        row.push_back(static_cast<int32_t>(config.text.vocabSize) - 1);
    }
    return tokens;
}

}  // namespace

int runBench(const std::vector<std::string>& argv) {
    if (!argv.empty() && argv[0] == "index") return runBenchIndex({argv.begin() + 1, argv.end()});
    if (argv.empty() || (argv[0] != "embed" && argv[0] != "text"))
        throw UsageError("expected 'bench embed', 'bench text' or 'bench index'");
    const ParsedArgs args = parseArgs({argv.begin() + 1, argv.end()}, kBenchOptions);
    const std::string arch = args.value("arch").value_or("ViT-B/32");
    const ClipConfig config = configFrom(arch);
    const int64_t batch = args.integer("batch", 1, 4096).value_or(32);
    const double seconds = static_cast<double>(args.integer("seconds", 1, 3600).value_or(20));
    const bool fused = !args.has("unfused");
    setFusedInference(fused);
    ClipEncoderOptions options;
    options.precision = precisionFrom(args);
    // Explicit, so that the figure and the peer run with the same count.
    options.threads = threadsFrom(args) > 0 ? threadsFrom(args) : static_cast<int>(std::thread::hardware_concurrency());
    options.batchSize = batch;
    const ClipEncoder encoder = ClipFactory::randomEncoder(config, 0, options);
    const int threads = options.threads;
    json out = {{"arch", arch},
                {"batch", batch},
                {"threads", threads},
                {"precision", precisionName(options.precision)},
                {"fused", fused},
                {"kernels", CpuKernels::instructionSet()}};
    std::string rateKey;
    if (argv[0] == "embed") {
        const int64_t r = config.vision.imageSize;
        std::vector<float> pixels(static_cast<size_t>(batch * 3 * r * r));
        std::mt19937 rng(1);
        std::normal_distribution<float> normal;
        for (auto& p : pixels) p = normal(rng);
        // The yardstick: this machine's GEMM rate (in the precision benchmarked) on the block's own
        // shapes, measured before and after the model run (load on a shared machine varies); the higher
        // of the two counts.
        const auto& v = config.vision;
        const auto reference = [&] {
            return MatmulRate::blockGemms(batch * v.tokens(), v.width, v.intermediate, options.precision, threads,
                                          std::max(1.0, seconds / 8));
        };
        const MatmulRate::Rate before = reference();
        const BatchRate rate =
            batchesPerSecond([&] { encoder.encodeImages(pixels.data(), static_cast<size_t>(batch)); }, seconds);
        const MatmulRate::Rate after = reference();
        const MatmulRate::Rate square = MatmulRate::square(2048, threads, std::max(1.0, seconds / 8));
        const double flops = ClipFactory::imageFlops(config);
        const double matmul = std::max(before.wall, after.wall);
        const double matmulCpu = std::max(before.cpu, after.cpu);
        rateKey = "images_per_second";
        out["images_per_second"] = rate.wall * static_cast<double>(batch);
        out["images_per_cpu_second"] = rate.cpu * static_cast<double>(batch);
        out["gflops_per_image"] = flops / 1e9;
        // What really runs: the fused path computes only the class token's row in the last block.
        out["gflops_per_image_executed"] = (fused ? flops - lastBlockSavedFlops(config) : flops) / 1e9;
        out["gflops_per_second"] = rate.wall * static_cast<double>(batch) * flops / 1e9;
        out["gflops_per_cpu_second"] = rate.cpu * static_cast<double>(batch) * flops / 1e9;
        out["matmul_reference"] = {
            {"what", std::string(precisionName(options.precision)) +
                         " at::mm of one block's four GEMMs (QKV, out_proj, c_fc, c_proj) on batch x tokens = " +
                         std::to_string(batch * v.tokens()) + " rows, weights transposed as nn.Linear, " +
                         std::to_string(threads) + " thread(s); the higher of before/after the model run"},
            {"gflops_per_second", matmul},
            {"gflops_per_cpu_second", matmulCpu},
            {"before", before.wall},
            {"after", after.wall},
            {"square_2048_gflops_per_second", square.wall},
            {"square_2048_gflops_per_cpu_second", square.cpu}};
        out["fraction_of_matmul_rate"] = out["gflops_per_second"].get<double>() / matmul;
        out["fraction_of_matmul_rate_cpu_time"] = out["gflops_per_cpu_second"].get<double>() / matmulCpu;
    } else {
        const int64_t length = args.integer("tokens", 2, config.text.contextLength).value_or(16);
        const auto shortTokens = benchTokens(config, batch, length);
        // Without the short-sequence trick every caption costs a full context window: the same work
        // as captions that really are contextLength tokens long, which is what this row runs.
        const auto fullTokens = benchTokens(config, batch, config.text.contextLength);
        const BatchRate shortRate = batchesPerSecond([&] { encoder.encodeTexts(shortTokens); }, seconds / 2);
        const BatchRate fullRate = batchesPerSecond([&] { encoder.encodeTexts(fullTokens); }, seconds / 2);
        rateKey = "texts_per_second";
        out["tokens"] = length;
        out["texts_per_second"] = shortRate.wall * static_cast<double>(batch);
        out["texts_per_cpu_second"] = shortRate.cpu * static_cast<double>(batch);
        out["texts_per_second_full_context"] = fullRate.wall * static_cast<double>(batch);
        out["texts_per_cpu_second_full_context"] = fullRate.cpu * static_cast<double>(batch);
        out["short_sequence_speedup"] = shortRate.wall / fullRate.wall;
        out["gflops_per_second"] = shortRate.wall * static_cast<double>(batch) * ClipFactory::textFlops(config, length) / 1e9;
    }
    if (args.has("peer")) {
        const json peer = runTorchPeer(argv[0], batch, seconds, threads, out.value("tokens", int64_t{16}),
                                       options.precision);
        out["peer"] = peer;
        if (peer.is_object()) {
            out["ratio_vs_pytorch_eager"] = out[rateKey].get<double>() / peer["items_per_second"].get<double>();
            const std::string cpuKey = argv[0] == "embed" ? "images_per_cpu_second" : "texts_per_cpu_second";
            if (peer.contains("items_per_cpu_second"))
                out["ratio_vs_pytorch_eager_cpu_time"] =
                    out[cpuKey].get<double>() / peer["items_per_cpu_second"].get<double>();
        }
    }
    std::cout << (args.has("json") ? out.dump() : out.dump(2)) << std::endl;
    return 0;
}

}  // namespace cosmoclip::cli
