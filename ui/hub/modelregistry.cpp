#include "hub/modelregistry.h"

#include <QDir>
#include <QStandardPaths>
#include <algorithm>

#include "common/error.h"
#include "hub/hubrepoid.h"

namespace cosmoclip {

QString ModelRegistry::defaultRoot() {
    const QString env = qEnvironmentVariable("COSMOCLIP_MODELS_DIR");
    if (!env.isEmpty()) return QDir::cleanPath(env);
    const QString data = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return QDir::cleanPath(data + QStringLiteral("/cosmoclip/models"));
}

ModelRegistry::ModelRegistry(QString root) : m_root(std::move(root)) {}

QString ModelRegistry::folderFor(const HubRepoId& repo, const QString& revision) const {
    return QDir(m_root).filePath(repo.folderName(revision));
}

std::vector<ModelRegistry::Entry> ModelRegistry::list() const {
    std::vector<Entry> entries;
    const QDir dir(m_root);
    for (const QString& name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QString path = dir.filePath(name);
        if (auto manifest = ModelManifest::read(path)) entries.push_back({path, std::move(*manifest)});
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        const int c = a.manifest.repo.compare(b.manifest.repo, Qt::CaseInsensitive);
        return c != 0 ? c < 0 : a.manifest.revision < b.manifest.revision;
    });
    return entries;
}

std::optional<ModelRegistry::Entry> ModelRegistry::find(const QString& spec) const {
    QString revision;
    HubRepoId repo;
    try {
        repo = HubRepoId::parseSpec(spec, revision);
    } catch (const Error&) {
        return std::nullopt;
    }
    const QString path = folderFor(repo, revision);
    if (auto manifest = ModelManifest::read(path)) return Entry{path, std::move(*manifest)};
    for (Entry& e : list())
        if (e.manifest.repo.compare(repo.id(), Qt::CaseInsensitive) == 0 && e.manifest.revision == revision) return e;
    return std::nullopt;
}

}  // namespace cosmoclip
