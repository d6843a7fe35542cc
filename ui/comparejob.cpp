#include "comparejob.h"

#include <QFile>

#include "catalog/catalog.h"
#include "catalog/catalogevaluation.h"
#include "catalog/catalogexamples.h"
#include "catalog/indexer.h"
#include "common/error.h"
#include "model/clipencoder.h"
#include "modelloadjob.h"
#include "retrieval/prompttemplates.h"
#include "tokenizer/bpetokenizer.h"

namespace cosmoclip {

CompareJob::CompareJob(const QString& catalogPath, const QStringList& modelPaths, SplitFractions fractions,
                       CaptionStyle style, Split split, QObject* parent)
    : Job(parent), m_catalogPath(catalogPath), m_modelPaths(modelPaths), m_fractions(fractions), m_style(style),
      m_split(split) {}

QString CompareJob::title() const {
    return tr("Comparing %n model(s)", nullptr, int(m_modelPaths.size()));
}

void CompareJob::work() {
    const std::string db = QFile::encodeName(m_catalogPath).toStdString();
    Catalog catalog(db);
    const auto examples = catalogExamples(catalog, m_split, m_fractions);
    if (examples.empty()) throw Error(db, std::string("no images in the ") + splitName(m_split) + " split");
    const EvalTexts texts = evalTexts(examples, m_style);
    const qint64 total = qint64(examples.size()) * m_modelPaths.size();
    for (int i = 0; i < m_modelPaths.size(); ++i) {
        if (cancelRequested()) return;
        const std::string path = QFile::encodeName(m_modelPaths[i]).toStdString();
        const ClipEncoder encoder(path);
        const BpeTokenizer tokenizer =
            BpeTokenizer::fromDirectory(QFile::encodeName(ModelLoadJob::defaultTokenizerDir(m_modelPaths[i])).toStdString());
        const ModelRecord model = Indexer::registerModel(catalog, path, encoder);
        const std::vector<std::string> templates = templatesForModel(path);  // as `cosmoclip eval` does
        const qint64 offset = qint64(examples.size()) * i;
        m_metrics.push_back(evaluateOnCatalog(catalog, encoder, tokenizer, model, examples, texts, templates,
                                              [&](const IndexProgress& p) {
                                                  reportProgress(offset + qint64(p.done), total,
                                                                 QString::fromStdString(p.path));
                                              }));
    }
}

}  // namespace cosmoclip
