#pragma once

#include <QCryptographicHash>
#include <QString>

#include "common/sha256.h"

namespace cosmoclip {

/// The two checksums the hub publishes for a file, computed while its bytes stream by: SHA-256 of
/// the content (LFS files' `lfs.sha256`) and git's blob SHA-1, sha1("blob <size>\0" + content)
/// (the `blobId` of files stored in git itself). SIZE must be the file's full size; the SHA-1 is
/// computed only with GIT_BLOB (LFS files are checked by SHA-256 alone).
class FileChecksum final {
public:
    FileChecksum(qint64 size, bool gitBlob);

    void addData(const char* data, qint64 size);
    /// Adds the first BYTES of the file at PATH; throws cosmoclip::Error when it cannot be read.
    void addFile(const QString& path, qint64 bytes);
    /// Lower-case hex digests; call each at most once, after the last addData.
    QString sha256Hex();
    QString gitBlobSha1Hex();

private:
    Sha256 m_sha256;
    QCryptographicHash m_gitSha1{QCryptographicHash::Sha1};
    bool m_gitBlob;
};

}  // namespace cosmoclip
