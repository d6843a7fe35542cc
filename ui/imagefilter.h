#pragma once

#include <QString>
#include <QStringList>
#include <utility>
#include <vector>

#include "catalog/catalogrecords.h"

namespace cosmoclip {

/// The browser's filters: a folder (the image lies in it or below), a label (the image's best label,
/// the one its chip shows) and header text. Header text is words that must all match: `key=value`
/// compares a header key exactly, ignoring case, as `cosmoclip search --where` does (object,
/// telescope, instrument, filter, format, date-obs); any other word must occur in one of those
/// values or in the file name. Double quotes keep spaces in a word: telescope="KPNO 0.9m".
class ImageFilter {
public:
    void setFolder(const QString& folder);
    void setLabel(const QString& label) { m_label = label; }
    void setHeaderText(const QString& text);

    QString folder() const { return m_folder; }
    QString label() const { return m_label; }
    QString headerText() const { return m_headerText; }
    bool isEmpty() const { return m_folder.isEmpty() && m_label.isEmpty() && m_words.isEmpty() && m_keys.empty(); }
    /// The header text named an unknown key ("" when fine), for the tooltip.
    QString problem() const { return m_problem; }

    bool accepts(const ImageRecord& image, const std::string& bestLabel) const;

    /// Whether `key` is one of the keys above (FITS spellings TELESCOP, INSTRUME, DATE_OBS too).
    static bool knownKey(const QString& key);
    /// The value of header key `key` of `image`; empty when unset or unknown.
    static QString headerValue(const ImageRecord& image, const QString& key);

private:
    QString m_folder;
    std::string m_folderPrefix;  // with a trailing '/'
    QString m_label;
    QString m_headerText;
    QStringList m_words;                              // lower case
    std::vector<std::pair<QString, QString>> m_keys;  // key, lower-case value
    QString m_problem;
};

}  // namespace cosmoclip
