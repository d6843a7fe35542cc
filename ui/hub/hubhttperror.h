#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

#include "common/error.h"

namespace cosmoclip {

/// A failed hub request as HubHttp saw it, before the caller puts it in words for what it was
/// fetching: the HTTP status (0 when no response came: unreachable host, dropped connection), Qt's
/// description of a network failure, the hub's X-Error-Code header (RepoNotFound, RevisionNotFound,
/// EntryNotFound, GatedRepo) and the "error" text of its JSON body.
class HubHttpError final : public Error {
public:
    HubHttpError(const QUrl& url, int status, const QString& networkError, const QByteArray& hubErrorCode,
                 const QString& serverMessage, bool connected);

    QUrl url;
    int status = 0;
    QString networkError;
    QByteArray hubErrorCode;
    QString serverMessage;
    bool connected = false;  ///< false when the host was never reached (offline, refused, DNS)

private:
    static std::string describe(const QUrl& url, int status, const QString& networkError, const QString& serverMessage);
};

}  // namespace cosmoclip
