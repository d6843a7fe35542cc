#include "cli/hubcommands.h"

#include <QCoreApplication>
#include <QDir>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/progressbar.h"
#include "common/error.h"
#include "hub/hubcancelled.h"
#include "hub/hubmodelpuller.h"
#include "hub/hubrepoid.h"
#include "hub/modelregistry.h"

namespace cosmoclip::cli {

namespace {

using json = nlohmann::ordered_json;

std::string str(const QString& s) { return s.toStdString(); }

// Ctrl-C asks the pull to stop at its next check (within 100 ms); the partial file stays for the next
// pull. A second Ctrl-C ends the process at once (the default action is restored by the first).
std::atomic<bool> g_interrupted{false};

void onInterrupt(int) {
    g_interrupted = true;
    std::signal(SIGINT, SIG_DFL);
}

// The installed SIGINT handler, for the duration of a pull.
class InterruptGuard final {
public:
    InterruptGuard() : m_previous(std::signal(SIGINT, onInterrupt)) {}
    ~InterruptGuard() { std::signal(SIGINT, m_previous); }
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

private:
    void (*m_previous)(int);
};

json filesJson(const ModelManifest& m) {
    json files = json::array();
    for (const auto& f : m.files) {
        json file = {{"name", str(f.name)}, {"size", f.size}, {"sha256", str(f.sha256)}};
        if (!f.convertedFrom.isEmpty()) file["converted_from"] = str(f.convertedFrom);
        files.push_back(file);
    }
    return files;
}

json modelJson(const ModelManifest& m, const QString& path) {
    return {{"repo", str(m.repo)},         {"revision", str(m.revision)}, {"commit", str(m.commit)},
            {"path", str(QDir::toNativeSeparators(path))}, {"layout", str(m.layout)}, {"size", m.totalSize()},
            {"downloaded_at", str(m.downloadedAt.toString(Qt::ISODate))}, {"files", filesJson(m)}};
}

std::string megabytes(qint64 bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MB", double(bytes) / 1e6);
    return text;
}

const std::vector<OptionSpec> kPullOptions = {{"revision", true}, {"json", false}};
const std::vector<OptionSpec> kListOptions = {{"json", false}};

}  // namespace

int runModelPull(const std::vector<std::string>& argv) {
    const ParsedArgs args = parseArgs(argv, kPullOptions);
    if (args.positionals().size() != 1) throw UsageError("model pull needs exactly one REPO such as openai/clip-vit-base-patch32");
    const QString repo = QString::fromStdString(args.positionals().front());
    if (!HubRepoId::isValid(repo))
        throw UsageError("'" + args.positionals().front() + "' is not a hub model name (OWNER/NAME)");
    const QString revision = QString::fromStdString(args.value("revision").value_or(HubRepoId::kDefaultRevision));
    // QNetworkAccessManager needs an application object for its event loop.
    static int appArgc = 1;
    static char appName[] = "cosmoclip";
    static char* appArgv[] = {appName, nullptr};
    QCoreApplication app(appArgc, appArgv);
    const InterruptGuard guard;
    ProgressBar bar("MB");
    HubModelPuller puller(HubConfig::fromEnvironment(), ModelRegistry(), &g_interrupted);
    HubModelPuller::Result result;
    try {
        result = puller.pull(repo, revision, [&](qint64 done, qint64 total, const QString& file) {
            bar.update(size_t(done / 1000000), size_t((total + 999999) / 1000000), str(file));
        });
    } catch (const HubCancelled& e) {
        bar.finish();
        std::fprintf(stderr, "cosmoclip model pull: %s\n", e.what());
        return 1;
    }
    bar.finish();
    const ModelManifest& m = result.manifest;
    if (args.has("json")) {
        json out = {{"repo", str(m.repo)},     {"revision", str(m.revision)}, {"commit", str(m.commit)},
                    {"path", str(QDir::toNativeSeparators(result.path))}, {"layout", str(m.layout)},
                    {"up_to_date", result.upToDate}, {"transferred", result.transferred}, {"files", filesJson(m)}};
        std::cout << out.dump() << std::endl;
        return 0;
    }
    std::cout << (result.upToDate ? "Already up to date: " : "Pulled ") << str(m.repo) << "@" << str(m.revision) << " (commit "
              << str(m.commit.left(12)) << ", " << str(m.layout) << " layout, " << megabytes(m.totalSize()) << ")\n  into "
              << str(QDir::toNativeSeparators(result.path)) << "\nUse it with --model " << str(m.repo)
              << (m.revision == QLatin1String(HubRepoId::kDefaultRevision) ? "" : "@" + str(m.revision)) << std::endl;
    return 0;
}

int runModelList(const std::vector<std::string>& argv) {
    const ParsedArgs args = parseArgs(argv, kListOptions);
    if (!args.positionals().empty()) throw UsageError("unexpected argument '" + args.positionals().front() + "'");
    const ModelRegistry registry;
    const auto models = registry.list();
    if (args.has("json")) {
        json list = json::array();
        for (const auto& e : models) list.push_back(modelJson(e.manifest, e.path));
        std::cout << json{{"models_dir", str(QDir::toNativeSeparators(registry.root()))}, {"models", list}}.dump() << std::endl;
        return 0;
    }
    if (models.empty()) {
        std::cout << "No models pulled yet into " << str(QDir::toNativeSeparators(registry.root()))
                  << " (cosmoclip model pull openai/clip-vit-base-patch32)" << std::endl;
        return 0;
    }
    for (const auto& e : models) {
        const ModelManifest& m = e.manifest;
        std::printf("%-50s %-10s %.12s  %10s  %s\n", str(m.repo).c_str(), str(m.revision).c_str(), str(m.commit).c_str(),
                    megabytes(m.totalSize()).c_str(), str(QDir::toNativeSeparators(e.path)).c_str());
    }
    return 0;
}

std::string resolveModelArgument(const std::string& value) {
    std::error_code ec;
    if (std::filesystem::exists(value, ec)) return value;
    const QString spec = QString::fromStdString(value);
    if (!HubRepoId::isValid(spec.section(QLatin1Char('@'), 0, 0))) return value;  // the loader says what is wrong
    const ModelRegistry registry;
    if (const auto entry = registry.find(spec)) return str(entry->path);
    throw Error(value, "no such file or folder, and no model of that name is registered in " +
                           str(QDir::toNativeSeparators(registry.root())) + " (download it with: cosmoclip model pull " +
                           str(spec.section(QLatin1Char('@'), 0, 0)) +
                           (spec.contains(QLatin1Char('@')) ? " --revision " + str(spec.section(QLatin1Char('@'), 1)) : "") + ")");
}

}  // namespace cosmoclip::cli
