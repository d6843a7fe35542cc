#include "trainingjob.h"

#include <QFile>
#include <QFileInfo>

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "catalog/catalogexamples.h"
#include "common/error.h"

namespace cosmoclip {

namespace {

std::string bestJson(const TrainingResult& result) {
    return result.history.empty() ? std::string("{}") : nlohmann::json(toJson(result.best)).dump();
}

}  // namespace

TrainingJob::TrainingJob(TrainingPlan plan, QObject* parent) : Job(parent), m_plan(std::move(plan)) {
    qRegisterMetaType<cosmoclip::EpochMetrics>();
    qRegisterMetaType<cosmoclip::TrainingResult>();
}

QString TrainingJob::title() const {
    return tr("Fine-tuning %1").arg(QFileInfo(m_plan.basePath).fileName());
}

void TrainingJob::work() {
    const std::string db = QFile::encodeName(m_plan.catalogPath).toStdString();
    const std::string base = QFile::encodeName(m_plan.basePath).toStdString();
    Catalog catalog(db);
    const auto train = selectExamples(catalogExamples(catalog, Split::Train, m_plan.fractions), m_plan.labels);
    const auto val = selectExamples(catalogExamples(catalog, Split::Val, m_plan.fractions), m_plan.labels);
    if (train.empty()) throw Error(db, "no images in the train split: add and label images first");
    if (cancelRequested()) return;

    const int64_t run = catalog.startRun(base, m_plan.options.outDir, m_plan.optionsJson());
    m_runId = run;
    emit prepared(plannedSteps(qint64(train.size()), m_plan.options), qint64(train.size()), qint64(val.size()), run);

    TrainerCallbacks callbacks;
    callbacks.onStep = [this](int64_t s, double loss, double lr) { emit step(s, loss, lr); };
    callbacks.onEpoch = [&](const EpochMetrics& m) {
        // Every number of the epoch goes into the history, as the CLI stores it.
        const nlohmann::json metrics = toJson(m);  // named: items() of a temporary would dangle
        for (const auto& item : metrics.items())
            if (item.value().is_number()) catalog.addRunMetric(run, m.epoch, m.step, item.key(), item.value().get<double>());
        emit epoch(m);
    };
    callbacks.onLog = [this](const std::string& line) { emit log(QString::fromStdString(line)); };

    // Job owns the flag that cancel() sets; the trainer only reads it.
    auto* cancel = const_cast<std::atomic<bool>*>(&cancelFlag());
    try {
        m_result = Trainer(m_plan.options).run(train, val, base, callbacks, cancel);
    } catch (const std::exception& e) {
        catalog.finishRun(run, "failed", e.what(), "{}");
        throw;
    }
    if (m_result.cancelled)
        catalog.finishRun(run, "cancelled", "interrupted", bestJson(m_result));
    else
        catalog.finishRun(run, "finished", "", bestJson(m_result));
    emit trainingFinished(m_result);
}

}  // namespace cosmoclip
