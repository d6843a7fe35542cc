#pragma once

#include "hub/modelmanifest.h"
#include "job.h"

namespace cosmoclip {

/// `cosmoclip model pull` on a worker thread: downloads a CLIP from the Hugging Face hub into the
/// user's data folder and registers it there (HubModelPuller; HF_ENDPOINT and HF_TOKEN apply).
/// Progress is in bytes over all files with the current file's name; cancel stops within 100 ms
/// and keeps the partial files, so the next download of the same model resumes them.
class HubPullJob final : public Job {
    Q_OBJECT
public:
    HubPullJob(const QString& repo, const QString& revision, QObject* parent = nullptr);

    QString title() const override;
    QString repo() const { return m_repo; }
    /// Set once finished: the registered model's folder and manifest.
    QString modelPath() const { return m_path; }
    const ModelManifest& manifest() const { return m_manifest; }
    bool wasUpToDate() const { return m_upToDate; }

protected:
    void work() override;

private:
    QString m_repo;
    QString m_revision;
    QString m_path;
    ModelManifest m_manifest;
    bool m_upToDate = false;
};

}  // namespace cosmoclip
