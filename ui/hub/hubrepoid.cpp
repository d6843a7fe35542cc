#include "hub/hubrepoid.h"

#include <QRegularExpression>
#include <QUrl>

#include "common/error.h"

namespace cosmoclip {

namespace {

// The hub's rule for owner and repository names: letters, digits, '-', '_', '.'; no leading or
// trailing '-' or '.'; no "--" or ".." (which also keeps `owner--name` folder names unambiguous).
bool isValidPart(const QString& part) {
    static const QRegularExpression allowed(QStringLiteral("^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?$"));
    return part.size() <= 96 && allowed.match(part).hasMatch() && !part.contains(QLatin1String("--")) &&
           !part.contains(QLatin1String(".."));
}

}  // namespace

bool HubRepoId::isValid(const QString& text) {
    const QStringList parts = text.split(QLatin1Char('/'));
    return parts.size() == 2 && isValidPart(parts[0]) && isValidPart(parts[1]);
}

HubRepoId HubRepoId::parse(const QString& text) {
    if (!isValid(text))
        throw Error(text.toStdString(), "not a hub model name: expected OWNER/NAME such as openai/clip-vit-base-patch32");
    const QStringList parts = text.split(QLatin1Char('/'));
    HubRepoId id;
    id.m_owner = parts[0];
    id.m_name = parts[1];
    return id;
}

HubRepoId HubRepoId::parseSpec(const QString& spec, QString& revision) {
    const qsizetype at = spec.indexOf(QLatin1Char('@'));
    revision = at < 0 ? QString::fromLatin1(kDefaultRevision) : spec.mid(at + 1);
    if (revision.isEmpty()) throw Error(spec.toStdString(), "empty revision after '@'");
    return parse(at < 0 ? spec : spec.left(at));
}

QString HubRepoId::encodedPath() const {
    return QString::fromLatin1(QUrl::toPercentEncoding(m_owner)) + QLatin1Char('/') +
           QString::fromLatin1(QUrl::toPercentEncoding(m_name));
}

QString HubRepoId::folderName(const QString& revision) const {
    QString folder = m_owner + QLatin1String("--") + m_name;
    if (revision.isEmpty() || revision == QLatin1String(kDefaultRevision)) return folder;
    QString safe = revision;
    for (QChar& c : safe)
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != QLatin1Char('.') && c != QLatin1Char('_') &&
            c != QLatin1Char('-'))
            c = QLatin1Char('_');
    return folder + QLatin1Char('@') + safe;
}

}  // namespace cosmoclip
