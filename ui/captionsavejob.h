#pragma once

#include <cstdint>

#include "job.h"

namespace cosmoclip {

/// Stores the user's caption of one image ("user" source; an empty text removes it) on a worker
/// thread, so that a catalog busy with an indexing batch never stalls the window.
class CaptionSaveJob final : public Job {
    Q_OBJECT
public:
    CaptionSaveJob(const QString& catalogPath, int64_t imageId, const QString& text, QObject* parent = nullptr);

    QString title() const override;
    int64_t imageId() const { return m_imageId; }

protected:
    void work() override;

private:
    QString m_catalogPath;
    int64_t m_imageId;
    QString m_text;
};

}  // namespace cosmoclip
