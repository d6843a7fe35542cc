#include "hubpulljob.h"

#include "hub/hubcancelled.h"
#include "hub/hubmodelpuller.h"

namespace cosmoclip {

HubPullJob::HubPullJob(const QString& repo, const QString& revision, QObject* parent)
    : Job(parent), m_repo(repo), m_revision(revision) {}

QString HubPullJob::title() const {
    return tr("Downloading %1 from Hugging Face").arg(m_repo);
}

void HubPullJob::work() {
    // The network objects are made here, on the job's thread, and live only as long as the pull.
    HubModelPuller puller(HubConfig::fromEnvironment(), ModelRegistry(), &cancelFlag());
    try {
        const auto result = puller.pull(m_repo, m_revision, [this](qint64 done, qint64 total, const QString& file) {
            reportProgress(done, total, file);
        });
        m_path = result.path;
        m_manifest = result.manifest;
        m_upToDate = result.upToDate;
    } catch (const HubCancelled&) {
        // The cancel flag is set: the job ends as cancelled, not failed.
    }
}

}  // namespace cosmoclip
