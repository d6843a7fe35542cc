#include "hub/hubmodelpuller.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUrl>
#include <map>

#include "common/error.h"
#include "common/sha256.h"
#include "hub/hubcancelled.h"
#include "hub/hubdownloader.h"
#include "hub/hubfileplan.h"
#include "hub/hubhttp.h"
#include "hub/hubhttperror.h"
#include "hub/hubmodelinfo.h"
#include "hub/hubrepoid.h"
#include "model/clipmodelloader.h"
#include "model/torchpicklereader.h"
#include "tokenizer/bpetokenizer.h"

namespace cosmoclip {

namespace {

std::string str(const QString& s) { return s.toStdString(); }

QString encoded(const QString& text) { return QString::fromLatin1(QUrl::toPercentEncoding(text)); }

/// Everything one pull needs to put an HTTP failure in words.
struct PullContext {
    const HubConfig& config;
    QString repo;      // owner/name
    QString revision;
    QString commit;    // known after the metadata
};

// An HTTP failure in words: what was being fetched, the status or network error, and what to do.
[[noreturn]] void explain(const HubHttpError& e, const PullContext& c, const QString& file) {
    const std::string subject = file.isEmpty() ? str(c.repo) + "@" + str(c.revision) : str(c.repo) + ": " + str(file);
    const std::string endpoint = str(c.config.endpointText());
    const std::string url = str(e.url.toDisplayString(QUrl::RemoveQuery));
    const std::string server = e.serverMessage.isEmpty() ? "" : " (" + str(e.serverMessage) + ")";
    const bool onHub = c.config.isHubOrigin(e.url);
    if (e.status == 0 && !e.connected) {
        if (onHub)
            throw Error(subject, "cannot reach the hub at " + endpoint + " (" + str(e.networkError) +
                                     "): check the network connection (HF_ENDPOINT selects a mirror)");
        throw Error(subject, "cannot reach the download host " + str(e.url.host()) + " (" + str(e.networkError) +
                                 "); the partial download is kept and the next pull resumes it");
    }
    if (e.status == 0)
        throw Error(subject, "the transfer from " + str(e.url.host()) + " failed (" + str(e.networkError) +
                                 "); the partial download is kept: run the pull again to resume it");
    const std::string status = "HTTP " + std::to_string(e.status);
    if (e.hubErrorCode == "GatedRepo")
        throw Error(subject, "this model is gated (" + status + "): accept its conditions on the hub, then set HF_TOKEN "
                             "to an access token of that account" + server);
    if (e.hubErrorCode == "RepoNotFound")
        throw Error(subject, "repository '" + str(c.repo) + "' not found on " + endpoint + " (" + status +
                                 "; if it is private, set HF_TOKEN)" + server);
    if (e.hubErrorCode == "RevisionNotFound")
        throw Error(subject, "revision '" + str(c.revision) + "' not found in '" + str(c.repo) + "' (" + status + ")" + server);
    if (e.status == 401 || e.status == 403)
        throw Error(subject, "access denied (" + status + "): the repository is gated or private; " +
                                 (c.config.token.isEmpty() ? "set HF_TOKEN to an access token that may read it"
                                                           : "the token in HF_TOKEN was refused") + server);
    if (e.status == 404) {
        if (file.isEmpty())
            throw Error(subject, "repository '" + str(c.repo) + "' or revision '" + str(c.revision) + "' not found on " +
                                     endpoint + " (" + status + ")" + server);
        throw Error(subject, "file '" + str(file) + "' not found at commit " + str(c.commit) + " (" + status + ", " + url + ")");
    }
    if (e.status >= 500)
        throw Error(subject, "server error " + status + " from " + url + server + "; try again later");
    throw Error(subject, "unexpected " + status + " from " + url + server);
}

void checkCancel(const std::atomic<bool>* cancel) {
    if (cancel && cancel->load()) throw HubCancelled();
}

bool filesPresent(const ModelManifest& manifest, const QString& folder) {
    for (const auto& f : manifest.files)
        if (QFileInfo(QDir(folder).filePath(f.name)).size() != f.size) return false;
    return true;
}

const HubFileInfo& listed(const HubModelInfo& info, const QString& name) {
    const HubFileInfo* f = info.file(name);
    if (!f) throw Error(str(info.repo) + ": " + str(name), "not in the repository's file list at commit " + str(info.commit));
    return *f;
}

// Converts the downloaded pickle ENTRY (verified) into CONVERTED_NAME beside it, deletes the pickle and
// makes ENTRY describe the safetensors file, remembering where it came from.
void convertPickle(const QString& repo, const QString& folder, const QString& convertedName, ModelManifest::File& entry) {
    const QString pickle = QDir(folder).filePath(entry.name), converted = QDir(folder).filePath(convertedName);
    try {
        convertTorchPickleToSafetensors(str(pickle), str(converted));
    } catch (const std::exception& e) {
        throw Error(str(repo) + ": " + str(entry.name), std::string("cannot convert to safetensors: ") + e.what());
    }
    entry.convertedFrom = entry.name;
    entry.sourceSha256 = entry.sha256;
    entry.name = convertedName;
    entry.size = QFileInfo(converted).size();
    entry.sha256 = QString::fromStdString(Sha256::fileHex(str(converted)));
    QFile::remove(pickle);  // never kept as the model
}

// The folder must be usable as CosmoCLIP uses models before it is registered.
void checkLoads(const QString& folder) {
    try {
        ClipModelLoader::load(str(folder));
        BpeTokenizer::fromDirectory(str(folder));
    } catch (const std::exception& e) {
        throw Error(str(folder), std::string("downloaded and verified, but CosmoCLIP cannot use this model, so it is "
                                             "not registered: ") + e.what());
    }
}

}  // namespace

HubModelPuller::HubModelPuller(HubConfig config, ModelRegistry registry, const std::atomic<bool>* cancel)
    : m_config(std::move(config)), m_registry(std::move(registry)), m_cancel(cancel) {}

HubModelPuller::Result HubModelPuller::pull(const QString& repoText, const QString& revisionText, const Progress& progress) {
    const HubRepoId repo = HubRepoId::parse(repoText);
    const QString revision = revisionText.isEmpty() ? QString::fromLatin1(HubRepoId::kDefaultRevision) : revisionText;
    const auto report = [&](qint64 done, qint64 total, const QString& file) {
        if (progress) progress(done, total, file);
    };
    if (m_config.offline)
        throw Error(str(repo.id()), "HF_HUB_OFFLINE is set: not contacting the hub at " + str(m_config.endpointText()));
    PullContext context{m_config, repo.id(), revision, {}};
    HubHttp http(m_config, m_cancel);

    // 1. The revision's commit and files.
    QByteArray metadata;
    try {
        metadata = http.get(m_config.url(QStringLiteral("api/models/") + repo.encodedPath() + QStringLiteral("/revision/") +
                                         encoded(revision) + QStringLiteral("?blobs=true")));
    } catch (const HubHttpError& e) {
        explain(e, context, {});
    }
    const HubModelInfo info = HubModelInfo::fromJson(metadata, repo.id(), revision);
    context.commit = info.commit;
    const HubFilePlan plan = HubFilePlan::choose(info);

    // 2. Already registered at this commit: nothing to fetch. Otherwise unregister while files change.
    const QString folder = m_registry.folderFor(repo, revision);
    if (!QDir().mkpath(folder)) throw Error(str(folder), "cannot create the folder");
    if (auto existing = ModelManifest::read(folder)) {
        if (existing->commit == info.commit && filesPresent(*existing, folder)) return {*existing, folder, true, 0};
        QFile::remove(QDir(folder).filePath(QLatin1String(ModelManifest::kFileName)));
    }

    // 3. Fetch and verify each file; shards once the index says which.
    Result result;
    result.path = folder;
    QStringList names = plan.files;
    qint64 total = 0, done = 0;
    for (const QString& name : names) total += listed(info, name).size;
    HubDownloader downloader(http);
    std::map<QString, QString> sha256;
    for (int i = 0; i < names.size(); ++i) {
        checkCancel(m_cancel);
        const QString name = names[i];
        const HubFileInfo& file = listed(info, name);
        const QUrl url = m_config.url(repo.encodedPath() + QStringLiteral("/resolve/") + info.commit + QLatin1Char('/') + encoded(name));
        try {
            sha256[name] = downloader.fetch(file, url, folder, [&](qint64 fileDone) { report(done + fileDone, total, name); });
        } catch (const HubHttpError& e) {
            explain(e, context, name);
        }
        done += file.size;
        result.transferred += downloader.lastTransferred();
        if (name == plan.weights && plan.isSharded()) {
            QFile index(QDir(folder).filePath(name));
            if (!index.open(QIODevice::ReadOnly)) throw Error(str(index.fileName()), "cannot read");
            for (const QString& shard : HubFilePlan::shardsFromIndex(index.readAll(), index.fileName())) {
                names << shard;
                total += listed(info, shard).size;
            }
        }
    }

    // 4. The manifest's file list; a pickle becomes safetensors and is deleted.
    ModelManifest& manifest = result.manifest;
    for (const QString& name : names) manifest.files.push_back({name, listed(info, name).size, sha256[name], {}, {}});
    if (!plan.convertedName.isEmpty()) {
        checkCancel(m_cancel);
        report(done, total, plan.weights + QStringLiteral(" \u2192 ") + plan.convertedName);
        convertPickle(repo.id(), folder, plan.convertedName, manifest.files.back());
    }

    // 5. Usable, then registered.
    checkLoads(folder);
    manifest.repo = repo.id();
    manifest.revision = revision;
    manifest.commit = info.commit;
    manifest.endpoint = m_config.endpointText();
    manifest.layout = plan.layoutName();
    manifest.downloadedAt = QDateTime::currentDateTimeUtc();
    manifest.write(folder);
    report(total, total, {});
    return result;
}

}  // namespace cosmoclip
