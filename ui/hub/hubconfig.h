#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace cosmoclip {

/// Where the Hugging Face hub is and how to talk to it, read from the environment variables that
/// huggingface_hub users already set: HF_ENDPOINT (a mirror or a test server; default
/// https://huggingface.co), HF_TOKEN or the older HUGGING_FACE_HUB_TOKEN (for gated and private
/// repositories), HF_HUB_OFFLINE=1 (never contact the hub).
class HubConfig final {
public:
    static HubConfig fromEnvironment();

    QUrl endpoint;     ///< scheme, host, port and optional path prefix; no trailing slash
    QByteArray token;  ///< empty when none is set
    bool offline = false;

    /// The endpoint as users wrote it, for messages.
    QString endpointText() const { return endpoint.toString(); }
    /// Whether a request to URL may carry the token: only to the hub's own scheme, host and port,
    /// never to the storage host a download is redirected to.
    bool isHubOrigin(const QUrl& url) const;
    /// `{endpoint}/{path}` where PATH is already percent-encoded as needed.
    QUrl url(const QString& encodedPath) const;
};

}  // namespace cosmoclip
