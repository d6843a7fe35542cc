// cosmoclip-gui: the desktop app.
//   cosmoclip-gui [FILE] [--catalog CATALOG [--model PATH] [--add PATH]... [--query TEXT] [--select N]
//                 [--find-similar] [--dialog models|finetune] [--finetune EPOCHS]] [--night] [--size WxH]
//                 [--screenshot OUT.png] [--lang system|en|ru]
// The catalog options run in order once the window is idle, so that scripted screenshots
// (packaging/screenshots.sh) show each screen in a known state.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QIcon>
#include <QListView>
#include <QSpinBox>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

#include "builtinmodel.h"
#include "catalogbrowser.h"
#include "catalogcontroller.h"
#include "common/version.h"
#include "runtimetuning.h"
#include "errorbanner.h"
#include "finetunewizard.h"
#include "imagegridmodel.h"
#include "language.h"
#include "mainwindow.h"
#include "modelmanagerdialog.h"
#include "querybar.h"
#include "theme.h"
#include "trainingdashboard.h"

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

/// Runs steps one after another, each once the window has been idle (no job, no thumbnail, no image
/// load) for a few polls; then quits or leaves the window to the user.
class StepRunner : public QObject {
public:
    using Step = std::function<void()>;

    StepRunner(cosmoclip::MainWindow& window, std::vector<Step> steps)
        : QObject(&window), m_window(window), m_steps(std::move(steps)) {
        connect(&m_timer, &QTimer::timeout, this, &StepRunner::poll);
        m_timer.start(100);
        QTimer::singleShot(300000, this, [] {
            std::fprintf(stderr, "cosmoclip-gui: gave up waiting for the catalog work to finish\n");
            QCoreApplication::exit(3);
        });
    }

private:
    void poll() {
        m_idleTicks = m_window.isBusy() ? 0 : m_idleTicks + 1;
        if (m_idleTicks < 4) return;  // a few quiet polls: paint events and chained jobs have run
        m_idleTicks = 0;
        if (m_next >= m_steps.size()) {
            m_timer.stop();
            return;
        }
        m_steps[m_next++]();
    }

    cosmoclip::MainWindow& m_window;
    std::vector<Step> m_steps;
    size_t m_next = 0;
    int m_idleTicks = 0;
    QTimer m_timer;
};

// The language before anything is shown (the options' own descriptions included): --lang, else
// the stored choice. Read from the raw arguments because the parser's texts depend on it.
QString chosenLanguage(const QStringList& arguments) {
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString& a = arguments[i];
        if (a == QLatin1String("--lang") && i + 1 < arguments.size()) return arguments[i + 1];
        if (a.startsWith(QLatin1String("--lang="))) return a.mid(7);
    }
    return cosmoclip::Language::choice();
}

}  // namespace

int main(int argc, char** argv) {
    cosmoclip::app::tuneRuntimeEnvironment(argv);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("CosmoCLIP"));
    QApplication::setOrganizationName(QStringLiteral("CosmoCLIP"));
    QApplication::setApplicationVersion(QString::fromLatin1(cosmoclip::kVersion));
    // Desktop shells match the window to org.cosmoclip.CosmoCLIP.desktop (and its icon) by this name.
    QGuiApplication::setDesktopFileName(QStringLiteral("org.cosmoclip.CosmoCLIP"));
    QIcon icon;
    for (const int px : {16, 24, 32, 48, 64, 128, 256}) icon.addFile(QStringLiteral(":/icons/%1.png").arg(px));
    QApplication::setWindowIcon(icon);
    // The catalog side falls back on $COSMOCLIP_DEFAULT_MODEL: point it at the built-in model,
    // found beside an installed binary or in the source tree (app/builtinmodel.h).
    if (const std::string builtin = cosmoclip::app::builtinModelPath(); !builtin.empty())
        qputenv("COSMOCLIP_DEFAULT_MODEL", QByteArray::fromStdString(builtin));
    cosmoclip::Language::install(cosmoclip::Language::resolve(chosenLanguage(QApplication::arguments())));

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "CosmoCLIP: browse, label and search sky images"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QCoreApplication::translate("main", "Save the window as OUT.png once everything asked for is "
                                                       "shown, then quit."),
                                        QStringLiteral("OUT.png"));
    const QCommandLineOption size(QStringLiteral("size"), QCoreApplication::translate("main", "Window size, e.g. 1280x800."),
                                  QStringLiteral("WxH"));
    const QCommandLineOption catalog(QStringLiteral("catalog"),
                                     QCoreApplication::translate("main", "Open this catalog (created when missing) instead of the last one."),
                                     QStringLiteral("CATALOG"));
    const QCommandLineOption model(QStringLiteral("model"), QCoreApplication::translate("main", "Make this model folder or .pt active."),
                                   QStringLiteral("PATH"));
    const QCommandLineOption add(QStringLiteral("add"), QCoreApplication::translate("main", "Add a file or folder to the catalog (repeatable)."),
                                 QStringLiteral("PATH"));
    const QCommandLineOption query(QStringLiteral("query"),
                                   QCoreApplication::translate("main", "Run a query: labels with commas, else a search."),
                                   QStringLiteral("TEXT"));
    const QCommandLineOption select(QStringLiteral("select"), QCoreApplication::translate("main", "Select the N-th image of the grid (0 first)."),
                                    QStringLiteral("N"));
    const QCommandLineOption findSimilar(QStringLiteral("find-similar"),
                                         QCoreApplication::translate("main", "Find images similar to the selected one."));
    const QCommandLineOption dialog(QStringLiteral("dialog"),
                                    QCoreApplication::translate("main", "Show a dialog: models, or finetune (the wizard's data page)."),
                                    QStringLiteral("NAME"));
    const QCommandLineOption finetune(QStringLiteral("finetune"),
                                      QCoreApplication::translate("main", "Fine-tune the active model for EPOCHS epochs with the wizard's "
                                                     "other defaults (batch 8) and show the training dashboard."),
                                      QStringLiteral("EPOCHS"));
    const QCommandLineOption night(QStringLiteral("night"), QCoreApplication::translate("main", "Start in red night-vision mode."));
    const QCommandLineOption lang(QStringLiteral("lang"),
                                  QCoreApplication::translate("main", "Language of the window: system, en or ru (default: "
                                                                      "the choice in View \u203a Language)."),
                                  QStringLiteral("LANG"));
    parser.addOptions({screenshot, size, catalog, model, add, query, select, findSimilar, dialog, finetune, night, lang});
    parser.addPositionalArgument(QStringLiteral("file"), QCoreApplication::translate("main", "Image to open."), QStringLiteral("[FILE]"));
    parser.process(app);

    cosmoclip::applyTheme(app);
    cosmoclip::MainWindow window;
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split(QLatin1Char('x'));
        if (wh.size() == 2 && wh[0].toInt() > 0 && wh[1].toInt() > 0)
            window.resize(wh[0].toInt(), wh[1].toInt());
    }
    if (parser.isSet(night)) window.setNightVision(true);
    const QStringList files = parser.positionalArguments();
    const QString out = parser.isSet(screenshot) ? QFileInfo(parser.value(screenshot)).absoluteFilePath() : QString();
    window.show();

    if (!parser.isSet(catalog)) {
        if (!out.isEmpty()) armScreenshot(window, out, !files.isEmpty());
        else window.restoreLastCatalog();
        if (!files.isEmpty()) window.openFile(files.first());
        return app.exec();
    }

    using Step = StepRunner::Step;
    std::vector<Step> steps;
    const QString catalogPath = QFileInfo(parser.value(catalog)).absoluteFilePath();
    steps.push_back([&window, catalogPath] { window.openCatalog(catalogPath, !QFileInfo::exists(catalogPath)); });
    if (parser.isSet(model)) steps.push_back([&window, m = parser.value(model)] { window.catalog()->loadModel(m); });
    if (parser.isSet(add)) steps.push_back([&window, paths = parser.values(add)] { window.addToCatalog(paths); });
    if (parser.isSet(query)) {
        steps.push_back([&window, q = parser.value(query)] {
            window.queryBar()->setText(q);
            window.queryBar()->submit();
        });
    }
    if (parser.isSet(select)) {
        steps.push_back([&window, n = parser.value(select).toInt()] {
            cosmoclip::ImageGridModel* grid = window.browser()->model();
            if (n >= 0 && n < grid->rowCount()) window.browser()->selectImage(grid->imageIdAt(n));
        });
    }
    if (parser.isSet(findSimilar)) {
        steps.push_back([&window] { window.catalog()->findSimilar(window.browser()->currentImageId()); });
    }
    if (!files.isEmpty()) steps.push_back([&window, f = files.first()] { window.openFile(f); });
    const bool showModels = parser.value(dialog) == QLatin1String("models");
    const bool showWizard = parser.value(dialog) == QLatin1String("finetune") || parser.isSet(finetune);
    if (showModels) steps.push_back([&window] { window.showModelManager(); });
    if (showWizard) {
        steps.push_back([&window] { window.showFineTuneWizard(); });
        // The data page once the wizard has read the catalog (the runner waits for idle windows only).
        steps.push_back([&window] {
            if (cosmoclip::FineTuneWizard* wizard = window.fineTuneWizard()) {
                QEventLoop wait;
                QTimer::singleShot(20000, &wait, &QEventLoop::quit);
                if (!wizard->examplesLoaded())
                    QObject::connect(wizard, &cosmoclip::FineTuneWizard::examplesReady, &wait, &QEventLoop::quit);
                if (!wizard->examplesLoaded()) wait.exec();
                wizard->next();
            }
        });
    }
    if (parser.isSet(finetune)) {
        steps.push_back([&window, epochs = parser.value(finetune).toInt()] {
            cosmoclip::FineTuneWizard* wizard = window.fineTuneWizard();
            if (!wizard) return;
            wizard->next();
            wizard->epochsBox()->setValue(std::max(1, epochs));
            wizard->batchBox()->setValue(8);
            wizard->accept();  // Start: the dashboard runs the plan; the runner waits for it to end
        });
    }
    const bool showDashboard = parser.isSet(finetune);
    if (!out.isEmpty()) {
        steps.push_back([&window, out, showModels, showWizard, showDashboard] {
            QWidget* target = showModels      ? static_cast<QWidget*>(window.modelManager())
                              : showDashboard ? static_cast<QWidget*>(window.trainingDashboard())
                              : showWizard && window.fineTuneWizard() ? static_cast<QWidget*>(window.fineTuneWizard())
                                                                      : &window;
            const bool ok = target->grab().save(out);
            const bool banner = window.banner()->isVisible();
            if (banner) std::fprintf(stderr, "cosmoclip-gui: %s\n", qPrintable(window.banner()->text()));
            if (ok) std::printf("%s\n", qPrintable(QDir::toNativeSeparators(out)));
            else std::fprintf(stderr, "cosmoclip-gui: cannot write %s\n", qPrintable(out));
            QCoreApplication::exit(!ok ? 2 : banner ? 1 : 0);
        });
    }
    new StepRunner(window, std::move(steps));
    return app.exec();
}
