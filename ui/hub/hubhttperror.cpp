#include "hub/hubhttperror.h"

namespace cosmoclip {

HubHttpError::HubHttpError(const QUrl& url_, int status_, const QString& networkError_, const QByteArray& hubErrorCode_,
                           const QString& serverMessage_, bool connected_)
    : Error(describe(url_, status_, networkError_, serverMessage_)),
      url(url_),
      status(status_),
      networkError(networkError_),
      hubErrorCode(hubErrorCode_),
      serverMessage(serverMessage_),
      connected(connected_) {}

std::string HubHttpError::describe(const QUrl& url, int status, const QString& networkError, const QString& serverMessage) {
    std::string text = url.toDisplayString(QUrl::RemoveQuery).toStdString() + ": ";
    text += status ? "HTTP " + std::to_string(status) : networkError.toStdString();
    if (!serverMessage.isEmpty()) text += " (" + serverMessage.toStdString() + ")";
    return text;
}

}  // namespace cosmoclip
