#pragma once

#include "job.h"
#include "training/parameterrules.h"

namespace cosmoclip {

/// Measures one fine-tuning step of the base model's architecture at the chosen batch size, freeze
/// and device (core's benchmarkTraining: random weights, synthetic batch, forward + backward + AdamW,
/// one warm-up step left out), for the wizard's time estimate. The data pipeline and validation are
/// not in the figure, so the wizard calls the result an estimate.
class TrainingEstimateJob final : public Job {
    Q_OBJECT
public:
    TrainingEstimateJob(const QString& basePath, int batchSize, FreezeOptions freeze, const QString& device,
                        QObject* parent = nullptr);

    QString title() const override;
    /// Set once finished.
    double secondsPerStep() const { return m_secondsPerStep; }

protected:
    void work() override;

private:
    QString m_basePath;
    int m_batchSize;
    FreezeOptions m_freeze;
    QString m_device;
    double m_secondsPerStep = 0.0;
};

}  // namespace cosmoclip
