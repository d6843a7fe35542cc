#include "catalogloadjob.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <filesystem>

#include "catalog/catalog.h"
#include "common/error.h"

namespace cosmoclip {

CatalogLoadJob::CatalogLoadJob(const QString& catalogPath, bool create, QObject* parent)
    : Job(parent), m_path(catalogPath), m_create(create) {}

QString CatalogLoadJob::title() const {
    return tr("Reading %1").arg(QFileInfo(m_path).fileName());
}

void CatalogLoadJob::work() {
    QElapsedTimer timer;
    timer.start();
    const std::string path = QFile::encodeName(m_path).toStdString();
    if (!m_create && !std::filesystem::exists(path)) throw Error(path, "no such catalog");
    Catalog catalog(path, Catalog::Mode::ReadWrite);  // creates or migrates; refuses non-catalogs
    m_snapshot = std::make_shared<const CatalogSnapshot>(CatalogSnapshot::read(catalog));
    m_elapsedMs = timer.elapsed();
}

}  // namespace cosmoclip
