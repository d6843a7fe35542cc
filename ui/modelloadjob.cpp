#include "modelloadjob.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <filesystem>

#include "catalog/catalog.h"
#include "catalog/indexer.h"
#include "common/error.h"

namespace cosmoclip {

namespace fs = std::filesystem;

ModelLoadJob::ModelLoadJob(const QString& catalogPath, const QString& modelPath, QObject* parent)
    : Job(parent), m_catalogPath(catalogPath), m_modelPath(modelPath) {}

QString ModelLoadJob::title() const {
    return tr("Loading model %1").arg(QFileInfo(m_modelPath).fileName());
}

QString ModelLoadJob::defaultTokenizerDir(const QString& modelPath) {
    const QFileInfo info(modelPath);
    return info.isDir() ? info.absoluteFilePath() : info.absolutePath();
}

void ModelLoadJob::work() {
    const std::string modelPath = QFile::encodeName(m_modelPath).toStdString();
    auto model = std::make_shared<LoadedModel>();
    model->path = m_modelPath;
    if (m_reuse && m_reuse->path == m_modelPath) {
        model->encoder = m_reuse->encoder;
        model->tokenizer = m_reuse->tokenizer;
    } else {
        if (!fs::exists(modelPath)) throw Error(modelPath, "no such model folder or file");
        const QString tokDir = m_tokenizerDir.isEmpty() ? defaultTokenizerDir(m_modelPath) : m_tokenizerDir;
        const fs::path dir(QFile::encodeName(tokDir).toStdString());
        if (fs::is_regular_file(modelPath) && m_tokenizerDir.isEmpty() && !fs::exists(dir / "vocab.json") &&
            !fs::exists(dir / "bpe_simple_vocab_16e6.txt.gz"))
            throw Error(modelPath, "an OpenAI .pt file carries no tokenizer: put vocab.json and merges.txt "
                                   "(or bpe_simple_vocab_16e6.txt.gz) beside it");
        model->encoder = std::make_shared<const ClipEncoder>(modelPath);
        if (cancelRequested()) return;
        model->tokenizer = std::make_shared<const BpeTokenizer>(BpeTokenizer::fromDirectory(dir));
    }
    if (cancelRequested()) return;
    Catalog catalog(QFile::encodeName(m_catalogPath).toStdString());
    model->record = Indexer::registerModel(catalog, modelPath, *model->encoder);
    m_model = std::move(model);
}

}  // namespace cosmoclip
