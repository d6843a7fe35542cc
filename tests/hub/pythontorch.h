#pragma once

#include <QFileInfo>
#include <QProcess>
#include <QString>
#include <QStringList>

// Debian's /usr/bin/python3 with python3-torch makes PyTorch pickles at test time; tests that need
// them skip when it is not installed.
inline bool havePythonTorch() {
    if (!QFileInfo::exists(QStringLiteral("/usr/bin/python3"))) return false;
    QProcess p;
    p.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), QStringLiteral("import torch")});
    return p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

/// Runs tests/hub/make_torch_bin.py with ARGS; returns its stderr when it fails, else "".
inline QString runMakeTorchBin(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral("/usr/bin/python3"),
            QStringList{QStringLiteral(COSMOCLIP_SOURCE_DIR "/tests/hub/make_torch_bin.py")} + args);
    if (!p.waitForFinished(120000)) return QStringLiteral("make_torch_bin.py timed out");
    return p.exitCode() == 0 ? QString() : QString::fromUtf8(p.readAllStandardError()) + QStringLiteral(" (exit code %1)").arg(p.exitCode());
}
