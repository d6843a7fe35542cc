#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <mutex>

class QThread;

namespace cosmoclip {

/// Long core work (model loading, indexing, classification, search, catalog reads) off the GUI
/// thread. A job runs work() once on its own QThread, so minutes of indexing never hold a slot of
/// the thread pool that thumbnails and image loads share. Signals arrive on the thread that owns
/// the job (the GUI): started, progress while running, then exactly one of finished, failed or
/// cancelled, then ended. work() throws on error; the message (cosmoclip::Error names the file)
/// becomes failed(). Results live in the subclass and are read once finished has been emitted.
/// The destructor cancels and waits, so the worker never writes into a destroyed job.
class Job : public QObject {
    Q_OBJECT
public:
    /// Progress signals are spaced at least this far apart (the last step always comes through).
    static constexpr int kProgressIntervalMs = 40;

    explicit Job(QObject* parent = nullptr);
    ~Job() override;

    /// What the status bar says while the job runs ("Indexing 3 files").
    virtual QString title() const = 0;

    void start();
    /// Asks the work to stop at its next check; cancelled() follows unless it had already ended.
    void cancel();
    bool isRunning() const { return m_running; }
    bool hasEnded() const { return m_ended; }
    bool isCancelRequested() const { return m_cancel.load(); }
    /// The reason of a failed run, in words; empty otherwise.
    QString errorMessage() const { return m_error; }

signals:
    void started();
    void progress(qint64 done, qint64 total, const QString& text);
    void finished();
    void failed(const QString& message);
    void cancelled();
    void ended();

protected:
    /// Runs on the job's thread. Check cancelFlag() between steps; throw to fail.
    virtual void work() = 0;
    /// Thread-safe; rate-limited (kProgressIntervalMs) except for done == total.
    void reportProgress(qint64 done, qint64 total, const QString& text = {});
    const std::atomic<bool>& cancelFlag() const { return m_cancel; }
    bool cancelRequested() const { return m_cancel.load(); }

private:
    void runOnWorker();
    void onThreadFinished();

    QThread* m_thread = nullptr;
    std::atomic<bool> m_cancel{false};
    bool m_running = false;
    bool m_ended = false;
    QString m_error;  // written by the worker, read after the thread finished
    std::mutex m_progressMutex;
    qint64 m_lastProgressMs = -1;
};

}  // namespace cosmoclip
