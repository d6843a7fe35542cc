#include "thumbnailcache.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QSaveFile>
#include <QtConcurrent/QtConcurrentRun>

#include "common/error.h"
#include "image/imageloader.h"
#include "image/renderer.h"
#include "image/stretch.h"
#include "qimageconvert.h"

namespace cosmoclip {

namespace {

QImage loadOrMake(const QString& key, const QString& imagePath, const QString& diskFolder) {
    const QString diskFile = diskFolder.isEmpty() ? QString() : diskFolder + QLatin1Char('/') + key + QStringLiteral(".png");
    if (!diskFile.isEmpty()) {
        QImage cached(diskFile);
        if (!cached.isNull()) return cached;
    }
    QImage image = ThumbnailCache::render(imagePath);
    if (!diskFile.isEmpty() && QDir().mkpath(diskFolder)) {
        // QSaveFile writes beside and renames: a reader never sees half a PNG, and two processes
        // making the same thumbnail both end with a whole one.
        QSaveFile file(diskFile);
        if (file.open(QIODevice::WriteOnly) && image.save(&file, "PNG")) file.commit();
    }
    return image;
}

}  // namespace

ThumbnailCache::ThumbnailCache(QObject* parent) : QObject(parent), m_memory(kMemoryBytes / 1024) {
    m_pool.setMaxThreadCount(2);
}

ThumbnailCache::~ThumbnailCache() {
    m_queue.clear();
    m_pool.clear();
    m_pool.waitForDone();  // the tasks hold no pointer to this; their watchers die with it
}

QString ThumbnailCache::diskFolderFor(const QString& catalogPath) {
    return catalogPath.isEmpty() ? QString() : QFileInfo(catalogPath).absoluteFilePath() + QStringLiteral(".thumbs");
}

void ThumbnailCache::setDiskFolder(const QString& folder) {
    m_disk = folder;
}

QImage ThumbnailCache::render(const QString& imagePath, int side) {
    const LoadedImage loaded = loadImage(QFile::encodeName(imagePath).toStdString());
    RenderOptions options;
    options.stretch.kind = defaultStretch(loaded.image);
    const QImage picture = toQImage(fitWithin(renderImage(loaded.image, options), side));
    if (picture.isNull()) throw Error(imagePath.toStdString(), "the renderer returned an empty picture");
    return picture;
}

QImage ThumbnailCache::thumbnail(const QString& key, const QString& imagePath) {
    if (const QImage* image = m_memory.object(key)) return *image;
    if (m_failed.contains(key) || key.isEmpty()) return {};
    if (m_known.contains(key)) {
        // Asked again: it is on screen now, so it moves to the front of the queue.
        for (auto it = m_queue.begin(); it != m_queue.end(); ++it) {
            if (it->key == key) {
                Request r = *it;
                m_queue.erase(it);
                m_queue.push_back(r);
                break;
            }
        }
        return {};
    }
    m_known.insert(key);
    m_queue.push_back({key, imagePath});
    while (int(m_queue.size()) > kMaxQueued) {
        m_known.remove(m_queue.front().key);  // scrolled past long ago; asked again if seen again
        m_queue.pop_front();
    }
    startNext();
    return {};
}

void ThumbnailCache::clear() {
    m_memory.clear();
    m_failed.clear();
    for (const Request& r : m_queue) m_known.remove(r.key);
    m_queue.clear();
}

void ThumbnailCache::startNext() {
    while (m_running < m_pool.maxThreadCount() && !m_queue.empty()) {
        const Request request = m_queue.back();  // newest first
        m_queue.pop_back();
        ++m_running;
        ++m_requests;
        auto* watcher = new QFutureWatcher<Result>(this);
        connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher] {
            watcher->deleteLater();
            onDone(watcher->result());
        });
        const QString disk = m_disk;
        watcher->setFuture(QtConcurrent::run(&m_pool, [request, disk] {
            Result result{request.key, {}};
            try {
                result.image = loadOrMake(request.key, request.path, disk);
            } catch (...) {
                // An unreadable file gets the placeholder; the catalog already recorded why.
            }
            return result;
        }));
    }
}

void ThumbnailCache::onDone(const Result& result) {
    --m_running;
    m_known.remove(result.key);
    if (result.image.isNull()) {
        m_failed.insert(result.key);
    } else {
        const qsizetype kb = std::max<qsizetype>(1, result.image.sizeInBytes() / 1024);
        m_memory.insert(result.key, new QImage(result.image), kb);
    }
    emit thumbnailReady(result.key);
    startNext();
    if (pendingCount() == 0) emit idle();
}

}  // namespace cosmoclip
