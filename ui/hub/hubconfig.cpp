#include "hub/hubconfig.h"

#include <QtGlobal>

namespace cosmoclip {

namespace {

const char* const kDefaultEndpoint = "https://huggingface.co";

// huggingface_hub reads HF_HUB_OFFLINE as a boolean: 1, ON, YES, TRUE (any case).
bool isTrue(const QByteArray& value) {
    const QByteArray v = value.trimmed().toUpper();
    return v == "1" || v == "ON" || v == "YES" || v == "TRUE";
}

}  // namespace

HubConfig HubConfig::fromEnvironment() {
    HubConfig config;
    QString endpoint = qEnvironmentVariable("HF_ENDPOINT").trimmed();
    if (endpoint.isEmpty()) endpoint = QString::fromLatin1(kDefaultEndpoint);
    while (endpoint.endsWith(QLatin1Char('/'))) endpoint.chop(1);
    config.endpoint = QUrl(endpoint);
    config.token = qgetenv("HF_TOKEN").trimmed();
    if (config.token.isEmpty()) config.token = qgetenv("HUGGING_FACE_HUB_TOKEN").trimmed();
    config.offline = isTrue(qgetenv("HF_HUB_OFFLINE"));
    return config;
}

bool HubConfig::isHubOrigin(const QUrl& url) const {
    return url.scheme().compare(endpoint.scheme(), Qt::CaseInsensitive) == 0 &&
           url.host().compare(endpoint.host(), Qt::CaseInsensitive) == 0 &&
           url.port(url.scheme() == QLatin1String("https") ? 443 : 80) ==
               endpoint.port(endpoint.scheme() == QLatin1String("https") ? 443 : 80);
}

QUrl HubConfig::url(const QString& encodedPath) const {
    return QUrl(endpoint.toString(QUrl::FullyEncoded) + QLatin1Char('/') + encodedPath, QUrl::StrictMode);
}

}  // namespace cosmoclip
