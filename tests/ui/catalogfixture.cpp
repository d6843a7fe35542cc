#include "catalogfixture.h"

#include <QColor>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QRandomGenerator>
#include <stdexcept>

#include "catalog/catalog.h"
#include "catalog/indexer.h"

namespace catalogfixture {

QString modelDir() {
    return QStringLiteral(COSMOCLIP_SHARED_DIR "/clip-reference/model-hf");
}

void writeSkyPng(const QString& path, int seed, int size) {
    QRandomGenerator rng(quint32(seed) * 2654435761u + 1);
    QImage image(size, size, QImage::Format_RGB32);
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x) {
            const int v = 10 + int(rng.bounded(20));
            image.setPixel(x, y, qRgb(v, v, v + 4));
        }
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    const QColor blob = QColor::fromHsv((seed * 67) % 360, 200, 230);
    const int r = size / 6 + int(rng.bounded(size / 4));
    painter.setBrush(blob);
    painter.drawEllipse(QPoint(int(rng.bounded(size)), int(rng.bounded(size))), r, r * (1 + seed % 3) / 2);
    painter.setBrush(Qt::white);
    for (int s = 0; s < 12 + seed % 20; ++s)
        painter.drawEllipse(QPointF(rng.bounded(size), rng.bounded(size)), 1.2, 1.2);
    painter.end();
    if (!image.save(path, "PNG")) throw std::runtime_error("cannot write " + path.toStdString());
}

cosmoclip::LoadedModelPtr loadModel(const QString& catalogPath) {
    auto model = std::make_shared<cosmoclip::LoadedModel>();
    model->path = modelDir();
    const std::string dir = QFile::encodeName(modelDir()).toStdString();
    model->encoder = std::make_shared<const cosmoclip::ClipEncoder>(dir);
    model->tokenizer = std::make_shared<const cosmoclip::BpeTokenizer>(cosmoclip::BpeTokenizer::fromDirectory(dir));
    cosmoclip::Catalog catalog(QFile::encodeName(catalogPath).toStdString());
    model->record = cosmoclip::Indexer::registerModel(catalog, dir, *model->encoder);
    return model;
}

void index(const QString& catalogPath, const cosmoclip::LoadedModel& model, const QStringList& roots) {
    std::vector<std::string> paths;
    for (const QString& r : roots) paths.push_back(QFile::encodeName(r).toStdString());
    cosmoclip::Catalog catalog(QFile::encodeName(catalogPath).toStdString());
    cosmoclip::Indexer(catalog, *model.encoder, model.record).run(paths);
}

}  // namespace catalogfixture
