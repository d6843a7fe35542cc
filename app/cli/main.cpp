// cosmoclip: the command line. Contract: shared/docs/cli.md. Exit codes: 0 success, 1 bad input or
// failed work (one line on stderr), 2 usage error. No exception leaves main.
#include <cstdio>
#include <exception>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/catalogcommands.h"
#include "cli/democommands.h"
#include "cli/imagecommands.h"
#include "cli/modelcommands.h"
#include "cli/tokenizercommands.h"
#include "cli/trainingcommands.h"
#include "common/error.h"
#include "common/version.h"
#include "runtimetuning.h"

namespace {

using Command = std::function<int(const std::vector<std::string>&)>;

struct CommandEntry {
    Command run;
    const char* usage;
};

const std::map<std::string, CommandEntry>& commands() {
    using namespace cosmoclip::cli;
    static const std::map<std::string, CommandEntry> table = {
        {"info", {runInfo, "info FILE [--hdu N|NAME] [--json]"}},
        {"render",
         {runRender,
          "render FILE -o OUT.png [--hdu N|NAME] [--plane K] "
          "[--stretch auto|linear|percentile|zscale|asinh|log|sqrt|histeq|none] [--max-size N]"}},
        {"preprocess", {runPreprocess, "preprocess FILE --size R -o OUT.f32 [--hdu N|NAME] [--stretch S]"}},
        {"tokenize", {runTokenize, "tokenize (--model PATH | --tokenizer DIR) TEXT... [--json]"}},
        {"embed",
         {runEmbed,
          "embed [--model PATH] [--tokenizer DIR] [--image FILE]... [--text STRING]... [--raw] [--threads N] [--precision fp32|bf16|int8] [--json]"}},
        {"model", {runModel, "model init --config CONFIG.json|ViT-B/32|ViT-B/16|ViT-L/14 --tokenizer DIR --out DIR [--seed N]\n"
                             "  cosmoclip model blend --base A --finetuned B --alpha 0.5 --out DIR   (WiSE-FT)\n"
                             "  cosmoclip model pull REPO [--revision R] [--json]   (Hugging Face hub: HF_ENDPOINT, HF_TOKEN)\n"
                             "  cosmoclip model list [--json]"}},
        {"index", {runIndex, "index --db CATALOG.sqlite [--model PATH] PATH... [--hdu N|NAME] [--stretch S] [--threads N]\n"
                             "      [--shard I/N --shard-out SHARD.sqlite] [--json]"}},
        {"merge", {runMerge, "merge --db CATALOG.sqlite SHARD.sqlite... [--json]"}},
        {"annotate", {runAnnotate, "annotate --db CATALOG.sqlite --csv FILE [--json]   (CSV header: path,label,caption)"}},
        {"classify",
         {runClassify,
          "classify [--db CATALOG.sqlite] [--model PATH] (--labels \"a,b,c\" | --preset spacenet|galaxy-morphology|deep-sky) "
          "[--template T]... [--templates-file F] [--template-set astronomy|openai-imagenet|simple-imagenet] [FILE]... [--top K] [--json]"}},
        {"search",
         {runSearch,
          "search --db CATALOG.sqlite [--model PATH] (--text \"a + 2:b - c\" | --image FILE) [-k 10] [--folder DIR]... "
          "[--label L]... [--where KEY=VALUE]... [--distinct] [--captions] [--index exact|approximate|auto] [--json]"}},
        {"demo", {runDemo, "demo build --out DIR [--stellarium DIR] [--kstars DIR] [--limit N] [--renders-per-body N] [--json]"}},
        {"tokenizer",
         {runTokenizer, "tokenizer train (--db CATALOG.sqlite | --text-file FILE)... [--vocab-size 4096] --out DIR [--json]"}},
        {"finetune",
         {runFinetune,
          "finetune --db CATALOG.sqlite --base PATH --out DIR [--epochs N] [--batch-size B] [--lr X] "
          "[--split 0.7,0.15,0.15] [--seed N] [--device cpu|cuda|cuda:N|auto] [--freeze full|text|last:N] "
          "[--caption-style photo|label-caption] [--resume] [--nproc N] [--dist-timeout SECONDS] [--json]"}},
        {"eval",
         {runEval,
          "eval --db CATALOG.sqlite [--model PATH]... [--split test|val|train|all] [--labels \"a,b\"] "
          "[--fractions 0.7,0.15,0.15] [--template T]... [--json]"}},
        {"bench", {runBench, "bench embed|text|index --arch ViT-B/32 [--batch 32] [--seconds 20] [--images 64] [--threads N] [--precision fp32|bf16|int8] [--unfused] [--peer] [--json]"}},
    };
    return table;
}

void printUsage(std::FILE* to) {
    std::fprintf(to, "CosmoCLIP %s: search and label sky images with words.\n\nUsage:\n", cosmoclip::kVersion);
    for (const auto& [name, entry] : commands()) std::fprintf(to, "  cosmoclip %s\n", entry.usage);
    std::fprintf(to, "  cosmoclip --version\n\nWith --json, one JSON document is printed on stdout.\n");
}

int dispatch(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        printUsage(args.empty() ? stderr : stdout);
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version") {
        std::printf("cosmoclip %s\n", cosmoclip::kVersion);
        return 0;
    }
    const auto it = commands().find(args[0]);
    if (it == commands().end()) throw cosmoclip::cli::UsageError("unknown command '" + args[0] + "'");
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    try {
        return it->second.run(rest);
    } catch (const cosmoclip::cli::UsageError& e) {
        std::fprintf(stderr, "cosmoclip %s: %s\nusage: cosmoclip %s\n", args[0].c_str(), e.what(), it->second.usage);
        return 2;
    }
}

}  // namespace

namespace {
/// Commands whose time goes into the model; the others would only pay the re-exec's startup.
bool runsTheModel(int argc, char** argv) {
    if (argc < 2) return false;
    const std::string command = argv[1];
    return command == "index" || command == "classify" || command == "search" || command == "embed" ||
           command == "finetune" || command == "eval" || command == "bench";
}
}  // namespace

int main(int argc, char** argv) {
    if (runsTheModel(argc, argv)) cosmoclip::app::tuneRuntimeEnvironment(argv);
    try {
        return dispatch(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const cosmoclip::cli::UsageError& e) {
        std::fprintf(stderr, "cosmoclip: %s\n", e.what());
        printUsage(stderr);
        return 2;
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "cosmoclip: out of memory\n");
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cosmoclip: %s\n", e.what());
        return 1;
    } catch (...) {
        std::fprintf(stderr, "cosmoclip: unexpected error\n");
        return 1;
    }
}
