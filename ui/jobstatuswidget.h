#pragma once

#include <QPointer>
#include <QVector>
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace cosmoclip {

class Job;

/// The status bar's view of running jobs: the newest one's title and progress, how many more are
/// running, and a button that cancels it. Hidden while nothing runs.
class JobStatusWidget final : public QWidget {
    Q_OBJECT
public:
    explicit JobStatusWidget(QWidget* parent = nullptr);

    void track(Job* job);
    int runningCount() const;
    QProgressBar* progressBar() const { return m_bar; }
    QToolButton* cancelButton() const { return m_cancel; }
    QString text() const;

private:
    void refresh();

    QVector<QPointer<Job>> m_jobs;
    QLabel* m_label;
    QProgressBar* m_bar;
    QToolButton* m_cancel;
};

}  // namespace cosmoclip
