#include "hub/hubhttp.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxyFactory>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QTimer>
#include <exception>

#include "common/version.h"
#include "hub/hubcancelled.h"
#include "hub/hubhttperror.h"

namespace cosmoclip {

namespace {

constexpr int kMaxRedirects = 10;
constexpr int kStallTimeoutMs = 60000;
constexpr int kCancelPollMs = 100;
constexpr qint64 kMaxBodyBytes = 64ll << 20;

bool isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// The hub answers errors with {"error": "..."}; other servers with text or HTML.
QString serverMessage(const QByteArray& body) {
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    QString text = o.value(QLatin1String("error")).toString();
    if (text.isEmpty() && !body.trimmed().startsWith('<')) text = QString::fromUtf8(body.left(200)).trimmed();
    return text.section(QLatin1Char('\n'), 0, 0).left(200);
}

// Errors raised before any answer from the host: the machine is offline or the host is wrong.
bool neverConnected(QNetworkReply::NetworkError e) {
    switch (e) {
        case QNetworkReply::ConnectionRefusedError:
        case QNetworkReply::HostNotFoundError:
        case QNetworkReply::NetworkSessionFailedError:
        case QNetworkReply::TemporaryNetworkFailureError:
        case QNetworkReply::UnknownNetworkError:
        case QNetworkReply::ProxyConnectionRefusedError:
        case QNetworkReply::ProxyNotFoundError:
        case QNetworkReply::ProxyTimeoutError:
            return true;
        default:
            return false;
    }
}

// "bytes 100-999/1000" -> 100; -1 when absent or malformed.
qint64 contentRangeStart(const QByteArray& header) {
    static const QRegularExpression re(QStringLiteral("^bytes (\\d+)-\\d+/(\\d+|\\*)$"));
    const auto m = re.match(QString::fromLatin1(header.trimmed()));
    return m.hasMatch() ? m.captured(1).toLongLong() : -1;
}

}  // namespace

struct HubHttp::Exchange {
    StartHandler onStart;
    DataHandler onData;
    bool started = false;
    bool cancelled = false;
    std::exception_ptr failure;  // thrown by a handler
};

HubHttp::HubHttp(HubConfig config, const std::atomic<bool>* cancel)
    : m_config(std::move(config)), m_cancel(cancel), m_network(std::make_unique<QNetworkAccessManager>()) {
    // https_proxy / no_proxy, as huggingface_hub (requests) honours them.
    QNetworkProxyFactory::setUseSystemConfiguration(true);
}

HubHttp::~HubHttp() = default;

QByteArray HubHttp::get(const QUrl& url) {
    QByteArray body;
    download(
        url, 0, [&](qint64) { body.clear(); },
        [&](const QByteArray& data) {
            if (body.size() + data.size() > kMaxBodyBytes)
                throw HubHttpError(url, 200, {}, {}, QStringLiteral("answer larger than 64 MiB"), true);
            body += data;
        });
    return body;
}

void HubHttp::download(const QUrl& url, qint64 start, const StartHandler& onStart, const DataHandler& onData) {
    Exchange exchange;
    exchange.onStart = onStart;
    exchange.onData = onData;
    perform(url, start, exchange);
}

void HubHttp::perform(QUrl url, qint64 start, Exchange& exchange) {
    for (int hop = 0;; ++hop) {
        QNetworkRequest request(url);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        request.setHeader(QNetworkRequest::UserAgentHeader, QByteArray("cosmoclip/") + kVersion);
        request.setRawHeader("Accept-Encoding", "identity");
        if (!m_config.token.isEmpty() && m_config.isHubOrigin(url))
            request.setRawHeader("Authorization", "Bearer " + m_config.token);
        if (start > 0) request.setRawHeader("Range", "bytes=" + QByteArray::number(start) + "-");
        request.setTransferTimeout(kStallTimeoutMs);
        std::unique_ptr<QNetworkReply> reply(m_network->get(request));
        reply->setReadBufferSize(4 << 20);
        runReply(reply.get(), start, exchange);
        if (exchange.failure) std::rethrow_exception(exchange.failure);
        if (exchange.cancelled) throw HubCancelled();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (isRedirect(status)) {
            const QUrl location = QUrl::fromEncoded(reply->rawHeader("Location"));
            if (location.isEmpty() || hop >= kMaxRedirects)
                throw HubHttpError(url, status, {}, {}, QStringLiteral("redirect without a usable Location"), true);
            url = url.resolved(location);
            continue;
        }
        if (reply->error() != QNetworkReply::NoError || (status != 200 && status != 206)) {
            const QByteArray body = exchange.started ? QByteArray() : reply->readAll();
            throw HubHttpError(url, exchange.started ? 0 : status, reply->errorString(), reply->rawHeader("X-Error-Code"),
                               exchange.started ? QString() : serverMessage(body), !neverConnected(reply->error()));
        }
        return;
    }
}

void HubHttp::runReply(QNetworkReply* reply, qint64 start, Exchange& exchange) {
    const auto deliver = [&] {
        if (exchange.failure || exchange.cancelled) return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status != 200 && status != 206) return;  // error and redirect bodies are read at the end
        try {
            if (!exchange.started) {
                qint64 offset = 0;
                if (status == 206) {
                    offset = contentRangeStart(reply->rawHeader("Content-Range"));
                    if (offset != start)
                        throw HubHttpError(reply->url(), status, {}, {},
                                           QStringLiteral("the answer's Content-Range does not start at the requested byte"), true);
                }
                exchange.started = true;
                exchange.onStart(offset);
            }
            const QByteArray data = reply->readAll();
            if (!data.isEmpty()) exchange.onData(data);
        } catch (...) {
            exchange.failure = std::current_exception();
            reply->abort();
        }
    };
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::readyRead, &loop, deliver);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (m_cancel && m_cancel->load() && !exchange.cancelled) {
            exchange.cancelled = true;
            reply->abort();
        }
    });
    poll.start(kCancelPollMs);
    if (m_cancel && m_cancel->load()) {
        exchange.cancelled = true;
        reply->abort();
    }
    if (!reply->isFinished()) loop.exec(QEventLoop::ExcludeUserInputEvents);
    deliver();
}

}  // namespace cosmoclip
