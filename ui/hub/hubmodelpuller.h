#pragma once

#include <QString>
#include <atomic>
#include <functional>

#include "hub/hubconfig.h"
#include "hub/modelmanifest.h"
#include "hub/modelregistry.h"

namespace cosmoclip {

/// `cosmoclip model pull`: fetches a CLIP from the hub into the data folder and registers it.
/// The revision's metadata fixes the commit; HubFilePlan picks the files; HubDownloader fetches and
/// verifies each (resuming FILE.incomplete); a PyTorch pickle is converted once to safetensors and
/// deleted; the folder must then load with ClipModelLoader and BpeTokenizer; only then is the
/// manifest written (atomically, last), which registers the model. Pulling a registered model whose
/// commit has not changed only checks that its files are there.
class HubModelPuller final {
public:
    /// Bytes done and expected over the whole pull, and what is being worked on.
    using Progress = std::function<void(qint64 done, qint64 total, const QString& file)>;

    struct Result {
        ModelManifest manifest;
        QString path;
        bool upToDate = false;    ///< already registered at this commit: nothing was fetched
        qint64 transferred = 0;   ///< bytes that came over the network
    };

    HubModelPuller(HubConfig config, ModelRegistry registry, const std::atomic<bool>* cancel = nullptr);

    /// Throws cosmoclip::Error with a message naming the repository, file, HTTP status or endpoint;
    /// HubCancelled when cancelled. REVISION empty means main.
    Result pull(const QString& repo, const QString& revision = {}, const Progress& progress = {});

private:
    HubConfig m_config;
    ModelRegistry m_registry;
    const std::atomic<bool>* m_cancel;
};

}  // namespace cosmoclip
