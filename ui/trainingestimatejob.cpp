#include "trainingestimatejob.h"

#include <QFile>
#include <QFileInfo>

#include "model/clipencoder.h"
#include "training/trainer.h"
#include "training/trainingbenchmark.h"

namespace cosmoclip {

TrainingEstimateJob::TrainingEstimateJob(const QString& basePath, int batchSize, FreezeOptions freeze,
                                         const QString& device, QObject* parent)
    : Job(parent), m_basePath(basePath), m_batchSize(batchSize), m_freeze(freeze), m_device(device) {}

QString TrainingEstimateJob::title() const {
    return tr("Timing a training step of %1").arg(QFileInfo(m_basePath).fileName());
}

void TrainingEstimateJob::work() {
    TrainingBenchmarkOptions options;
    // The architecture is what matters for the time, so the weights are read only to learn it.
    options.config = ClipEncoder(QFile::encodeName(m_basePath).toStdString()).config();
    if (cancelRequested()) return;
    options.batch = m_batchSize;
    options.steps = 1;
    options.freeze = m_freeze;
    options.device = resolveTrainingDevice(m_device.toStdString());
    m_secondsPerStep = benchmarkTraining(options).secondsPerStep;
}

}  // namespace cosmoclip
