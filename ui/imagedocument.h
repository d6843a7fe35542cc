#pragma once

#include <QImage>
#include <QObject>
#include <QString>
#include <memory>
#include <optional>

#include "imagejobs.h"

namespace cosmoclip {

/// The open image and the jobs that load and render it on the thread pool (QtConcurrent). Results
/// carry a generation number; anything older than the latest request is dropped. A failed load keeps
/// the last good image. Renders are coalesced: while one runs, only the newest request waits.
class ImageDocument final : public QObject {
    Q_OBJECT
public:
    explicit ImageDocument(QObject* parent = nullptr);
    ~ImageDocument() override;

    /// Starts loading `path` (HDU `hdu`, "" = the loader's choice). `stretch`: keep this stretch
    /// (nullopt = the image's defaultStretch()); `plane` as RenderOptions::plane.
    void open(const QString& path, const QString& hdu = {}, std::optional<StretchParams> stretch = {},
              int plane = -1);
    /// Re-renders the current image with new options (no-op without an image).
    void setRenderOptions(const RenderOptions& options);

    std::shared_ptr<const LoadedImage> image() const { return m_image; }
    const RenderOptions& renderOptions() const { return m_options; }
    QString path() const { return m_path; }
    bool isBusy() const { return m_loadsRunning + (m_renderRunning ? 1 : 0) > 0; }

signals:
    void loadStarted(const QString& path);
    /// A new image replaced the old one; renderOptions() are those of the picture that follows.
    void loaded(qint64 loadMs);
    /// A picture of the current image; renderMs covers rendering and the pyramid.
    void rendered(const cosmoclip::PicturePyramid& picture, qint64 renderMs);
    /// Loading `path` failed; the previous image (if any) stays.
    void loadFailed(const QString& path, const QString& message);
    /// Rendering the current image failed; the previous picture stays.
    void renderFailed(const QString& message);
    void busyChanged(bool busy);

private:
    void onLoadFinished(const LoadResult& result);
    void onRenderFinished(const RenderResult& result);
    void startRender(const RenderOptions& options);
    void notifyBusy(bool wasBusy);

    std::shared_ptr<const LoadedImage> m_image;
    QString m_path;
    RenderOptions m_options;
    quint64 m_loadGeneration = 0;
    quint64 m_renderGeneration = 0;
    int m_loadsRunning = 0;
    bool m_renderRunning = false;
    std::optional<RenderOptions> m_pendingRender;
};

}  // namespace cosmoclip
