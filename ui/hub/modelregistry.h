#pragma once

#include <QString>
#include <optional>
#include <vector>

#include "hub/modelmanifest.h"

namespace cosmoclip {

class HubRepoId;

/// The models pulled from the hub: folders `owner--name[@revision]` under the user's data folder
/// ($COSMOCLIP_MODELS_DIR, else the platform's generic data location + cosmoclip/models, i.e.
/// ~/.local/share/cosmoclip/models on Linux). A folder counts only with its manifest.
class ModelRegistry final {
public:
    struct Entry {
        QString path;
        ModelManifest manifest;
    };

    static QString defaultRoot();
    explicit ModelRegistry(QString root = defaultRoot());

    const QString& root() const { return m_root; }
    QString folderFor(const HubRepoId& repo, const QString& revision) const;
    /// Every registered model, by repository then revision.
    std::vector<Entry> list() const;
    /// The registered model named by SPEC ("owner/name" or "owner/name@revision"; the repository
    /// name compared without case, as the hub does), or nullopt.
    std::optional<Entry> find(const QString& spec) const;

private:
    QString m_root;
};

}  // namespace cosmoclip
