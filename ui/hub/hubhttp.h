#pragma once

#include <QByteArray>
#include <QUrl>
#include <atomic>
#include <functional>
#include <memory>

#include "hub/hubconfig.h"

class QNetworkAccessManager;
class QNetworkReply;

namespace cosmoclip {

/// Blocking HTTP GETs to the hub for a thread without its own event loop running (the CLI's main
/// thread, a GUI job's worker): each call spins a local QEventLoop until the reply is complete. The
/// QNetworkAccessManager lives in the constructing thread; use the object only there.
///
/// Redirects are followed here, not by Qt, so that the token (Authorization: Bearer) goes only to the
/// hub's own origin and never to the storage host an LFS download is redirected to. Responses are
/// asked for without content encoding, so that byte offsets are the file's. A transfer that stalls
/// for a minute fails; the cancel flag is polled every 100 ms and aborts the transfer (HubCancelled).
/// Failures throw HubHttpError (status, network error, the hub's X-Error-Code and message).
class HubHttp final {
public:
    /// Called once with the offset at which the body starts in the file: the requested start for a
    /// 206 answer, 0 for a 200 (the server ignored the Range), then with each piece of the body.
    using StartHandler = std::function<void(qint64 offset)>;
    using DataHandler = std::function<void(const QByteArray& data)>;

    HubHttp(HubConfig config, const std::atomic<bool>* cancel = nullptr);
    ~HubHttp();
    HubHttp(const HubHttp&) = delete;
    HubHttp& operator=(const HubHttp&) = delete;

    const HubConfig& config() const { return m_config; }

    /// The whole body of a 200 answer (at most 64 MiB: metadata, index files).
    QByteArray get(const QUrl& url);
    /// Streams the body of URL from byte START (a Range request when START > 0) to the handlers.
    /// Exceptions thrown by a handler abort the transfer and come out of download().
    void download(const QUrl& url, qint64 start, const StartHandler& onStart, const DataHandler& onData);

private:
    struct Exchange;
    void perform(QUrl url, qint64 start, Exchange& exchange);
    void runReply(QNetworkReply* reply, qint64 start, Exchange& exchange);

    HubConfig m_config;
    const std::atomic<bool>* m_cancel;
    std::unique_ptr<QNetworkAccessManager> m_network;
};

}  // namespace cosmoclip
