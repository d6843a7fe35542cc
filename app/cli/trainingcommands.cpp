#include "cli/trainingcommands.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "catalog/catalogevaluation.h"
#include "catalog/catalogexamples.h"
#include "catalog/indexer.h"
#include "cli/args.h"
#include "cli/modelsource.h"
#include "cli/progressbar.h"
#include "common/error.h"
#include "retrieval/prompttemplates.h"
#include "training/distributedenvironment.h"
#include "training/distributedgroup.h"
#include "training/distributedlauncher.h"
#include "training/epochmetrics.h"
#include "training/evaluation.h"
#include "training/trainer.h"
#include "training/wiseft.h"

namespace cosmoclip::cli {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

std::atomic<bool> g_cancel{false};
extern "C" void onTrainingInterrupt(int) { g_cancel = true; }

SplitFractions fractionsFrom(const ParsedArgs& args, const char* option) {
    try {
        return SplitFractions::parse(args.value(option).value_or("0.7,0.15,0.15"));
    } catch (const Error& e) {
        throw UsageError(std::string("--") + option + ": " + e.what());
    }
}

FreezeOptions freezeFrom(const std::string& spec) {
    try {
        return FreezeOptions::parse(spec);
    } catch (const Error& e) {
        throw UsageError(std::string("--freeze: ") + e.what());
    }
}

const std::vector<OptionSpec> kFinetuneOptions = {
    {"db", true},        {"base", true},     {"out", true},      {"epochs", true},    {"batch-size", true},
    {"lr", true},        {"split", true},    {"seed", true},     {"device", true},    {"resume", false},
    {"json", false},     {"threads", true},  {"warmup", true},   {"freeze", true},    {"caption-style", true},
    {"accumulation", true}, {"workers", true}, {"weight-decay", true}, {"template", true, true}, {"nproc", true},
    {"tokenizer", true}, {"dist-timeout", true},
};

double number(const ParsedArgs& args, const char* name, double fallback) {
    const auto v = args.value(name);
    if (!v) return fallback;
    try {
        size_t used = 0;
        const double d = std::stod(*v, &used);
        if (used == v->size() && std::isfinite(d) && d >= 0) return d;
    } catch (const std::exception&) {
    }
    throw UsageError(std::string("--") + name + " needs a non-negative number, got '" + *v + "'");
}

json optionsJson(const TrainerOptions& o, const std::string& split) {
    return {{"epochs", o.epochs},       {"batch_size", o.batchSize}, {"lr", o.lr},       {"weight_decay", o.weightDecay},
            {"warmup", o.warmupSteps},  {"seed", o.seed},            {"device", o.device}, {"split", split},
            {"caption_style", captionStyleName(o.captionStyle)}};
}

}  // namespace

namespace {

/// The worker command line of `finetune --nproc N`: the same arguments without --nproc, and the
/// CPU threads split between the workers.
std::vector<std::string> workerArguments(const std::vector<std::string>& argv, int threadsEach) {
    std::vector<std::string> out{"finetune"};
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a == "--nproc" || a == "--threads") {
            ++i;
            continue;
        }
        if (a.rfind("--nproc=", 0) == 0 || a.rfind("--threads=", 0) == 0) continue;
        out.push_back(a);
    }
    out.insert(out.end(), {"--threads", std::to_string(threadsEach)});
    return out;
}

/// `--nproc N`: this process only starts and watches N local workers (DistributedLauncher); rank 0
/// prints the report.
int launchLocalWorkers(const std::vector<std::string>& argv, const ParsedArgs& args, int nproc) {
    if (!DistributedGroup::supported()) throw Error("--nproc " + std::to_string(nproc), DistributedGroup::unsupportedReason());
    const int total = static_cast<int>(args.integer("threads", 1, 1024).value_or(
        std::max(1u, std::thread::hardware_concurrency())));
    const int each = std::max(1, total / nproc);
    std::fprintf(stderr, "cosmoclip: starting %d workers on this machine (Gloo on 127.0.0.1), %d thread(s) each\n", nproc,
                 each);
    LocalLaunchOptions launch;
    launch.args = workerArguments(argv, each);
    launch.processes = nproc;
    DistributedLauncher::run(launch);
    return 0;
}

/// What a worker of a local launch leaves for the launcher to report (DistributedLauncher).
void leaveErrorForLauncher(const std::string& message) {
    const char* path = std::getenv("COSMOCLIP_ERROR_FILE");
    if (!path || !*path) return;
    if (std::FILE* f = std::fopen(path, "w")) {
        std::fputs(message.c_str(), f);
        std::fclose(f);
    }
}

int finetune(const std::vector<std::string>& argv, std::shared_ptr<DistributedGroup>& group) {
    const ParsedArgs args = parseArgs(argv, kFinetuneOptions);
    const auto db = args.value("db"), base = args.value("base"), out = args.value("out");
    if (!db || !base || !out) throw UsageError("finetune needs --db CATALOG.sqlite --base MODEL --out DIR");
    const int nproc = static_cast<int>(args.integer("nproc", 1, 1024).value_or(1));
    TrainerOptions options;
    options.epochs = static_cast<int>(args.integer("epochs", 1, 100000).value_or(options.epochs));
    options.batchSize = static_cast<int>(args.integer("batch-size", 2, 65536).value_or(options.batchSize));
    options.lr = number(args, "lr", options.lr);
    options.weightDecay = number(args, "weight-decay", options.weightDecay);
    options.warmupSteps = static_cast<int>(args.integer("warmup", 0, 100000000).value_or(options.warmupSteps));
    options.accumulation = static_cast<int>(args.integer("accumulation", 1, 4096).value_or(1));
    options.seed = static_cast<uint64_t>(args.integer("seed", 0, (1LL << 62)).value_or(0));
    options.threads = static_cast<int>(args.integer("threads", 1, 1024).value_or(0));
    options.workers = static_cast<int>(args.integer("workers", 0, 256).value_or(options.workers));
    options.device = args.value("device").value_or("cpu");
    options.resume = args.has("resume");
    options.freeze = freezeFrom(args.value("freeze").value_or("full"));
    if (const auto t = args.values("template"); !t.empty()) options.evalTemplates = t;
    try {
        options.captionStyle = parseCaptionStyle(args.value("caption-style").value_or("photo"));
    } catch (const Error& e) {
        throw UsageError(e.what());
    }
    const double timeout = number(args, "dist-timeout", 300.0);
    if (timeout <= 0) throw UsageError("--dist-timeout needs a number of seconds above 0");
    options.outDir = *out;
    const std::string splitText = args.value("split").value_or("0.7,0.15,0.15");
    const SplitFractions fractions = fractionsFrom(args, "split");
    const ModelSource source = ModelSource::resolve(base, args.value("tokenizer"));
    options.tokenizerDir = source.tokenizerDir;

    // Under torchrun or SLURM the environment says who this process is; --nproc starts workers.
    const DistributedEnvironment env = DistributedEnvironment::fromProcessEnvironment();
    if (!env.note.empty()) std::fprintf(stderr, "cosmoclip: %s\n", env.note.c_str());
    if (nproc > 1) {
        if (env.distributed())
            throw UsageError("--nproc starts local workers itself; under " + env.launcher + " (" + env.describe() +
                             ") leave it out");
        return launchLocalWorkers(argv, args, nproc);
    }
    if (env.distributed()) {
        if (!DistributedGroup::supported()) throw Error(env.describe(), DistributedGroup::unsupportedReason());
        DistributedGroupOptions groupOptions;
        groupOptions.timeout = std::chrono::milliseconds(static_cast<int64_t>(timeout * 1000.0));
        groupOptions.device = resolveTrainingDevice(options.device);  // "auto" on a GPU machine: NCCL
        group = DistributedGroup::connect(env, groupOptions);
        options.group = group;
    }
    const bool root = !group || group->isRoot();

    // Rank 0 opens the catalog for writing (run record, metrics); the others only read it, after
    // rank 0 has opened (and possibly upgraded) it.
    if (!root) group->awaitRoot("catalog");
    Catalog catalog(*db, root ? Catalog::Mode::ReadWrite : Catalog::Mode::ReadOnly);
    const auto train = catalogExamples(catalog, Split::Train, fractions);
    const auto val = catalogExamples(catalog, Split::Val, fractions);
    if (train.empty()) throw Error(*db, "no indexed images in the train split: run cosmoclip index (and annotate) first");
    int64_t run = 0;
    if (root) {
        std::fprintf(stderr, "cosmoclip: fine-tuning on %zu images, validating on %zu%s\n", train.size(), val.size(),
                     group ? (" (" + std::to_string(group->size()) + " ranks, " + group->backend() + ")").c_str() : "");
        run = catalog.startRun(source.modelPath, *out, optionsJson(options, splitText).dump());
        if (group) group->publish("catalog", "ready");
    }
    ProgressBar bar("step");
    const int64_t stepsPerEpoch =
        (static_cast<int64_t>(train.size()) + options.batchSize * options.accumulation - 1) / (options.batchSize * options.accumulation);
    const int64_t totalSteps = stepsPerEpoch * options.epochs;
    TrainerCallbacks callbacks;  // rank 0 reports for the job; the others stay quiet
    if (root) {
        callbacks.onStep = [&](int64_t step, double loss, double) {
            char label[64];
            std::snprintf(label, sizeof label, "loss %.4f", loss);
            bar.update(static_cast<size_t>(step), static_cast<size_t>(totalSteps), label);
        };
        callbacks.onEpoch = [&](const EpochMetrics& m) {
            bar.finish();
            const nlohmann::json metrics = toJson(m);
            for (const auto& item : metrics.items())
                if (item.value().is_number()) catalog.addRunMetric(run, m.epoch, m.step, item.key(), item.value().get<double>());
            std::fprintf(stderr, "epoch %d: train loss %.4f, val loss %.4f, top-1 %.3f, i2t R@5 %.3f\n", m.epoch, m.trainLoss,
                         m.valLoss, m.val.top1, m.val.i2tRecall[1]);
        };
        callbacks.onLog = [&](const std::string& line) {
            bar.finish();
            std::fprintf(stderr, "cosmoclip: %s\n", line.c_str());
        };
    }

    auto previous = std::signal(SIGINT, onTrainingInterrupt);
    TrainingResult result;
    try {
        result = Trainer(options).run(train, val, source.modelPath, callbacks, &g_cancel);
    } catch (const std::exception& e) {
        std::signal(SIGINT, previous);
        if (root) catalog.finishRun(run, "failed", e.what(), "{}");
        throw;
    }
    std::signal(SIGINT, previous);
    bar.finish();
    const json best = result.history.empty() ? json::object() : json(toJson(result.best));
    if (result.cancelled) {
        if (root) catalog.finishRun(run, "cancelled", "interrupted", best.dump());
        throw Error(*out, "interrupted after " + std::to_string(result.steps) + " steps; continue with --resume");
    }
    if (!root) return 0;  // rank 0 prints the job's report
    catalog.finishRun(run, "finished", "", best.dump());
    json history = json::array();
    for (const auto& m : result.history) history.push_back(json(toJson(m)));
    const json report = {{"out", result.bestPath}, {"epochs", result.epochs}, {"steps", result.steps},
                         {"best", best},           {"history", history},      {"run", run}};
    std::cout << (args.has("json") ? report.dump() : report.dump(2)) << std::endl;
    return 0;
}

}  // namespace

int runFinetune(const std::vector<std::string>& argv) {
    std::shared_ptr<DistributedGroup> group;
    try {
        return finetune(argv, group);
    } catch (const std::exception& e) {
        if (group) group->publishFailure(e.what());  // the other ranks stop with this message
        leaveErrorForLauncher(e.what());
        throw;
    }
}

// --- eval -------------------------------------------------------------------------------------

namespace {

const std::vector<OptionSpec> kEvalOptions = {
    {"db", true},       {"model", true, true}, {"tokenizer", true},     {"split", true},   {"labels", true},
    {"fractions", true}, {"template", true, true}, {"template-set", true}, {"caption-style", true},
    {"json", false},    {"threads", true},     {"batch", true},
};

/// One model's metrics on the examples (core/catalog/catalogevaluation.h), with a progress bar while
/// images the model has not seen yet are embedded.
EvalMetrics evaluateModel(Catalog& catalog, const std::string& modelPath, const ParsedArgs& args,
                          const std::vector<TrainingExample>& examples, const EvalTexts& texts,
                          const std::vector<std::string>& templates) {
    const ModelSource source = ModelSource::resolve(modelPath, args.value("tokenizer"));
    ClipEncoderOptions options;
    options.threads = static_cast<int>(args.integer("threads", 1, 1024).value_or(0));
    options.batchSize = args.integer("batch", 1, 4096).value_or(32);
    const ClipEncoder encoder = source.loadEncoder(options);
    const BpeTokenizer tokenizer = source.loadTokenizer();
    const ModelRecord model = Indexer::registerModel(catalog, source.modelPath, encoder);
    ProgressBar bar("img");
    return evaluateOnCatalog(catalog, encoder, tokenizer, model, examples, texts, templates,
                             [&](const IndexProgress& p) { bar.update(p.done, p.total, p.path); });
}

std::string percent(double v) {
    if (std::isnan(v)) return "-";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f", 100 * v);
    return buffer;
}

void printTable(const std::vector<std::string>& models, const std::vector<EvalMetrics>& metrics) {
    std::printf("%-22s", "metric (%)");
    for (const auto& m : models) std::printf("  %14.14s", fs::path(m).filename().string().c_str());
    std::printf("\n");
    auto row = [&](const char* name, auto get) {
        std::printf("%-22s", name);
        for (const auto& m : metrics) std::printf("  %14s", percent(get(m)).c_str());
        std::printf("\n");
    };
    row("zero-shot top-1", [](const EvalMetrics& m) { return m.top1; });
    row("zero-shot top-5", [](const EvalMetrics& m) { return m.top5; });
    const char* names[3] = {"@1", "@5", "@10"};
    for (int k = 0; k < 3; ++k) {
        row((std::string("image->text R") + names[k]).c_str(), [k](const EvalMetrics& m) { return m.i2tRecall[k]; });
    }
    for (int k = 0; k < 3; ++k) {
        row((std::string("text->image R") + names[k]).c_str(), [k](const EvalMetrics& m) { return m.t2iRecall[k]; });
    }
    for (size_t c = 0; c < metrics.front().classNames.size(); ++c) {
        row(("  " + metrics.front().classNames[c]).c_str(), [c](const EvalMetrics& m) { return m.perClassTop1[c]; });
    }
    std::printf("%zu images, %zu labelled, %zu captions\n", metrics.front().n, metrics.front().labelled, metrics.front().captions);
}

}  // namespace

int runEval(const std::vector<std::string>& argv) {
    const ParsedArgs args = parseArgs(argv, kEvalOptions);
    const auto db = args.value("db");
    if (!db) throw UsageError("--db CATALOG.sqlite is required");
    std::vector<std::string> models = args.values("model");
    if (models.empty()) models.push_back(ModelSource::resolve(std::nullopt, std::nullopt).modelPath);
    if (models.front().empty()) throw Error("no model: pass --model PATH (this installation has no built-in model)");
    const std::string splitName = args.value("split").value_or("test");
    std::optional<Split> split;
    if (splitName != "all") {
        try {
            split = parseSplit(splitName);
        } catch (const Error& e) {
            throw UsageError("--split: " + std::string(e.what()));
        }
    }
    CaptionStyle style = CaptionStyle::PhotoOf;
    try {
        style = parseCaptionStyle(args.value("caption-style").value_or("photo"));
    } catch (const Error& e) {
        throw UsageError(e.what());
    }
    const std::vector<std::string> userTemplates = args.values("template");

    Catalog catalog(*db);
    const auto examples = catalogExamples(catalog, split, fractionsFrom(args, "fractions"));
    if (examples.empty()) throw Error(*db, "no indexed images in the " + splitName + " split");
    const EvalTexts texts = evalTexts(examples, style, args.value("labels") ? splitLabelList(*args.value("labels")) : std::vector<std::string>{});
    std::vector<EvalMetrics> metrics;
    for (const auto& m : models) {
        // Each model with its own prompts unless the user names some.
        std::vector<std::string> templates = userTemplates;
        if (templates.empty())
            templates = args.value("template-set") ? templateSet(*args.value("template-set")) : templatesForModel(m);
        metrics.push_back(evaluateModel(catalog, m, args, examples, texts, templates));
    }

    if (!args.has("json")) {
        printTable(models, metrics);
        return 0;
    }
    if (metrics.size() == 1) {
        std::cout << toJson(metrics.front()).dump() << std::endl;
        return 0;
    }
    json out = {{"split", splitName}, {"models", json::array()}};
    for (size_t i = 0; i < models.size(); ++i) {
        json m = toJson(metrics[i]);
        m["model"] = models[i];
        out["models"].push_back(m);
    }
    std::cout << out.dump() << std::endl;
    return 0;
}

// --- model blend (WiSE-FT) --------------------------------------------------------------------

namespace {
const std::vector<OptionSpec> kBlendOptions = {{"base", true}, {"finetuned", true}, {"alpha", true}, {"out", true}, {"json", false}};
}

int runModelBlend(const std::vector<std::string>& argv) {
    const ParsedArgs args = parseArgs(argv, kBlendOptions);
    const auto base = args.value("base"), tuned = args.value("finetuned"), out = args.value("out");
    if (!base || !tuned || !out) throw UsageError("model blend needs --base A --finetuned B --alpha X --out DIR");
    const double alpha = number(args, "alpha", 0.5);
    if (alpha > 1) throw UsageError("--alpha must be between 0 and 1");
    wiseFt(*base, *tuned, alpha, *out);
    const json report = {{"out", *out}, {"alpha", alpha}, {"base", *base}, {"finetuned", *tuned}};
    std::cout << (args.has("json") ? report.dump() : report.dump(2)) << std::endl;
    return 0;
}

}  // namespace cosmoclip::cli
