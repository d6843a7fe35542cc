#pragma once

#include <QString>
#include <atomic>

#include "job.h"
#include "trainingplan.h"
#include "training/epochmetrics.h"
#include "training/trainer.h"

namespace cosmoclip {

/// One fine-tuning run (Trainer::run) on the job's thread, recorded in the catalog's run history as
/// `cosmoclip finetune` records it: a run row when training starts, every number of each epoch's
/// metrics, then finished / cancelled (the state to resume is in OUT/last) / failed with the reason.
/// The job opens its own Catalog connection. Signals arrive on the GUI thread: prepared once the
/// examples are read, step per optimizer step, epoch after each validation, log for the trainer's
/// notes, trainingFinished with the result (also when cancelled), then Job's finished / cancelled /
/// failed and ended.
class TrainingJob final : public Job {
    Q_OBJECT
public:
    explicit TrainingJob(TrainingPlan plan, QObject* parent = nullptr);

    QString title() const override;
    const TrainingPlan& plan() const { return m_plan; }
    /// The catalog's run id (0 until prepared).
    qint64 runId() const { return m_runId.load(); }
    /// Set once the job has ended without failing.
    const TrainingResult& result() const { return m_result; }

signals:
    void prepared(qint64 totalSteps, qint64 trainImages, qint64 valImages, qint64 runId);
    void step(qint64 step, double loss, double lr);
    void epoch(const cosmoclip::EpochMetrics& metrics);
    void log(const QString& line);
    void trainingFinished(const cosmoclip::TrainingResult& result);

protected:
    void work() override;

private:
    TrainingPlan m_plan;
    std::atomic<qint64> m_runId{0};
    TrainingResult m_result;  // written by the worker, read after ended
};

}  // namespace cosmoclip
