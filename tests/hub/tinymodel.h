#pragma once

#include <QDir>
#include <QProcess>
#include <QString>
#include <QStringList>

// A tiny CLIP in the Hugging Face layout made by the project itself (`cosmoclip model init --config
// tiny` with the built-in model's tokenizer): about 1.5 MB, loads in milliseconds. Returns an
// error message, or "" once FOLDER holds it.
inline QString makeTinyModel(const QString& folder) {
    QProcess p;
    p.start(QStringLiteral(COSMOCLIP_CLI),
            {QStringLiteral("model"), QStringLiteral("init"), QStringLiteral("--config"), QStringLiteral("tiny"),
             QStringLiteral("--tokenizer"), QStringLiteral(COSMOCLIP_SOURCE_DIR "/models/cosmoclip-default"),
             QStringLiteral("--out"), folder, QStringLiteral("--seed"), QStringLiteral("3")});
    if (!p.waitForFinished(60000)) return QStringLiteral("cosmoclip model init timed out");
    if (p.exitCode() != 0) return QString::fromUtf8(p.readAllStandardError());
    return QDir(folder).exists(QStringLiteral("model.safetensors")) ? QString() : QStringLiteral("no model.safetensors written");
}
