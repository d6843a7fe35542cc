#pragma once

#include <QCache>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QString>
#include <QThreadPool>
#include <deque>

namespace cosmoclip {

/// Thumbnails of catalog images, made on demand: a view asks for the few items it paints, a miss is
/// queued (newest first, so the rows on screen after fast scrolling come before the rows scrolled
/// past) and rendered on a private two-thread pool with the viewer's default stretch, then kept in a
/// memory LRU and as a PNG in the disk folder (`CATALOG.thumbs/<sha256>.png`), named by the file's
/// content hash so that moved files keep theirs and another run or process reuses them. Nothing is
/// loaded up front, so a catalog of 100k images costs only what is looked at.
class ThumbnailCache final : public QObject {
    Q_OBJECT
public:
    static constexpr int kSide = 256;           ///< longest side of a stored thumbnail, pixels
    static constexpr int kMaxQueued = 400;      ///< older requests beyond this are dropped
    static constexpr int kMemoryBytes = 192 << 20;

    explicit ThumbnailCache(QObject* parent = nullptr);
    ~ThumbnailCache() override;

    /// The disk cache folder of a catalog file: CATALOG.thumbs beside it.
    static QString diskFolderFor(const QString& catalogPath);
    /// "" keeps thumbnails in memory only.
    void setDiskFolder(const QString& folder);
    QString diskFolder() const { return m_disk; }

    /// The thumbnail of `key` (the content hash) when in memory; otherwise starts making it from
    /// `imagePath` and returns a null image; thumbnailReady(key) follows.
    QImage thumbnail(const QString& key, const QString& imagePath);
    /// Whether `key` could not be made (unreadable file); not retried until clear().
    bool hasFailed(const QString& key) const { return m_failed.contains(key); }
    /// Forgets memory, failures and the queue (another catalog).
    void clear();

    /// Thumbnails started so far (each key once): how much work the views caused.
    int requestCount() const { return m_requests; }
    /// Queued plus being made.
    int pendingCount() const { return int(m_queue.size()) + m_running; }

    /// Loads, renders with the default stretch and shrinks one image (any thread). Throws on error.
    static QImage render(const QString& imagePath, int side = kSide);

signals:
    void thumbnailReady(const QString& key);
    /// Every queued thumbnail is done.
    void idle();

private:
    struct Request {
        QString key;
        QString path;
    };
    struct Result {
        QString key;
        QImage image;
    };
    void startNext();
    void onDone(const Result& result);

    QCache<QString, QImage> m_memory;
    QSet<QString> m_failed;
    QSet<QString> m_known;  // queued or being made
    std::deque<Request> m_queue;
    QThreadPool m_pool;
    int m_running = 0;
    int m_requests = 0;
    QString m_disk;
};

}  // namespace cosmoclip
