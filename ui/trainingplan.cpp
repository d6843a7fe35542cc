#include "trainingplan.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QSet>
#include <algorithm>

#include <nlohmann/json.hpp>

namespace cosmoclip {

std::string TrainingPlan::optionsJson() const {
    // The same keys as app/cli/trainingcommands.cpp, so that runs started from either look alike.
    const nlohmann::ordered_json json = {
        {"epochs", options.epochs},      {"batch_size", options.batchSize}, {"lr", options.lr},
        {"weight_decay", options.weightDecay}, {"warmup", options.warmupSteps}, {"seed", options.seed},
        {"device", options.device},      {"split", fractionsText().toStdString()},
        {"caption_style", captionStyleName(options.captionStyle)}, {"freeze", options.freeze.name()},
        {"labels", labels.join(QLatin1Char(',')).toStdString()}};
    return json.dump();
}

QString TrainingPlan::fractionsText() const {
    return QStringLiteral("%1,%2,%3").arg(fractions.train).arg(fractions.val).arg(fractions.test);
}

std::vector<TrainingExample> selectExamples(std::vector<TrainingExample> examples, const QStringList& labels) {
    if (labels.isEmpty()) return examples;
    const QSet<QString> wanted(labels.begin(), labels.end());
    std::erase_if(examples, [&](const TrainingExample& e) { return !wanted.contains(QString::fromStdString(e.label)); });
    return examples;
}

qint64 plannedSteps(qint64 trainImages, const TrainerOptions& options) {
    const qint64 perStep = qint64(std::max(1, options.batchSize)) * std::max(1, options.accumulation);
    return (trainImages + perStep - 1) / perStep * std::max(0, options.epochs);
}

QString defaultOutputFolder(const QString& catalogPath, const QString& basePath) {
    const QFileInfo catalog(catalogPath);
    QString model = QFileInfo(basePath).completeBaseName();
    if (model.isEmpty()) model = QStringLiteral("model");
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-hhmmss"));
    return QDir(catalog.absolutePath()).filePath(catalog.completeBaseName() + QStringLiteral(".finetune/") + model +
                                                 QLatin1Char('-') + stamp);
}

}  // namespace cosmoclip
