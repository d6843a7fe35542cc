// The model manager's "Download from Hugging Face…" against a fake hub on 127.0.0.1 (tests/hub):
// the job's progress in bytes, the model offered for use after the download, errors shown in the
// window, Cancel keeping the partial file, and the repository dialog's checks.
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QProgressDialog>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

#include "catalogcontroller.h"
#include "fakehub.h"
#include "hubdownloaddialog.h"
#include "hubpulljob.h"
#include "modelmanagerdialog.h"
#include "tinymodel.h"

using namespace cosmoclip;

namespace {
const QString kRepo = QStringLiteral("tiny/clip-hf");
}

class TestHubDownload : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    std::unique_ptr<FakeHub> m_hub;
    std::unique_ptr<QTemporaryDir> m_models;
    std::unique_ptr<CatalogController> m_controller;
    std::unique_ptr<ModelManagerDialog> m_dialog;

    QString modelFolder() const { return QDir(m_models->path()).filePath(QStringLiteral("tiny--clip-hf")); }
    void waitForDownload() {
        QTRY_VERIFY_WITH_TIMEOUT(!m_dialog->downloadJob(), 20000);  // deleted once ended
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        const QString tiny = QDir(m_tmp.path()).filePath(QStringLiteral("tiny"));
        const QString error = makeTinyModel(tiny);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_hub = std::make_unique<FakeHub>();
        m_hub->addRepo(kRepo, tiny);
        qputenv("HF_ENDPOINT", m_hub->endpoint().toUtf8());
        qunsetenv("HF_TOKEN");
        qunsetenv("HF_HUB_OFFLINE");
    }

    void init() {
        m_models = std::make_unique<QTemporaryDir>();
        qputenv("COSMOCLIP_MODELS_DIR", m_models->path().toUtf8());
        m_hub->clearFaults();
        m_controller = std::make_unique<CatalogController>();
        m_controller->openCatalog(QDir(m_models->path()).filePath(QStringLiteral("catalog.sqlite")), true);
        QTRY_VERIFY_WITH_TIMEOUT(m_controller->snapshot() && !m_controller->isBusy(), 20000);
        m_dialog = std::make_unique<ModelManagerDialog>(m_controller.get());
        m_dialog->show();
    }

    void cleanup() {
        m_dialog.reset();
        QTRY_VERIFY_WITH_TIMEOUT(!m_controller->isBusy(), 20000);
        m_controller.reset();
    }

    void downloadShowsProgressAndOffersTheModel() {
        m_dialog->startDownload(kRepo);
        HubPullJob* job = m_dialog->downloadJob();
        QVERIFY(job);
        QVERIFY(m_dialog->downloadProgress()->isVisible());
        QSignalSpy progress(job, &Job::progress);
        QSignalSpy finished(job, &Job::finished);
        waitForDownload();
        QCOMPARE(finished.size(), 1);
        QVERIFY(!progress.isEmpty());
        const auto last = progress.last();
        QCOMPARE(last.at(0).toLongLong(), last.at(1).toLongLong());  // bytes done == total at the end
        QVERIFY(last.at(1).toLongLong() > 10000);
        QVERIFY(!m_dialog->downloadProgress()->isVisible());
        const QString status = m_dialog->downloadStatus()->text();
        QVERIFY2(status.contains(kRepo) && status.contains(QDir::toNativeSeparators(modelFolder())), qPrintable(status));
        QVERIFY(m_dialog->useDownloadedButton()->isVisible() && m_dialog->useDownloadedButton()->isEnabled());
        QVERIFY(QFile::exists(QDir(modelFolder()).filePath(QStringLiteral("cosmoclip-model.json"))));

        // Used like an added folder: loaded and registered in the catalog, then active.
        QTest::mouseClick(m_dialog->useDownloadedButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(m_controller->model() && m_controller->model()->path == modelFolder(), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(m_dialog->table()->rowCount(), 1, 10000);
    }

    void errorsShowInTheWindow() {
        m_dialog->startDownload(QStringLiteral("nobody/missing"));
        waitForDownload();
        const QString status = m_dialog->downloadStatus()->text();
        QVERIFY2(status.contains(QLatin1String("nobody/missing")) && status.contains(QLatin1String("404")), qPrintable(status));
        QVERIFY(!m_dialog->useDownloadedButton()->isVisible());
        QVERIFY(!m_dialog->downloadProgress()->isVisible());
    }

    void cancelKeepsThePartialFile() {
        m_hub->slowDown(QStringLiteral("model.safetensors"));
        m_dialog->startDownload(kRepo);
        const QString partial = QDir(modelFolder()).filePath(QStringLiteral("model.safetensors.incomplete"));
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(partial).size() > 0, 15000);
        QSignalSpy cancelled(m_dialog->downloadJob(), &Job::cancelled);
        QPushButton* cancel = m_dialog->downloadProgress()->findChild<QPushButton*>();
        QVERIFY(cancel && cancel->isVisible());
        QTest::mouseClick(cancel, Qt::LeftButton);
        waitForDownload();
        QCOMPARE(cancelled.size(), 1);
        QVERIFY2(m_dialog->downloadStatus()->text().contains(QLatin1String("resume")), qPrintable(m_dialog->downloadStatus()->text()));
        QVERIFY(QFileInfo(partial).size() > 0);
        QVERIFY(!QFile::exists(QDir(modelFolder()).filePath(QStringLiteral("cosmoclip-model.json"))));
        QVERIFY(!m_dialog->useDownloadedButton()->isVisible());
    }

    void repositoryDialogChecksTheName() {
        HubDownloadDialog dialog;
        QVERIFY(!dialog.downloadButton()->isEnabled());
        dialog.repoEdit()->setText(QStringLiteral("openai"));
        QVERIFY(!dialog.downloadButton()->isEnabled());
        dialog.repoEdit()->setText(QStringLiteral(" openai/clip-vit-base-patch32 "));
        QVERIFY(dialog.downloadButton()->isEnabled());
        QCOMPARE(dialog.repo(), QStringLiteral("openai/clip-vit-base-patch32"));
        QVERIFY(dialog.revision().isEmpty());
        const QString note = dialog.findChild<QLabel*>(QStringLiteral("hubNote"))->text();
        QVERIFY2(note.contains(m_hub->endpoint()) && note.contains(QLatin1String("HF_TOKEN")), qPrintable(note));
    }
};

QTEST_MAIN(TestHubDownload)
#include "tst_hubdownload.moc"
