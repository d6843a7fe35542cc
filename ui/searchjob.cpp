#include "searchjob.h"

#include <QFile>

#include "catalog/catalog.h"
#include "catalogwork.h"
#include "common/error.h"
#include "searchindexcache.h"

namespace cosmoclip {

SearchJob::SearchJob(const QString& catalogPath, LoadedModelPtr model, std::shared_ptr<SearchIndexCache> cache,
                     const QString& query, QObject* parent)
    : Job(parent), m_catalogPath(catalogPath), m_model(std::move(model)), m_cache(std::move(cache)), m_query(query) {}

SearchJob::SearchJob(const QString& catalogPath, LoadedModelPtr model, std::shared_ptr<SearchIndexCache> cache,
                     int64_t imageId, QObject* parent)
    : Job(parent), m_catalogPath(catalogPath), m_model(std::move(model)), m_cache(std::move(cache)), m_imageId(imageId) {}

QString SearchJob::title() const {
    return m_imageId ? tr("Finding similar images") : tr("Searching \u201c%1\u201d").arg(m_query);
}

void SearchJob::work() {
    Catalog catalog(QFile::encodeName(m_catalogPath).toStdString());
    m_embedded = embedMissing(
        catalog, *m_model,
        [this](const IndexProgress& p) {
            reportProgress(qint64(p.done), qint64(p.total), tr("Embedding %1").arg(QString::fromStdString(p.path)));
        },
        &cancelFlag());
    if (m_embedded > 0) m_cache->invalidate();
    if (cancelRequested()) return;

    std::vector<float> query;
    SearchFilter filter;
    filter.allowedIds = m_allowed;
    if (m_imageId) {
        query = catalog.embedding(*m_imageId, m_model->record.id);
        if (query.empty()) {
            const auto image = catalog.imageById(*m_imageId);
            throw Error(image ? image->path : m_catalogPath.toStdString(), "this image has no vector of the active model");
        }
        filter.excludeId = *m_imageId;  // an image is not similar to itself for the user
    } else {
        query = embedQuery(m_query.toStdString(), catalog, *m_model);
    }
    m_hits = m_cache->search(catalog, m_model->record, query.data(), m_k, filter);
}

}  // namespace cosmoclip
