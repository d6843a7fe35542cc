#include "hub/filechecksum.h"

#include <QByteArray>
#include <QFile>

#include "common/error.h"

namespace cosmoclip {

FileChecksum::FileChecksum(qint64 size, bool gitBlob) : m_gitBlob(gitBlob) {
    const QByteArray header = "blob " + QByteArray::number(size);
    m_gitSha1.addData(QByteArrayView(header.constData(), header.size() + 1));  // with its '\0'
}

void FileChecksum::addData(const char* data, qint64 size) {
    m_sha256.update(data, size_t(size));
    if (m_gitBlob) m_gitSha1.addData(QByteArrayView(data, size));
}

void FileChecksum::addFile(const QString& path, qint64 bytes) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) throw Error(path.toStdString(), "cannot read: " + file.errorString().toStdString());
    QByteArray block(1 << 20, Qt::Uninitialized);
    while (bytes > 0) {
        const qint64 n = file.read(block.data(), qMin<qint64>(block.size(), bytes));
        if (n <= 0) throw Error(path.toStdString(), "cannot read: " + file.errorString().toStdString());
        addData(block.constData(), n);
        bytes -= n;
    }
}

QString FileChecksum::sha256Hex() {
    return QString::fromStdString(m_sha256.finishHex());
}

QString FileChecksum::gitBlobSha1Hex() {
    return QString::fromLatin1(m_gitSha1.result().toHex());
}

}  // namespace cosmoclip
