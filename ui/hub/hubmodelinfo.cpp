#include "hub/hubmodelinfo.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include "common/error.h"

namespace cosmoclip {

namespace {

bool isHex(const QString& text, int length) {
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]+$"));
    return text.size() == length && hex.match(text).hasMatch();
}

HubFileInfo parseSibling(const QJsonObject& s) {
    HubFileInfo f;
    f.name = s.value(QLatin1String("rfilename")).toString();
    f.blobId = s.value(QLatin1String("blobId")).toString().toLower();
    if (s.value(QLatin1String("size")).isDouble()) f.size = qint64(s.value(QLatin1String("size")).toDouble());
    const QJsonObject lfs = s.value(QLatin1String("lfs")).toObject();
    if (!lfs.isEmpty()) {
        // Older API answers named it "oid"; both hold the content's SHA-256.
        QString sha = lfs.value(QLatin1String("sha256")).toString();
        if (sha.isEmpty()) sha = lfs.value(QLatin1String("oid")).toString().remove(QLatin1String("sha256:"));
        f.sha256 = sha.toLower();
        if (lfs.value(QLatin1String("size")).isDouble()) f.size = qint64(lfs.value(QLatin1String("size")).toDouble());
    }
    return f;
}

}  // namespace

HubModelInfo HubModelInfo::fromJson(const QByteArray& json, const QString& repo, const QString& revision) {
    const std::string where = repo.toStdString() + "@" + revision.toStdString();
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (!doc.isObject())
        throw Error(where, "the hub's model metadata is not a JSON object (" + error.errorString().toStdString() + ")");
    const QJsonObject o = doc.object();
    HubModelInfo info;
    info.repo = repo;
    info.revision = revision;
    info.commit = o.value(QLatin1String("sha")).toString().toLower();
    if (!isHex(info.commit, 40)) throw Error(where, "the hub's model metadata has no commit hash ('sha')");
    for (const QJsonValue& v : o.value(QLatin1String("siblings")).toArray()) {
        HubFileInfo f = parseSibling(v.toObject());
        if (f.name.isEmpty()) continue;
        if (f.isLfs() && !isHex(f.sha256, 64))
            throw Error(where, "the hub's metadata gives '" + f.name.toStdString() + "' a malformed SHA-256");
        info.files.push_back(std::move(f));
    }
    return info;
}

const HubFileInfo* HubModelInfo::file(const QString& name) const {
    for (const HubFileInfo& f : files)
        if (f.name == name) return &f;
    return nullptr;
}

}  // namespace cosmoclip
