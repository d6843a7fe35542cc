#include "imagefilter.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace cosmoclip {

namespace {

const QStringList kKeys = {QStringLiteral("object"), QStringLiteral("telescope"), QStringLiteral("instrument"),
                           QStringLiteral("filter"), QStringLiteral("format"),    QStringLiteral("date-obs")};

QString text(const std::optional<std::string>& value) {
    return value ? QString::fromStdString(*value) : QString();
}

QString canonicalKey(const QString& key) {
    const QString k = key.toLower();
    if (k == QLatin1String("telescop")) return QStringLiteral("telescope");
    if (k == QLatin1String("instrume")) return QStringLiteral("instrument");
    if (k == QLatin1String("date_obs")) return QStringLiteral("date-obs");
    return k;
}

// Words split at spaces outside double quotes, quotes removed: telescope="KPNO 0.9m" is one word.
QStringList splitWords(const QString& text) {
    QStringList words;
    QString word;
    bool quoted = false;
    for (const QChar ch : text) {
        if (ch == QLatin1Char('"')) {
            quoted = !quoted;
        } else if (ch.isSpace() && !quoted) {
            if (!word.isEmpty()) words.push_back(word);
            word.clear();
        } else {
            word += ch;
        }
    }
    if (!word.isEmpty()) words.push_back(word);
    return words;
}

}  // namespace

void ImageFilter::setFolder(const QString& folder) {
    m_folder = folder;
    m_folderPrefix = folder.toStdString();
    if (!m_folderPrefix.empty() && m_folderPrefix.back() != '/') m_folderPrefix += '/';
}

void ImageFilter::setHeaderText(const QString& text) {
    m_headerText = text;
    m_words.clear();
    m_keys.clear();
    m_problem.clear();
    for (const QString& word : splitWords(text)) {
        const qsizetype eq = word.indexOf(QLatin1Char('='));
        if (eq > 0) {
            const QString key = canonicalKey(word.left(eq));
            if (knownKey(key)) {
                m_keys.emplace_back(key, word.mid(eq + 1).toLower());
                continue;
            }
            m_problem = QCoreApplication::translate("cosmoclip::ImageFilter", "unknown key \u201c%1\u201d; known keys: %2").arg(word.left(eq), kKeys.join(QStringLiteral(", ")));
        }
        m_words.push_back(word.toLower());
    }
}

bool ImageFilter::knownKey(const QString& key) {
    return kKeys.contains(canonicalKey(key));
}

QString ImageFilter::headerValue(const ImageRecord& image, const QString& key) {
    const QString k = canonicalKey(key);
    if (k == QLatin1String("object")) return text(image.object);
    if (k == QLatin1String("telescope")) return text(image.telescope);
    if (k == QLatin1String("instrument")) return text(image.instrument);
    if (k == QLatin1String("filter")) return text(image.filter);
    if (k == QLatin1String("format")) return QString::fromStdString(image.format);
    if (k == QLatin1String("date-obs")) return text(image.dateObs);
    return {};
}

bool ImageFilter::accepts(const ImageRecord& image, const std::string& bestLabel) const {
    if (!m_folderPrefix.empty() && image.path.compare(0, m_folderPrefix.size(), m_folderPrefix) != 0) return false;
    if (!m_label.isEmpty() && QString::fromStdString(bestLabel) != m_label) return false;
    for (const auto& [key, value] : m_keys)
        if (headerValue(image, key).toLower() != value) return false;
    if (m_words.isEmpty()) return true;
    QString haystack = QFileInfo(QString::fromStdString(image.path)).fileName();
    for (const QString& key : kKeys) haystack += QLatin1Char('\n') + headerValue(image, key);
    haystack = haystack.toLower();
    for (const QString& word : m_words)
        if (!haystack.contains(word)) return false;
    return true;
}

}  // namespace cosmoclip
