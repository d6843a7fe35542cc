#include "fakehub.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutexLocker>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <memory>
#include <QUrl>

namespace {

QByteArray reason(int status) {
    switch (status) {
        case 200: return "OK";
        case 206: return "Partial Content";
        case 302: return "Found";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 416: return "Range Not Satisfiable";
        case 500: return "Internal Server Error";
        default: return "Status";
    }
}

QByteArray gitBlobSha1(const QByteArray& content) {
    return QCryptographicHash::hash("blob " + QByteArray::number(content.size()) + '\0' + content,
                                    QCryptographicHash::Sha1).toHex();
}

QByteArray errorBody(const QString& text) {
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), text}}).toJson(QJsonDocument::Compact);
}

}  // namespace

FakeHub::FakeHub() : m_thread(std::make_unique<QThread>()) {
    m_thread->setObjectName(QStringLiteral("fake hub"));
    m_context = new QObject;
    m_context->moveToThread(m_thread.get());
    m_thread->start();
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            auto* hub = new QTcpServer(m_context);
            auto* lfs = new QTcpServer(m_context);
            hub->listen(QHostAddress::LocalHost, 0);
            lfs->listen(QHostAddress::LocalHost, 0);
            m_hubPort = hub->serverPort();
            m_lfsPort = lfs->serverPort();
            serve(hub, QStringLiteral("hub"));
            serve(lfs, QStringLiteral("lfs"));
        },
        Qt::BlockingQueuedConnection);
}

FakeHub::~FakeHub() {
    QMetaObject::invokeMethod(m_context, [this] { delete m_context; }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
}

QString FakeHub::endpoint() const {
    return QStringLiteral("http://127.0.0.1:%1").arg(m_hubPort);
}

void FakeHub::addRepo(const QString& repo, const QString& folder) {
    const QDir dir(folder);
    for (const QString& name : dir.entryList(QDir::Files)) {
        QFile f(dir.filePath(name));
        if (f.open(QIODevice::ReadOnly)) addFile(repo, name, f.readAll());
    }
}

void FakeHub::addFile(const QString& repo, const QString& name, const QByteArray& content) {
    const QMutexLocker lock(&m_mutex);
    m_repos[repo].files[name] = content;
}

void FakeHub::removeFile(const QString& repo, const QString& name) {
    const QMutexLocker lock(&m_mutex);
    m_repos[repo].files.remove(name);
}

void FakeHub::dropAfter(const QString& file, qint64 bytes) {
    const QMutexLocker lock(&m_mutex);
    m_drops[file] = bytes;
}

void FakeHub::advertiseWrongChecksum(const QString& file) {
    const QMutexLocker lock(&m_mutex);
    m_wrongChecksums << file;
}

void FakeHub::failWith(const QString& text, int status, const QByteArray& errorCode) {
    const QMutexLocker lock(&m_mutex);
    m_failures.append({text, {status, errorCode}});
}

void FakeHub::slowDown(const QString& file) {
    const QMutexLocker lock(&m_mutex);
    m_slow << file;
}

void FakeHub::ignoreRanges(bool ignore) {
    const QMutexLocker lock(&m_mutex);
    m_ignoreRanges = ignore;
}

void FakeHub::clearFaults() {
    const QMutexLocker lock(&m_mutex);
    m_ignoreRanges = false;
    m_slow.clear();
    m_drops.clear();
    m_wrongChecksums.clear();
    m_failures.clear();
}

QList<FakeHub::Request> FakeHub::requests() const {
    const QMutexLocker lock(&m_mutex);
    return m_requests;
}

void FakeHub::clearRequests() {
    const QMutexLocker lock(&m_mutex);
    m_requests.clear();
}

bool FakeHub::isLfs(const QString& file) {
    return file.endsWith(QLatin1String(".safetensors")) || file.endsWith(QLatin1String(".bin"));
}

void FakeHub::serve(QObject* serverObject, const QString& name) {
    auto* server = static_cast<QTcpServer*>(serverObject);
    QObject::connect(server, &QTcpServer::newConnection, server, [this, server, name] {
        while (QTcpSocket* socket = server->nextPendingConnection()) {
            QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, name] {
                const QByteArray buffer = socket->property("request").toByteArray() + socket->readAll();
                const qsizetype end = buffer.indexOf("\r\n\r\n");
                if (end < 0) {
                    socket->setProperty("request", buffer);
                    return;
                }
                const QList<QByteArray> lines = buffer.left(end).split('\n');
                const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
                QMap<QByteArray, QByteArray> headers;
                for (qsizetype i = 1; i < lines.size(); ++i) {
                    const qsizetype colon = lines[i].indexOf(':');
                    if (colon > 0) headers[lines[i].left(colon).trimmed().toLower()] = lines[i].mid(colon + 1).trimmed();
                }
                const QByteArray path = requestLine.value(1);
                const Reply reply = answer(name, path, headers);
                const QByteArray body = reply.dropAfter >= 0 ? reply.body.left(reply.dropAfter) : reply.body;
                QByteArray head = "HTTP/1.1 " + QByteArray::number(reply.status) + ' ' + reason(reply.status) + "\r\n";
                for (const auto& [key, value] : reply.headers) head += key + ": " + value + "\r\n";
                head += "Content-Length: " + QByteArray::number(reply.body.size()) + "\r\nConnection: close\r\n\r\n";
                {
                    const QMutexLocker lock(&m_mutex);
                    m_requests.append({name, path, headers, reply.status, body.size()});
                }
                socket->write(head);
                if (reply.slow) {
                    sendSlowly(socket, body);
                    return;
                }
                socket->write(body);
                socket->disconnectFromHost();  // after the bytes above are sent
            });
        }
    });
}

void FakeHub::sendSlowly(QTcpSocket* socket, const QByteArray& body) {
    auto* timer = new QTimer(socket);
    auto sent = std::make_shared<qint64>(0);
    QObject::connect(timer, &QTimer::timeout, socket, [socket, timer, body, sent] {
        constexpr qint64 kChunk = 16 << 10;
        socket->write(body.mid(*sent, kChunk));
        *sent += kChunk;
        if (*sent >= body.size()) {
            timer->stop();
            socket->disconnectFromHost();
        }
    });
    timer->start(100);
}

FakeHub::Reply FakeHub::answer(const QString& server, const QByteArray& rawPath,
                               const QMap<QByteArray, QByteArray>& headers) {
    const QByteArray path = rawPath.left(rawPath.indexOf('?') < 0 ? rawPath.size() : rawPath.indexOf('?'));
    {
        const QMutexLocker lock(&m_mutex);
        for (const auto& [text, failure] : m_failures)
            if (QString::fromUtf8(path).contains(text)) {
                Reply r{failure.first, {}, errorBody(QStringLiteral("injected failure")), -1};
                if (!failure.second.isEmpty()) r.headers.append({"X-Error-Code", failure.second});
                return r;
            }
    }
    QStringList parts;
    for (const QByteArray& segment : path.split('/'))
        if (!segment.isEmpty()) parts << QUrl::fromPercentEncoding(segment);
    if (server == QLatin1String("lfs") && parts.size() == 4 && parts[0] == QLatin1String("lfs"))
        return content(parts[1] + QLatin1Char('/') + parts[2], parts[3], headers, false);
    if (server == QLatin1String("hub") && parts.size() == 6 && parts[0] == QLatin1String("api") && parts[1] == QLatin1String("models") &&
        parts[4] == QLatin1String("revision"))
        return metadata(parts[2] + QLatin1Char('/') + parts[3], parts[5]);
    if (server == QLatin1String("hub") && parts.size() == 5 && parts[2] == QLatin1String("resolve")) {
        if (parts[3] != QLatin1String("main") && parts[3] != QLatin1String(kCommit))
            return {404, {{"X-Error-Code", "RevisionNotFound"}}, errorBody(QStringLiteral("Invalid rev id")), -1};
        return content(parts[0] + QLatin1Char('/') + parts[1], parts[4], headers, true);
    }
    return {404, {}, errorBody(QStringLiteral("no such route")), -1};
}

FakeHub::Reply FakeHub::metadata(const QString& repo, const QString& revision) {
    const QMutexLocker lock(&m_mutex);
    if (!m_repos.contains(repo))
        return {404, {{"X-Error-Code", "RepoNotFound"}}, errorBody(QStringLiteral("Repository not found")), -1};
    if (revision != QLatin1String("main") && revision != QLatin1String(kCommit))
        return {404, {{"X-Error-Code", "RevisionNotFound"}}, errorBody(QStringLiteral("Invalid rev id: ") + revision), -1};
    QJsonArray siblings;
    const auto& files = m_repos[repo].files;
    for (auto it = files.begin(); it != files.end(); ++it) {
        const bool wrong = m_wrongChecksums.contains(it.key());
        const QByteArray content = wrong ? it.value() + "tampered" : it.value();
        QJsonObject s{{QStringLiteral("rfilename"), it.key()}, {QStringLiteral("size"), double(it.value().size())}};
        if (isLfs(it.key())) {
            const QByteArray sha256 = QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex();
            s.insert(QStringLiteral("blobId"), QString::fromLatin1(gitBlobSha1("version https://git-lfs.github.com/spec/v1\noid sha256:" + sha256)));
            s.insert(QStringLiteral("lfs"), QJsonObject{{QStringLiteral("sha256"), QString::fromLatin1(sha256)},
                                                        {QStringLiteral("size"), double(it.value().size())},
                                                        {QStringLiteral("pointerSize"), 134}});
        } else {
            s.insert(QStringLiteral("blobId"), QString::fromLatin1(gitBlobSha1(content)));
        }
        siblings.append(s);
    }
    const QJsonObject o{{QStringLiteral("id"), repo}, {QStringLiteral("modelId"), repo}, {QStringLiteral("sha"), QLatin1String(kCommit)},
                        {QStringLiteral("private"), false}, {QStringLiteral("siblings"), siblings}};
    return {200, {{"Content-Type", "application/json"}}, QJsonDocument(o).toJson(QJsonDocument::Compact), -1};
}

FakeHub::Reply FakeHub::content(const QString& repo, const QString& file, const QMap<QByteArray, QByteArray>& headers,
                                bool viaHub) {
    const QMutexLocker lock(&m_mutex);
    if (!m_repos.contains(repo)) return {404, {{"X-Error-Code", "RepoNotFound"}}, errorBody(QStringLiteral("Repository not found")), -1};
    if (!m_repos[repo].files.contains(file))
        return {404, {{"X-Error-Code", "EntryNotFound"}}, errorBody(QStringLiteral("Entry not found")), -1};
    if (viaHub && isLfs(file)) {
        const QByteArray location = "http://localhost:" + QByteArray::number(m_lfsPort) + "/lfs/" +
                                    QUrl::toPercentEncoding(repo, "/") + '/' + QUrl::toPercentEncoding(file);
        return {302, {{"Location", location}}, {}, -1};
    }
    const QByteArray& bytes = m_repos[repo].files[file];
    Reply r{200, {}, bytes, m_drops.contains(file) ? m_drops.take(file) : -1, m_slow.contains(file)};
    const QByteArray range = headers.value("range");
    if (!m_ignoreRanges && range.startsWith("bytes=") && range.endsWith('-')) {
        const qint64 start = range.mid(6, range.size() - 7).toLongLong();
        if (start >= bytes.size()) return {416, {{"Content-Range", "bytes */" + QByteArray::number(bytes.size())}}, {}, -1};
        r.status = 206;
        r.body = bytes.mid(start);
        r.headers.append({"Content-Range", "bytes " + QByteArray::number(start) + '-' + QByteArray::number(bytes.size() - 1) +
                                               '/' + QByteArray::number(bytes.size())});
    }
    return r;
}
