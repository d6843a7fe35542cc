#include "hub/modelmanifest.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include "common/error.h"

namespace cosmoclip {

namespace {

constexpr int kFormat = 1;

QString text(const QJsonObject& o, const char* key, const QString& where) {
    const QString value = o.value(QLatin1String(key)).toString();
    if (value.isEmpty()) throw Error(where.toStdString(), std::string("no '") + key + "'");
    return value;
}

}  // namespace

qint64 ModelManifest::totalSize() const {
    qint64 total = 0;
    for (const File& f : files) total += f.size;
    return total;
}

QJsonObject ModelManifest::toJson() const {
    QJsonArray list;
    for (const File& f : files) {
        QJsonObject o{{QStringLiteral("name"), f.name}, {QStringLiteral("size"), double(f.size)}, {QStringLiteral("sha256"), f.sha256}};
        if (!f.convertedFrom.isEmpty()) {
            o.insert(QStringLiteral("converted_from"), f.convertedFrom);
            o.insert(QStringLiteral("source_sha256"), f.sourceSha256);
        }
        list.append(o);
    }
    return {{QStringLiteral("format"), kFormat},
            {QStringLiteral("repo"), repo},
            {QStringLiteral("revision"), revision},
            {QStringLiteral("commit"), commit},
            {QStringLiteral("endpoint"), endpoint},
            {QStringLiteral("layout"), layout},
            {QStringLiteral("downloaded_at"), downloadedAt.toUTC().toString(Qt::ISODate)},
            {QStringLiteral("files"), list}};
}

ModelManifest ModelManifest::fromJson(const QJsonObject& o, const QString& where) {
    ModelManifest m;
    m.repo = text(o, "repo", where);
    m.revision = text(o, "revision", where);
    m.commit = text(o, "commit", where);
    m.endpoint = o.value(QLatin1String("endpoint")).toString();
    m.layout = o.value(QLatin1String("layout")).toString();
    m.downloadedAt = QDateTime::fromString(o.value(QLatin1String("downloaded_at")).toString(), Qt::ISODate);
    for (const QJsonValue& v : o.value(QLatin1String("files")).toArray()) {
        const QJsonObject f = v.toObject();
        m.files.push_back({text(f, "name", where), qint64(f.value(QLatin1String("size")).toDouble()),
                           f.value(QLatin1String("sha256")).toString(), f.value(QLatin1String("converted_from")).toString(),
                           f.value(QLatin1String("source_sha256")).toString()});
    }
    if (m.files.empty()) throw Error(where.toStdString(), "lists no files");
    return m;
}

void ModelManifest::write(const QString& folder) const {
    const QString path = QDir(folder).filePath(QLatin1String(kFileName));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) throw Error(path.toStdString(), "cannot write: " + file.errorString().toStdString());
    file.write(QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
    if (!file.commit()) throw Error(path.toStdString(), "cannot write: " + file.errorString().toStdString());
}

std::optional<ModelManifest> ModelManifest::read(const QString& folder) {
    const QString path = QDir(folder).filePath(QLatin1String(kFileName));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return std::nullopt;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll());
    if (!doc.isObject()) return std::nullopt;
    try {
        return fromJson(doc.object(), path);
    } catch (const Error&) {
        return std::nullopt;
    }
}

}  // namespace cosmoclip
