#include "jobstatuswidget.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>

#include "job.h"

namespace cosmoclip {

JobStatusWidget::JobStatusWidget(QWidget* parent)
    : QWidget(parent), m_label(new QLabel), m_bar(new QProgressBar), m_cancel(new QToolButton) {
    setObjectName(QStringLiteral("jobStatus"));
    m_bar->setObjectName(QStringLiteral("jobProgress"));
    m_bar->setMaximumWidth(160);
    m_bar->setMaximumHeight(16);
    m_bar->setTextVisible(true);
    m_cancel->setObjectName(QStringLiteral("jobCancel"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop this job; what it stored so far is kept"));
    m_label->setMinimumWidth(120);
    m_label->setMaximumWidth(420);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QToolButton::clicked, this, [this] {
        for (int i = int(m_jobs.size()) - 1; i >= 0; --i) {
            if (m_jobs[i] && m_jobs[i]->isRunning()) {
                m_jobs[i]->cancel();
                m_label->setText(tr("Cancelling %1\u2026").arg(m_jobs[i]->title()));
                return;
            }
        }
    });
    hide();
}

void JobStatusWidget::track(Job* job) {
    m_jobs.push_back(job);
    connect(job, &Job::progress, this, [this, job](qint64 done, qint64 total, const QString& text) {
        if (m_jobs.isEmpty() || m_jobs.back() != job) return;
        m_bar->setRange(0, total > 0 ? 1000 : 0);
        if (total > 0) m_bar->setValue(int(1000 * done / total));
        m_bar->setFormat(total > 0 ? QStringLiteral("%1 / %2").arg(done).arg(total) : QString());
        const QString detail = QFileInfo(text).fileName().isEmpty() ? text : QFileInfo(text).fileName();
        m_label->setText(detail.isEmpty() ? job->title() : job->title() + QStringLiteral(": ") + detail);
        m_label->setToolTip(text);
    });
    connect(job, &Job::ended, this, &JobStatusWidget::refresh);
    connect(job, &QObject::destroyed, this, &JobStatusWidget::refresh);
    refresh();
}

int JobStatusWidget::runningCount() const {
    int n = 0;
    for (const auto& job : m_jobs) n += job && job->isRunning() ? 1 : 0;
    return n;
}

QString JobStatusWidget::text() const {
    return m_label->text();
}

void JobStatusWidget::refresh() {
    m_jobs.removeIf([](const QPointer<Job>& job) { return !job || job->hasEnded(); });
    if (m_jobs.isEmpty()) {
        hide();
        return;
    }
    Job* job = m_jobs.back();
    m_label->setText(m_jobs.size() > 1 ? tr("%1 (+%2 more)").arg(job->title()).arg(m_jobs.size() - 1) : job->title());
    m_bar->setRange(0, 0);  // busy until the job reports a count
    m_bar->setFormat(QString());
    show();
}

}  // namespace cosmoclip
