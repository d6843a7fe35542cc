#pragma once

#include <QString>

namespace cosmoclip {

/// A hub model repository name, "owner/name" (e.g. openai/clip-vit-base-patch32), checked against
/// the hub's naming rules so that it is safe in URLs and as a folder name.
class HubRepoId final {
public:
    static constexpr const char* kDefaultRevision = "main";

    /// Throws cosmoclip::Error "TEXT: why" for anything that is not owner/name.
    static HubRepoId parse(const QString& text);
    static bool isValid(const QString& text);

    /// Splits "owner/name@revision" (revision optional: main). Throws like parse().
    static HubRepoId parseSpec(const QString& spec, QString& revision);

    const QString& owner() const { return m_owner; }
    const QString& name() const { return m_name; }
    QString id() const { return m_owner + QLatin1Char('/') + m_name; }
    /// "owner/name" percent-encoded per segment, for URL paths.
    QString encodedPath() const;
    /// The model's folder name in the data folder: `owner--name`, plus `@revision` when the revision
    /// is not main (characters other than letters, digits, '.', '_' and '-' become '_').
    QString folderName(const QString& revision) const;

private:
    QString m_owner;
    QString m_name;
};

}  // namespace cosmoclip
