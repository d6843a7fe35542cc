#include "job.h"

#include <QElapsedTimer>
#include <QThread>
#include <exception>
#include <new>

namespace cosmoclip {

namespace {

// One monotonic clock for every job's progress spacing.
qint64 nowMs() {
    static const QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.elapsed();
}

}  // namespace

Job::Job(QObject* parent) : QObject(parent) {}

Job::~Job() {
    if (!m_thread) return;
    m_cancel = true;
    m_thread->wait();
    delete m_thread;
}

void Job::start() {
    if (m_thread) return;  // one run per job
    m_thread = QThread::create([this] { runOnWorker(); });
    m_thread->setObjectName(QStringLiteral("cosmoclip job"));
    connect(m_thread, &QThread::finished, this, &Job::onThreadFinished);
    m_running = true;
    emit started();
    m_thread->start(QThread::LowPriority);  // the GUI thread wins when both want a core
}

void Job::cancel() {
    m_cancel = true;
}

void Job::reportProgress(qint64 done, qint64 total, const QString& text) {
    {
        const std::lock_guard lock(m_progressMutex);
        const qint64 now = nowMs();
        if (done < total && m_lastProgressMs >= 0 && now - m_lastProgressMs < kProgressIntervalMs) return;
        m_lastProgressMs = now;
    }
    emit progress(done, total, text);  // queued to the GUI thread
}

void Job::runOnWorker() {
    try {
        work();
    } catch (const std::bad_alloc&) {
        m_error = tr("not enough memory");
    } catch (const std::exception& e) {
        m_error = QString::fromStdString(e.what());
    } catch (...) {
        m_error = tr("unknown error");
    }
}

void Job::onThreadFinished() {
    m_ended = true;
    m_running = false;
    if (!m_error.isEmpty()) {
        emit failed(m_error);
    } else if (m_cancel) {
        emit cancelled();
    } else {
        emit finished();
    }
    emit ended();
}

}  // namespace cosmoclip
