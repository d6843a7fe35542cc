#include "captionsavejob.h"

#include <QFile>

#include "catalog/catalog.h"
#include "common/error.h"

namespace cosmoclip {

CaptionSaveJob::CaptionSaveJob(const QString& catalogPath, int64_t imageId, const QString& text, QObject* parent)
    : Job(parent), m_catalogPath(catalogPath), m_imageId(imageId), m_text(text.trimmed()) {}

QString CaptionSaveJob::title() const {
    return tr("Saving caption");
}

void CaptionSaveJob::work() {
    Catalog catalog(QFile::encodeName(m_catalogPath).toStdString());
    if (!catalog.imageById(m_imageId)) throw Error(catalog.path(), "the image is no longer in the catalog");
    std::vector<std::string> texts;
    if (!m_text.isEmpty()) texts.push_back(m_text.toStdString());
    catalog.replaceCaptions(m_imageId, "user", texts);
}

}  // namespace cosmoclip
