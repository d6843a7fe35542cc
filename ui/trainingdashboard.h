#pragma once

#include <QElapsedTimer>
#include <QPointer>
#include <QString>
#include <QWidget>
#include <optional>

#include "trainingplan.h"
#include "training/epochmetrics.h"

class QChart;
class QHBoxLayout;
class QLabel;
class QLineSeries;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTreeWidget;
class QValueAxis;

namespace cosmoclip {

class CompareJob;
class TrainingJob;

/// The training dashboard (a window of its own): live charts — train loss per step and validation
/// loss per epoch in one, zero-shot top-1 and recall@5 per epoch in the other — a progress bar with
/// the time left, Pause (stops with the state saved; Resume continues from OUT/last), Cancel, the
/// trainer's log, the catalog's past runs (select one to plot it again), "Compare with base" (both
/// models on the test split, on a worker, as `cosmoclip eval --model A --model B`) and "Use this
/// model" (asks the window to make the result the current model).
class TrainingDashboard final : public QWidget {
    Q_OBJECT
public:
    explicit TrainingDashboard(QWidget* parent = nullptr);
    ~TrainingDashboard() override;

    /// The catalog whose run history is listed; reloads it.
    void setCatalog(const QString& catalogPath);
    /// Starts a run of `plan` (the charts start empty).
    void start(const TrainingPlan& plan);
    TrainingJob* job() const;
    bool isTraining() const;
    /// The fine-tuned model of the run shown ("" when there is none yet).
    QString resultPath() const { return m_resultPath; }

    QLineSeries* trainLossSeries() const { return m_trainLoss; }
    QLineSeries* valLossSeries() const { return m_valLoss; }
    QLineSeries* top1Series() const { return m_top1; }
    QLineSeries* recallSeries() const { return m_recall; }
    QProgressBar* progressBar() const { return m_progress; }
    QTreeWidget* historyView() const { return m_history; }
    QTableWidget* compareTable() const { return m_compare; }
    QPlainTextEdit* logView() const { return m_log; }
    QLabel* statusLabel() const { return m_status; }
    QPushButton* pauseButton() const { return m_pauseButton; }
    QPushButton* cancelButton() const { return m_cancelButton; }
    QPushButton* compareButton() const { return m_compareButton; }
    QPushButton* useButton() const { return m_useButton; }

public slots:
    void reloadHistory();
    /// Plots a past run from the catalog's history (per-epoch numbers).
    void showRun(qint64 runId);
    /// Pause: stops at the next step with the state saved; pressed again, resumes.
    void togglePause();
    void cancelTraining();
    void compareWithBase();
    void useResult();

signals:
    /// "Use this model": the window loads `path` as the catalog's current model.
    void useModelRequested(const QString& path);
    /// A run ended (finished, cancelled, paused or failed) and the history was reloaded.
    void trainingEnded();
    void compareFinished();

private:
    void buildCharts(QHBoxLayout* layout);
    void clearCharts();
    void startJob(const TrainingPlan& plan);
    void onPrepared(qint64 totalSteps, qint64 trainImages, qint64 valImages, qint64 runId);
    void onStep(qint64 step, double loss, double lr);
    void onEpoch(const EpochMetrics& metrics);
    void onJobEnded();
    void appendLog(const QString& line);
    void addEpochPoints(int epoch, qint64 step, double trainLoss, double valLoss, double top1, double recall, bool withTrain);
    void updateButtons();

    QString m_catalogPath;
    std::optional<TrainingPlan> m_plan;  // of the live or paused run
    QPointer<TrainingJob> m_job;
    QPointer<CompareJob> m_compareJob;
    bool m_pausing = false;
    bool m_paused = false;
    qint64 m_totalSteps = 0;
    qint64 m_firstStep = -1;
    QElapsedTimer m_clock;
    QString m_basePath;    // of the run shown: compared with its result
    QString m_resultPath;
    SplitFractions m_fractions;
    CaptionStyle m_captionStyle = CaptionStyle::PhotoOf;

    QLabel* m_status = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_pauseButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QPushButton* m_compareButton = nullptr;
    QPushButton* m_useButton = nullptr;
    QChart* m_lossChart = nullptr;
    QChart* m_metricChart = nullptr;
    QValueAxis* m_lossX = nullptr;
    QValueAxis* m_lossY = nullptr;
    QValueAxis* m_metricX = nullptr;
    QLineSeries* m_trainLoss = nullptr;
    QLineSeries* m_valLoss = nullptr;
    QLineSeries* m_top1 = nullptr;
    QLineSeries* m_recall = nullptr;
    QPlainTextEdit* m_log = nullptr;
    QTreeWidget* m_history = nullptr;
    QTableWidget* m_compare = nullptr;
};

}  // namespace cosmoclip
