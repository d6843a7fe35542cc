#pragma once

#include <QByteArray>
#include <QString>
#include <vector>

#include "hub/hubfileinfo.h"

namespace cosmoclip {

/// What `GET {endpoint}/api/models/{repo}/revision/{revision}?blobs=true` says about a model
/// repository: the commit the revision points at and its files with sizes and checksums.
class HubModelInfo final {
public:
    /// Parses the API's JSON; throws cosmoclip::Error naming the repository when it is malformed
    /// or lacks the commit.
    static HubModelInfo fromJson(const QByteArray& json, const QString& repo, const QString& revision);

    QString repo;
    QString revision;
    QString commit;  ///< 40 hex digits
    std::vector<HubFileInfo> files;

    /// The file called NAME, or nullptr.
    const HubFileInfo* file(const QString& name) const;
};

}  // namespace cosmoclip
