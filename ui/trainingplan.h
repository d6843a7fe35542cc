#pragma once

#include <QString>
#include <QStringList>
#include <string>
#include <vector>

#include "training/datasplit.h"
#include "training/trainer.h"
#include "training/trainingexample.h"

namespace cosmoclip {

/// Everything a fine-tuning run needs, as the wizard collects it and `cosmoclip finetune` takes it
/// on the command line: the catalog, the base model, the images (all, or those with one of `labels`),
/// the split fractions and the trainer's options (options.outDir is the output folder).
struct TrainingPlan {
    QString catalogPath;
    QString basePath;
    TrainerOptions options;
    SplitFractions fractions;
    QStringList labels;  ///< empty: the whole catalog

    /// The options as the catalog's run history stores them (the keys `cosmoclip finetune` writes).
    std::string optionsJson() const;
    /// "0.7,0.15,0.15", as --split takes it.
    QString fractionsText() const;
};

/// `examples` restricted to those labelled with one of `labels` (all of them when `labels` is empty).
std::vector<TrainingExample> selectExamples(std::vector<TrainingExample> examples, const QStringList& labels);

/// Optimizer steps of a run over `trainImages` images with `options` (batch and accumulation).
qint64 plannedSteps(qint64 trainImages, const TrainerOptions& options);

/// A new folder beside the catalog for a run from `basePath`: CATALOG.finetune/MODEL-yyyyMMdd-hhmmss.
QString defaultOutputFolder(const QString& catalogPath, const QString& basePath);

}  // namespace cosmoclip
