#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QMutex>
#include <QString>
#include <memory>

class QThread;
class QObject;
class QTcpSocket;

/// A stand-in for the Hugging Face hub on 127.0.0.1 (loopback only), serving the hub's URL layout
/// from memory on its own thread (so a test may block on a child process meanwhile):
///   GET /api/models/{owner}/{name}/revision/{rev}?blobs=true   metadata: sha, siblings (size, blobId, lfs)
///   GET /{owner}/{name}/resolve/{rev}/{file}                    git files: the bytes; LFS files (*.safetensors,
///                                                                *.bin): 302 to the storage server below
///   GET /lfs/{owner}/{name}/{file}   on a second port, reached as "localhost" (another host for the token rule)
/// Both honour `Range: bytes=N-` (206). Unknown repositories, revisions and files get 404 with the
/// hub's X-Error-Code. Faults for tests: drop a connection mid-file, advertise a wrong checksum,
/// answer a path with a status. Every request is logged with its headers and body bytes sent.
class FakeHub final {
public:
    static constexpr const char* kCommit = "0123456789abcdef0123456789abcdef01234567";

    struct Request {
        QString server;  ///< "hub" or "lfs"
        QByteArray path;
        QMap<QByteArray, QByteArray> headers;  ///< names in lower case
        int status = 0;
        qint64 bodyBytes = 0;
    };

    FakeHub();
    ~FakeHub();
    FakeHub(const FakeHub&) = delete;
    FakeHub& operator=(const FakeHub&) = delete;

    QString endpoint() const;
    quint16 storagePort() const { return m_lfsPort; }

    /// Serves every regular file of FOLDER as REPO ("owner/name").
    void addRepo(const QString& repo, const QString& folder);
    void addFile(const QString& repo, const QString& name, const QByteArray& content);
    void removeFile(const QString& repo, const QString& name);

    /// The next download of FILE sends BYTES bytes of its body, then closes the connection.
    void dropAfter(const QString& file, qint64 bytes);
    /// The metadata gives FILE a checksum that does not match its bytes.
    void advertiseWrongChecksum(const QString& file);
    /// Requests whose path contains TEXT are answered with STATUS (and X-Error-Code ERROR_CODE).
    void failWith(const QString& text, int status, const QByteArray& errorCode = {});
    /// FILE's bytes are sent slowly (16 KiB every 100 ms), so that a client can be interrupted mid-file.
    void slowDown(const QString& file);
    /// Range headers are ignored: the whole file comes back with 200, as from servers without ranges.
    void ignoreRanges(bool ignore);
    void clearFaults();

    QList<Request> requests() const;
    void clearRequests();

private:
    struct Repo {
        QMap<QString, QByteArray> files;
    };
    struct Reply {
        int status = 200;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;
        qint64 dropAfter = -1;
        bool slow = false;
    };
    void serve(QObject* server, const QString& name);
    static void sendSlowly(QTcpSocket* socket, const QByteArray& body);
    Reply answer(const QString& server, const QByteArray& path, const QMap<QByteArray, QByteArray>& headers);
    Reply metadata(const QString& repo, const QString& revision);
    Reply content(const QString& repo, const QString& file, const QMap<QByteArray, QByteArray>& headers, bool viaHub);
    static bool isLfs(const QString& file);

    mutable QMutex m_mutex;
    QMap<QString, Repo> m_repos;
    QMap<QString, qint64> m_drops;
    QList<QString> m_wrongChecksums;
    QList<QString> m_slow;
    QList<std::pair<QString, QPair<int, QByteArray>>> m_failures;
    QList<Request> m_requests;
    bool m_ignoreRanges = false;
    std::unique_ptr<QThread> m_thread;
    QObject* m_context = nullptr;  // lives on m_thread; parent of the servers
    quint16 m_hubPort = 0;
    quint16 m_lfsPort = 0;
};
