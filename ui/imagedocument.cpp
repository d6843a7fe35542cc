#include "imagedocument.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace cosmoclip {

ImageDocument::ImageDocument(QObject* parent) : QObject(parent) {}

// Jobs still running hold their own copies of everything they use (no `this`); their watchers are
// children of this object and die with it, so late results simply go nowhere.
ImageDocument::~ImageDocument() = default;

void ImageDocument::open(const QString& path, const QString& hdu, std::optional<StretchParams> stretch,
                         int plane) {
    const quint64 generation = ++m_loadGeneration;
    LoadRequest request{path, hdu, stretch, plane};
    auto* watcher = new QFutureWatcher<LoadResult>(this);
    connect(watcher, &QFutureWatcher<LoadResult>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const bool wasBusy = isBusy();
        --m_loadsRunning;
        notifyBusy(wasBusy);
        onLoadFinished(watcher->result());
    });
    const bool wasBusy = isBusy();
    ++m_loadsRunning;
    notifyBusy(wasBusy);
    emit loadStarted(path);
    watcher->setFuture(
        QtConcurrent::run([generation, request] { return loadAndRender(generation, request); }));
}

void ImageDocument::setRenderOptions(const RenderOptions& options) {
    if (!m_image) return;
    if (m_renderRunning) {
        // Only the newest waiting request matters; the running one still lands, which keeps a
        // dragged slider showing intermediate planes.
        m_pendingRender = options;
        return;
    }
    startRender(options);
}

void ImageDocument::startRender(const RenderOptions& options) {
    const quint64 generation = ++m_renderGeneration;
    auto* watcher = new QFutureWatcher<RenderResult>(this);
    connect(watcher, &QFutureWatcher<RenderResult>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const bool wasBusy = isBusy();
        m_renderRunning = false;
        onRenderFinished(watcher->result());
        if (m_pendingRender) {
            const RenderOptions next = *m_pendingRender;
            m_pendingRender.reset();
            if (m_image) startRender(next);
        }
        notifyBusy(wasBusy);
    });
    const bool wasBusy = isBusy();
    m_renderRunning = true;
    notifyBusy(wasBusy);
    std::shared_ptr<const LoadedImage> image = m_image;
    watcher->setFuture(
        QtConcurrent::run([generation, image, options] { return renderLoaded(generation, image, options); }));
}

void ImageDocument::onLoadFinished(const LoadResult& result) {
    if (result.generation != m_loadGeneration) return;  // a newer open() superseded this one
    if (!result.error.isEmpty() || !result.image) {
        emit loadFailed(result.path, result.error.isEmpty() ? tr("could not be loaded") : result.error);
        return;
    }
    m_image = result.image;
    m_path = result.path;
    m_options = result.options;
    ++m_renderGeneration;  // renders of the previous image must not land on top of this one
    m_pendingRender.reset();
    emit loaded(result.loadMs);
    emit rendered(result.picture, result.renderMs);
}

void ImageDocument::onRenderFinished(const RenderResult& result) {
    if (result.generation != m_renderGeneration || result.image != m_image) return;
    if (!result.error.isEmpty()) {
        emit renderFailed(result.error);
        return;
    }
    m_options = result.options;
    emit rendered(result.picture, result.renderMs);
}

void ImageDocument::notifyBusy(bool wasBusy) {
    if (wasBusy != isBusy()) emit busyChanged(isBusy());
}

}  // namespace cosmoclip
