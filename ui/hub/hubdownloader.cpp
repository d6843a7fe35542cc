#include "hub/hubdownloader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <filesystem>
#include <optional>

#include "common/error.h"
#include "hub/filechecksum.h"
#include "hub/hubhttp.h"
#include "hub/hubhttperror.h"

namespace cosmoclip {

namespace {

std::string str(const QString& s) { return s.toStdString(); }

// The checksum the hub gives for FILE, computed the same way; empty string when it matches.
QString mismatch(const HubFileInfo& file, FileChecksum& sums, QString& sha256) {
    sha256 = sums.sha256Hex();
    if (file.isLfs())
        return sha256 == file.sha256 ? QString() : QStringLiteral("SHA-256 %1, the hub says %2").arg(sha256, file.sha256);
    const QString sha1 = sums.gitBlobSha1Hex();
    return sha1 == file.blobId ? QString() : QStringLiteral("git blob SHA-1 %1, the hub says %2").arg(sha1, file.blobId);
}

void removeFile(const QString& path) {
    QFile::remove(path);
}

void renameOver(const QString& from, const QString& to) {
    std::error_code ec;
    std::filesystem::rename(QFile::encodeName(from).toStdString(), QFile::encodeName(to).toStdString(), ec);
    if (ec) throw Error(str(to), "cannot rename the finished download into place: " + ec.message());
}

}  // namespace

QString HubDownloader::verifyExisting(const HubFileInfo& file, const QString& path) const {
    const QFileInfo info(path);
    if (!info.isFile() || info.size() != file.size) return {};
    FileChecksum sums(file.size, !file.isLfs());
    sums.addFile(path, file.size);
    QString sha256;
    return mismatch(file, sums, sha256).isEmpty() ? sha256 : QString();
}

QString HubDownloader::fetch(const HubFileInfo& file, const QUrl& url, const QString& folder, const Progress& progress) {
    m_transferred = 0;
    const QString path = QDir(folder).filePath(file.name);
    if (file.size < 0) throw Error(str(file.name), "the hub's metadata gives no size for this file");
    if (!file.isLfs() && file.blobId.size() != 40)
        throw Error(str(file.name), "the hub's metadata gives no checksum for this file");
    if (const QString sha = verifyExisting(file, path); !sha.isEmpty()) {
        progress(file.size);
        return sha;
    }
    removeFile(path);
    const QString partial = path + QStringLiteral(".incomplete");
    if (QFileInfo(partial).size() > file.size) removeFile(partial);
    try {
        transfer(file, url, partial, progress);
    } catch (const HubHttpError& e) {
        // 416: the server cannot serve the rest of what we hold; start over once.
        if (e.status != 416) throw;
        removeFile(partial);
        transfer(file, url, partial, progress);
    }
    const qint64 got = QFileInfo(partial).size();
    if (got > file.size) {
        removeFile(partial);
        throw Error(str(path), QStringLiteral("received %1 bytes, the hub says %2; the download was deleted").arg(got).arg(file.size).toStdString());
    }
    if (got < file.size)
        throw Error(str(path), QStringLiteral("the transfer ended after %1 of %2 bytes; the partial download is kept: run the "
                                              "pull again to resume it").arg(got).arg(file.size).toStdString());
    FileChecksum sums(file.size, !file.isLfs());
    sums.addFile(partial, file.size);
    QString sha256;
    if (const QString why = mismatch(file, sums, sha256); !why.isEmpty()) {
        removeFile(partial);
        throw Error(str(path), "checksum mismatch (" + str(why) + "); the download was deleted");
    }
    renameOver(partial, path);
    return sha256;
}

void HubDownloader::transfer(const HubFileInfo& file, const QUrl& url, const QString& partial, const Progress& progress) {
    QFile out(partial);
    // Unbuffered: what arrived is on disk when the process is interrupted, ready to be resumed.
    if (!out.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered))
        throw Error(str(partial), "cannot write: " + str(out.errorString()));
    qint64 have = out.size();
    progress(have);
    if (have == file.size) return;  // complete from an earlier run; only the checks are left
    m_http.download(
        url, have,
        [&](qint64 offset) {
            if (offset == have) return;
            // A 200 answer to a Range request: the server sends everything again.
            if (!out.resize(0)) throw Error(str(partial), "cannot truncate: " + str(out.errorString()));
            have = 0;
            progress(0);
        },
        [&](const QByteArray& data) {
            if (have + data.size() > file.size)
                throw Error(str(partial), QStringLiteral("the server sent more than the %1 bytes the hub's metadata gives").arg(file.size).toStdString());
            if (out.write(data) != data.size()) throw Error(str(partial), "cannot write: " + str(out.errorString()));
            have += data.size();
            m_transferred += data.size();
            progress(have);
        });
    if (!out.flush()) throw Error(str(partial), "cannot write: " + str(out.errorString()));
}

}  // namespace cosmoclip
