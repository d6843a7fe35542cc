#include "cli/modelcommands.h"

#include <chrono>
#include <cmath>
#include <cstdio>
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
    {"batch", true},
};

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
    const ModelSource source = ModelSource::resolve(args.value("model"), args.value("tokenizer"));
    ClipEncoderOptions options;
    options.threads = threadsFrom(args);
    options.batchSize = args.integer("batch", 1, 4096).value_or(32);
    options.normalize = !args.has("raw");
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

const std::vector<OptionSpec> kBenchOptions = {{"arch", true},    {"batch", true}, {"seconds", true},
                                               {"threads", true}, {"json", false}, {"tokens", true},
                                               {"peer", false}};

// PyTorch eager on the same machine, BLAS and thread count (tests/bench/torch_peer.py, run with
// Debian's /usr/bin/python3). Returns null when the peer cannot run here.
json runTorchPeer(const std::string& kind, int64_t batch, double seconds, int threads, int64_t tokens) {
    const std::string script = COSMOCLIP_SOURCE_DIR "/tests/bench/torch_peer.py";
    if (!std::filesystem::exists(script)) return nullptr;
    const std::string command = "/usr/bin/python3 '" + script + "' " + kind + " " + std::to_string(batch) + " " +
                                std::to_string(seconds) + " " + std::to_string(threads) + " " + std::to_string(tokens);
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return nullptr;
    std::string output;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
    if (::pclose(pipe) != 0) return nullptr;
    const json parsed = json::parse(output, nullptr, false);
    return parsed.is_discarded() ? json(nullptr) : parsed;
}

// Runs `step` (one batch) repeatedly for about `seconds` after one warm-up call; returns batches/s.
template <typename Step>
double batchesPerSecond(Step step, double seconds) {
    step();
    int batches = 0;
    const auto start = std::chrono::steady_clock::now();
    double elapsed = 0;
    do {
        step();
        ++batches;
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } while (elapsed < seconds);
    return batches / elapsed;
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
    ClipEncoderOptions options;
    // Explicit, so that the figure and the peer run with the same count.
    options.threads = threadsFrom(args) > 0 ? threadsFrom(args) : static_cast<int>(std::thread::hardware_concurrency());
    options.batchSize = batch;
    const ClipEncoder encoder = ClipFactory::randomEncoder(config, 0, options);
    const int threads = options.threads;
    json out = {{"arch", arch}, {"batch", batch}, {"threads", threads}};
    if (argv[0] == "embed") {
        const int64_t r = config.vision.imageSize;
        std::vector<float> pixels(static_cast<size_t>(batch * 3 * r * r));
        std::mt19937 rng(1);
        std::normal_distribution<float> normal;
        for (auto& p : pixels) p = normal(rng);
        const double bps = batchesPerSecond([&] { encoder.encodeImages(pixels.data(), static_cast<size_t>(batch)); }, seconds);
        out["images_per_second"] = bps * static_cast<double>(batch);
        out["gflops_per_second"] = bps * static_cast<double>(batch) * ClipFactory::imageFlops(config) / 1e9;
        out["gflops_per_image"] = ClipFactory::imageFlops(config) / 1e9;
    } else {
        const int64_t length = args.integer("tokens", 2, config.text.contextLength).value_or(16);
        const auto shortTokens = benchTokens(config, batch, length);
        // Without the short-sequence trick every caption costs a full context window: the same work
        // as captions that really are contextLength tokens long, which is what this row runs.
        const auto fullTokens = benchTokens(config, batch, config.text.contextLength);
        const double shortBps = batchesPerSecond([&] { encoder.encodeTexts(shortTokens); }, seconds / 2);
        const double fullBps = batchesPerSecond([&] { encoder.encodeTexts(fullTokens); }, seconds / 2);
        out["tokens"] = length;
        out["texts_per_second"] = shortBps * static_cast<double>(batch);
        out["texts_per_second_full_context"] = fullBps * static_cast<double>(batch);
        out["gflops_per_second"] = shortBps * static_cast<double>(batch) * ClipFactory::textFlops(config, length) / 1e9;
    }
    if (args.has("peer")) {
        const std::string rateKey = argv[0] == "embed" ? "images_per_second" : "texts_per_second";
        const json peer = runTorchPeer(argv[0], batch, seconds, threads, out.value("tokens", int64_t{16}));
        out["peer"] = peer;
        if (peer.is_object()) out["ratio_vs_pytorch_eager"] = out[rateKey].get<double>() / peer["items_per_second"].get<double>();
    }
    std::cout << (args.has("json") ? out.dump() : out.dump(2)) << std::endl;
    return 0;
}

}  // namespace cosmoclip::cli
