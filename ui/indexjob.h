#pragma once

#include <QStringList>
#include <vector>

#include "catalog/indexer.h"
#include "job.h"
#include "loadedmodel.h"

namespace cosmoclip {

/// Adds files and folders to the catalog with the Indexer (incremental: unchanged files are skipped,
/// moved ones recognised) on a worker thread. progress() carries files done / found and the last
/// file; every batch is committed as it goes, so the browser can show images while the job runs.
/// Cancelling keeps what was committed.
class IndexJob final : public Job {
    Q_OBJECT
public:
    IndexJob(const QString& catalogPath, LoadedModelPtr model, const QStringList& roots, QObject* parent = nullptr);

    QString title() const override;
    QStringList roots() const { return m_roots; }
    void setOptions(const IndexOptions& options) { m_options = options; }

    /// Set once ended (also after cancel): what the indexer did.
    const IndexReport& report() const { return m_report; }
    /// Set once ended: the readable images that are the roots or lie below them.
    const std::vector<int64_t>& imageIds() const { return m_imageIds; }

protected:
    void work() override;

private:
    QString m_catalogPath;
    LoadedModelPtr m_model;
    QStringList m_roots;
    IndexOptions m_options;
    IndexReport m_report;
    std::vector<int64_t> m_imageIds;
};

}  // namespace cosmoclip
