#include "cli/democommands.h"

#include <chrono>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/progressbar.h"
#include "demo/democatalogbuilder.h"

namespace cosmoclip::cli {

namespace {

using json = nlohmann::ordered_json;

const std::vector<OptionSpec> kDemoBuildOptions = {
    {"out", true}, {"stellarium", true}, {"kstars", true}, {"limit", true}, {"renders-per-body", true}, {"json", false},
};

DemoBuildOptions buildOptions(const ParsedArgs& args) {
    DemoBuildOptions options;
    const auto out = args.value("out");
    if (!out) throw UsageError("--out DIR is required");
    options.outDir = *out;
    if (const auto s = args.value("stellarium")) options.stellariumRoot = *s;
    if (const auto k = args.value("kstars")) options.kstarsRoot = *k;
    options.limit = static_cast<size_t>(args.integer("limit", 1, 1'000'000).value_or(0));
    options.rendersPerBody = static_cast<int>(args.integer("renders-per-body", 0, 64).value_or(options.rendersPerBody));
    return options;
}

json reportJson(const DemoBuildReport& r, double seconds) {
    json classes = json::object();
    for (const auto& [label, n] : r.classes) classes[label] = n;
    json sources = json::object();
    for (const auto& [source, n] : r.sources) sources[source] = n;
    return {{"catalog", r.catalogPath}, {"images", r.images},   {"classes", classes},     {"sources", sources},
            {"added", r.added},         {"updated", r.updated}, {"unchanged", r.unchanged}, {"rendered", r.rendered},
            {"roots", r.roots},         {"unmatched", r.unmatched}, {"kstars", r.kstarsFound}, {"seconds", seconds}};
}

}  // namespace

int runDemo(const std::vector<std::string>& argv) {
    if (argv.empty() || argv[0] != "build") throw UsageError("expected 'demo build'");
    const ParsedArgs args = parseArgs({argv.begin() + 1, argv.end()}, kDemoBuildOptions);
    if (!args.positionals().empty()) throw UsageError("unexpected argument '" + args.positionals().front() + "'");
    const auto start = std::chrono::steady_clock::now();
    DemoCatalogBuilder builder(buildOptions(args));
    ProgressBar bar("img");
    const DemoBuildReport r = builder.build([&](size_t done, size_t total, const std::string& path) { bar.update(done, total, path); });
    bar.finish();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (args.has("json")) {
        std::cout << reportJson(r, seconds).dump() << std::endl;
        return 0;
    }
    std::printf("%zu demo images in %s (%zu new, %zu updated, %zu renders written) in %.1f s\n", r.images,
                r.catalogPath.c_str(), r.added, r.updated, r.rendered, seconds);
    for (const auto& [label, n] : r.classes) std::printf("  %-30s %zu\n", label.c_str(), n);
    if (!r.kstarsFound) std::printf("kstars-data is not installed: no planet disks or Moon phases (apt-get install kstars-data)\n");
    std::printf("next: cosmoclip index --db %s", r.catalogPath.c_str());
    for (const auto& root : r.roots) std::printf(" %s", root.c_str());
    std::printf("\n");
    return 0;
}

}  // namespace cosmoclip::cli
