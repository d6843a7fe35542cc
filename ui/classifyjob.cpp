#include "classifyjob.h"

#include <QFile>
#include <unordered_set>

#include "catalog/catalog.h"
#include "catalog/sqlitetransaction.h"
#include "catalogwork.h"
#include "common/error.h"
#include "model/textembedding.h"
#include "retrieval/prompttemplates.h"
#include "retrieval/zeroshotclassifier.h"

namespace cosmoclip {

namespace {

std::vector<std::string> toStd(const QStringList& list) {
    std::vector<std::string> out;
    for (const QString& s : list) out.push_back(s.toStdString());
    return out;
}

}  // namespace

ClassifyJob::ClassifyJob(const QString& catalogPath, LoadedModelPtr model, const QStringList& labels, QObject* parent)
    : Job(parent), m_catalogPath(catalogPath), m_model(std::move(model)), m_labels(labels) {}

QString ClassifyJob::title() const {
    return tr("Labelling with %n labels", nullptr, int(m_labels.size()));
}

void ClassifyJob::work() {
    if (m_labels.isEmpty()) throw Error("no labels to classify with");
    Catalog catalog(QFile::encodeName(m_catalogPath).toStdString());
    embedMissing(
        catalog, *m_model,
        [this](const IndexProgress& p) {
            reportProgress(qint64(p.done), qint64(p.total), tr("Embedding %1").arg(QString::fromStdString(p.path)));
        },
        &cancelFlag());
    if (cancelRequested()) return;

    // The model's own prompts (the built-in model ships them) unless a template set was chosen.
    const std::vector<std::string> templates = m_templateSet.isEmpty()
                                                   ? templatesForModel(m_model->path.toStdString())
                                                   : templateSet(m_templateSet.toStdString());
    const LoadedModel& model = *m_model;
    const ZeroShotClassifier classifier(
        toStd(m_labels), templates,
        [&model](const std::vector<std::string>& texts) { return encodeTextStrings(*model.encoder, *model.tokenizer, texts); },
        toStd(m_prompts));
    if (cancelRequested()) return;

    EmbeddingMatrix matrix = catalog.embeddings(model.record.id);
    std::vector<int64_t> ids;
    std::vector<float> vectors;
    const size_t dim = static_cast<size_t>(matrix.dim);
    if (m_scope) {
        const std::unordered_set<int64_t> wanted(m_scope->begin(), m_scope->end());
        for (size_t i = 0; i < matrix.imageIds.size(); ++i) {
            if (!wanted.count(matrix.imageIds[i])) continue;
            ids.push_back(matrix.imageIds[i]);
            vectors.insert(vectors.end(), matrix.vectors.begin() + i * dim, matrix.vectors.begin() + (i + 1) * dim);
        }
    } else {
        ids = std::move(matrix.imageIds);
        vectors = std::move(matrix.vectors);
    }
    const size_t n = ids.size();
    const size_t c = classifier.labelCount();
    std::vector<double> probabilities = classifier.classify(vectors.data(), n, model.encoder->logitScale());

    // Stored as this model's zero-shot labels, replacing its earlier ones, in one transaction.
    SqliteTransaction transaction(catalog.database());
    for (size_t i = 0; i < n; ++i) {
        if (cancelRequested()) return;  // the transaction rolls back: all or nothing
        std::vector<LabelProbability> stored;
        for (const LabelScore& s : ZeroShotClassifier::topK(probabilities.data() + i * c, c, c))
            stored.push_back({classifier.labels()[s.labelIndex], s.probability});
        catalog.replaceLabels(ids[i], "zero-shot", model.record.id, stored);
        reportProgress(qint64(i + 1), qint64(n), tr("Storing labels"));
    }
    transaction.commit();
    m_ids = std::move(ids);
    m_probabilities = std::move(probabilities);
}

}  // namespace cosmoclip
