#include "catalogexamplesjob.h"

#include <QFile>

#include "catalog/catalog.h"
#include "catalog/catalogexamples.h"

namespace cosmoclip {

CatalogExamplesJob::CatalogExamplesJob(const QString& catalogPath, QObject* parent)
    : Job(parent), m_catalogPath(catalogPath) {}

QString CatalogExamplesJob::title() const {
    return tr("Reading the training images");
}

void CatalogExamplesJob::work() {
    Catalog catalog(QFile::encodeName(m_catalogPath).toStdString(), Catalog::Mode::ReadOnly);
    m_examples = catalogExamples(catalog);
}

}  // namespace cosmoclip
