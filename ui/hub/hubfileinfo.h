#pragma once

#include <QString>
#include <QtGlobal>

namespace cosmoclip {

/// One file of a hub repository as its metadata describes it (a "sibling" of the model API).
struct HubFileInfo {
    QString name;     ///< path in the repository ("model.safetensors")
    qint64 size = -1; ///< bytes of the real content; -1 when the hub did not say
    QString blobId;   ///< git blob SHA-1 (of the LFS pointer for LFS files)
    QString sha256;   ///< LFS files: SHA-256 of the content, lower-case hex; empty otherwise
    bool isLfs() const { return !sha256.isEmpty(); }
};

}  // namespace cosmoclip
