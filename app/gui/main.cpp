// cosmoclip-gui: the desktop viewer. `cosmoclip-gui [FILE] [--screenshot OUT.png]`
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QTimer>
#include <cstdio>

#include "common/version.h"
#include "mainwindow.h"
#include "theme.h"

namespace {

// --screenshot: once the file is shown (or its error is), grab the window, save it and quit.
// The exit code says whether the image loaded; a watchdog ends a load that never finishes.
void armScreenshot(cosmoclip::MainWindow& window, const QString& out, bool haveFile) {
    auto save = [&window, out](int code) {
        // Let pending layout and paint events run so that the grab shows the final state.
        QTimer::singleShot(200, &window, [&window, out, code] {
            const bool ok = window.grab().save(out);
            if (!ok)
                std::fprintf(stderr, "cosmoclip-gui: cannot write %s\n", qPrintable(out));
            else
                std::printf("%s\n", qPrintable(QDir::toNativeSeparators(out)));
            QCoreApplication::exit(ok ? code : 2);
        });
    };
    if (!haveFile) {
        save(0);
        return;
    }
    QObject::connect(
        &window, &cosmoclip::MainWindow::imageShown, &window, [save] { save(0); }, Qt::SingleShotConnection);
    QObject::connect(
        &window, &cosmoclip::MainWindow::loadFailed, &window, [save] { save(1); }, Qt::SingleShotConnection);
    QTimer::singleShot(120000, &window, [] {
        std::fprintf(stderr, "cosmoclip-gui: gave up waiting for the image\n");
        QCoreApplication::exit(3);
    });
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("CosmoCLIP"));
    QApplication::setOrganizationName(QStringLiteral("CosmoCLIP"));
    QApplication::setApplicationVersion(QString::fromLatin1(cosmoclip::kVersion));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("CosmoCLIP viewer for FITS, PNG, JPEG and TIFF images"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Save the window as OUT.png once FILE is shown, then quit."),
        QStringLiteral("OUT.png"));
    const QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Window size, e.g. 1280x800."),
                                  QStringLiteral("WxH"));
    parser.addOption(screenshot);
    parser.addOption(size);
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("Image to open."),
                                 QStringLiteral("[FILE]"));
    parser.process(app);

    cosmoclip::applyTheme(app);
    cosmoclip::MainWindow window;
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split(QLatin1Char('x'));
        if (wh.size() == 2 && wh[0].toInt() > 0 && wh[1].toInt() > 0)
            window.resize(wh[0].toInt(), wh[1].toInt());
    }
    const QStringList files = parser.positionalArguments();
    if (parser.isSet(screenshot)) {
        armScreenshot(window, QFileInfo(parser.value(screenshot)).absoluteFilePath(), !files.isEmpty());
    }
    window.show();
    if (!files.isEmpty()) window.openFile(files.first());
    return app.exec();
}
