#pragma once

#include <memory>
#include <string>

#include "catalogsnapshot.h"
#include "job.h"

namespace cosmoclip {

/// Opens a catalog (creating it when `create`, migrating older schemas) and reads its snapshot on a
/// worker thread. The window runs one when a catalog opens and again whenever a job changed it.
class CatalogLoadJob final : public Job {
    Q_OBJECT
public:
    CatalogLoadJob(const QString& catalogPath, bool create, QObject* parent = nullptr);

    QString title() const override;
    QString catalogPath() const { return m_path; }
    /// Set once finished.
    std::shared_ptr<const CatalogSnapshot> snapshot() const { return m_snapshot; }
    /// How long the read took, for spacing the next one.
    qint64 elapsedMs() const { return m_elapsedMs; }

protected:
    void work() override;

private:
    QString m_path;
    bool m_create;
    std::shared_ptr<const CatalogSnapshot> m_snapshot;
    qint64 m_elapsedMs = 0;
};

}  // namespace cosmoclip
