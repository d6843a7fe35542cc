#include "indexjob.h"

#include <QFile>
#include <QFileInfo>

#include "catalog/catalog.h"
#include "catalogwork.h"

namespace cosmoclip {

IndexJob::IndexJob(const QString& catalogPath, LoadedModelPtr model, const QStringList& roots, QObject* parent)
    : Job(parent), m_catalogPath(catalogPath), m_model(std::move(model)), m_roots(roots) {}

QString IndexJob::title() const {
    if (m_roots.size() == 1) return tr("Adding %1").arg(QFileInfo(m_roots.front()).fileName());
    return tr("Adding %n files and folders", nullptr, int(m_roots.size()));
}

void IndexJob::work() {
    std::vector<std::string> roots;
    for (const QString& r : m_roots) roots.push_back(QFile::encodeName(r).toStdString());
    Catalog catalog(QFile::encodeName(m_catalogPath).toStdString());
    Indexer indexer(catalog, *m_model->encoder, m_model->record, m_options);
    m_report = indexer.run(
        roots,
        [this](const IndexProgress& p) {
            reportProgress(qint64(p.done), qint64(p.total), QString::fromStdString(p.path));
        },
        &cancelFlag());
    m_imageIds = imageIdsUnder(catalog, roots);
}

}  // namespace cosmoclip
