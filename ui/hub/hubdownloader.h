#pragma once

#include <QString>
#include <QUrl>
#include <functional>

#include "hub/hubfileinfo.h"

namespace cosmoclip {

class HubHttp;

/// Downloads one hub file into a folder the way the hub's own client does: bytes go to
/// FILE.incomplete, an interrupted download resumes with `Range: bytes=N-` (a 200 answer restarts it
/// from zero), the size and checksum (lfs.sha256, or the git blob SHA-1 for files kept in git) are
/// checked against the metadata, and only then is the file renamed to its name. A file already
/// there with the right size and checksum is kept without any request.
class HubDownloader final {
public:
    /// Bytes of the current file done so far (including resumed bytes).
    using Progress = std::function<void(qint64 done)>;

    explicit HubDownloader(HubHttp& http) : m_http(http) {}

    /// Fetches FILE from URL into FOLDER and returns its SHA-256 (lower-case hex). Throws
    /// cosmoclip::Error on a checksum or size mismatch (the bad bytes are deleted), HubHttpError
    /// for failed requests and HubCancelled when cancelled (FILE.incomplete is kept in both cases).
    QString fetch(const HubFileInfo& file, const QUrl& url, const QString& folder, const Progress& progress);

    /// Bytes that came over the network during the last fetch() (0 when an existing file or a
    /// complete FILE.incomplete was used).
    qint64 lastTransferred() const { return m_transferred; }

private:
    QString verifyExisting(const HubFileInfo& file, const QString& path) const;
    void transfer(const HubFileInfo& file, const QUrl& url, const QString& partial, const Progress& progress);

    HubHttp& m_http;
    qint64 m_transferred = 0;
};

}  // namespace cosmoclip
