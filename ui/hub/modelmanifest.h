#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <optional>
#include <vector>

namespace cosmoclip {

/// `cosmoclip-model.json`, written last into a pulled model's folder: the folder is a registered
/// model only when it holds this file, and the file exists only once every listed file was
/// downloaded and verified and the model loaded. It records where the files came from.
class ModelManifest final {
public:
    static constexpr const char* kFileName = "cosmoclip-model.json";

    struct File {
        QString name;
        qint64 size = 0;
        QString sha256;
        QString convertedFrom;  ///< for a safetensors file made from a PyTorch pickle: the pickle's name
        QString sourceSha256;   ///< ... and its SHA-256 as the hub gave it
    };

    QString repo;
    QString revision;
    QString commit;
    QString endpoint;
    QString layout;  ///< "Hugging Face" or "open_clip"
    QDateTime downloadedAt;
    std::vector<File> files;

    qint64 totalSize() const;
    QJsonObject toJson() const;
    /// Throws cosmoclip::Error naming WHERE when a required key is missing.
    static ModelManifest fromJson(const QJsonObject& o, const QString& where);

    /// Writes FOLDER/cosmoclip-model.json atomically (temporary file, rename). Throws cosmoclip::Error.
    void write(const QString& folder) const;
    /// The manifest of FOLDER, or nullopt when it has none or it is unreadable.
    static std::optional<ModelManifest> read(const QString& folder);
};

}  // namespace cosmoclip
