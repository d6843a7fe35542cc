// The fine-tune wizard and the training dashboard: the wizard's checks (fractions, unlabelled
// catalogs), a complete tiny run from the wizard's plan to the charts and the catalog's run history,
// compare with base, "use this model", and cancel recorded as cancelled. Model: the shared tiny
// reference CLIP (64 x 64 input); images: coloured discs in three labelled classes.
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QListWidget>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <cmath>

#include "catalog/catalog.h"
#include "catalogfixture.h"
#include "finetunewizard.h"
#include "finetunewizardpage.h"
#include "trainingdashboard.h"
#include "trainingjob.h"

using namespace cosmoclip;

namespace {

const char* kClasses[3] = {"red disc", "green disc", "blue disc"};

/// A disc of one colour on black, placed by the seed: three classes the model can tell apart.
void writeDisc(const QString& path, int cls, int seed) {
    QImage image(48, 48, QImage::Format_RGB32);
    image.fill(Qt::black);
    QPainter painter(&image);
    painter.setPen(Qt::NoPen);
    painter.setBrush(cls == 0 ? Qt::red : cls == 1 ? Qt::green : Qt::blue);
    painter.drawEllipse(QPoint(16 + seed % 16, 16 + (seed * 7) % 16), 8 + seed % 4, 8 + seed % 4);
    painter.end();
    QVERIFY(image.save(path, "PNG"));
}

std::string local(const QString& path) {
    return QFile::encodeName(path).toStdString();
}

}  // namespace

class TestFineTune : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_labelled;    // 30 discs with user labels
    QString m_unlabelled;  // the same images, no labels

    /// A wizard over `catalog` with the reference model, moved to the data page once the examples are read.
    std::unique_ptr<FineTuneWizard> wizardOnDataPage(const QString& catalog) {
        auto wizard = std::make_unique<FineTuneWizard>(catalog, QStringList{catalogfixture::modelDir()}, catalogfixture::modelDir());
        wizard->show();
        // (QTRY_* returns void: the callers check the page the wizard ended on.)
        (void)QTest::qWaitFor([&] { return wizard->examplesLoaded(); }, 20000);
        if (wizard->wizardPage(FineTuneWizard::BasePage)->isComplete()) wizard->next();
        return wizard;
    }

    TrainingPlan tinyPlan(const QString& out, int epochs, int batch) {
        auto wizard = wizardOnDataPage(m_labelled);
        wizard->next();
        wizard->epochsBox()->setValue(epochs);
        wizard->batchBox()->setValue(batch);
        wizard->outputEdit()->setText(out);
        TrainingPlan plan = wizard->plan();
        plan.options.seed = 1;
        plan.options.threads = 1;
        plan.options.lr = 1e-3;
        return plan;
    }

    std::vector<RunRecord> runs() {
        Catalog catalog(local(m_labelled), Catalog::Mode::ReadOnly);
        return catalog.runs();
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        const QString images = m_dir.filePath(QStringLiteral("discs"));
        QVERIFY(QDir().mkpath(images));
        for (int i = 0; i < 30; ++i) writeDisc(QDir(images).filePath(QStringLiteral("d%1.png").arg(i)), i % 3, i);
        m_labelled = m_dir.filePath(QStringLiteral("labelled.sqlite"));
        m_unlabelled = m_dir.filePath(QStringLiteral("unlabelled.sqlite"));
        for (const QString& db : {m_labelled, m_unlabelled}) {
            const auto model = catalogfixture::loadModel(db);
            catalogfixture::index(db, *model, {images});
        }
        Catalog catalog(local(m_labelled));
        const auto all = catalog.allImages();
        QCOMPARE(all.size(), size_t(30));
        for (const auto& image : all) {
            const int i = QFileInfo(QString::fromStdString(image.path)).completeBaseName().mid(1).toInt();
            catalog.replaceLabels(image.id, "user", std::nullopt, {{kClasses[i % 3], 1.0}});
        }
    }

    void unlabelledCatalogKeepsNextDisabled() {
        auto wizard = wizardOnDataPage(m_unlabelled);
        QCOMPARE(wizard->currentId(), int(FineTuneWizard::DataPage));
        FineTuneWizardPage* page = wizard->wizardPage(FineTuneWizard::DataPage);
        QVERIFY(!page->isComplete());
        QVERIFY(!wizard->button(QWizard::NextButton)->isEnabled());
        QVERIFY2(page->message().contains(QStringLiteral("label")), qPrintable(page->message()));
        QCOMPARE(wizard->classTable()->rowCount(), 0);
    }

    void badFractionsAndEmptyTrainSplitAreExplained() {
        auto wizard = wizardOnDataPage(m_labelled);
        QCOMPARE(wizard->currentId(), int(FineTuneWizard::DataPage));
        FineTuneWizardPage* page = wizard->wizardPage(FineTuneWizard::DataPage);
        QVERIFY2(page->isComplete(), qPrintable(page->message()));
        QVERIFY(wizard->button(QWizard::NextButton)->isEnabled());
        QCOMPARE(wizard->classTable()->rowCount(), 3);
        qint64 trainTotal = 0;
        for (int r = 0; r < 3; ++r) trainTotal += wizard->classTable()->item(r, 1)->text().toLongLong();
        QVERIFY(trainTotal > 10 && trainTotal < 30);

        wizard->fractionBox(0)->setValue(0.9);  // 0.9 + 0.15 + 0.15
        QVERIFY(!page->isComplete());
        QVERIFY(!wizard->button(QWizard::NextButton)->isEnabled());
        QVERIFY2(page->message().contains(QStringLiteral("add up to 1.2")), qPrintable(page->message()));

        wizard->fractionBox(0)->setValue(0.0);
        wizard->fractionBox(1)->setValue(0.5);
        wizard->fractionBox(2)->setValue(0.5);
        QVERIFY(!page->isComplete());
        QVERIFY2(page->message().contains(QStringLiteral("train split is empty")), qPrintable(page->message()));

        // A label subset with nothing ticked, then one class: allowed, with the few-images warning.
        wizard->fractionBox(0)->setValue(0.2);
        wizard->fractionBox(1)->setValue(0.4);
        wizard->fractionBox(2)->setValue(0.4);
        wizard->labelSubsetButton()->setChecked(true);
        QVERIFY(!page->isComplete());
        QVERIFY2(page->message().contains(QStringLiteral("Tick")), qPrintable(page->message()));
        QCOMPARE(wizard->labelList()->count(), 3);
        wizard->labelList()->item(0)->setCheckState(Qt::Checked);
        QVERIFY2(page->isComplete(), qPrintable(page->message()));
        QCOMPARE(wizard->classTable()->rowCount(), 1);
        QVERIFY2(page->message().contains(QStringLiteral("fewer than 5")), qPrintable(page->message()));
        QCOMPARE(wizard->plan().labels.size(), 1);
    }

    void settingsPresetsAndEstimate() {
        auto wizard = wizardOnDataPage(m_labelled);
        wizard->next();
        QCOMPARE(wizard->currentId(), int(FineTuneWizard::SettingsPage));
        QVERIFY(wizard->outputEdit()->text().contains(QStringLiteral("labelled.finetune")));
        wizard->presetCombo()->setCurrentIndex(FineTuneWizard::Quick);
        emit wizard->presetCombo()->activated(FineTuneWizard::Quick);
        QCOMPARE(wizard->epochsBox()->value(), 3);
        QCOMPARE(wizard->plan().options.lr, 5e-5);
        wizard->epochsBox()->setValue(4);
        QCOMPARE(wizard->presetCombo()->currentIndex(), int(FineTuneWizard::Custom));
        wizard->outputEdit()->clear();
        QVERIFY(!wizard->wizardPage(FineTuneWizard::SettingsPage)->isComplete());
        wizard->outputEdit()->setText(m_dir.filePath(QStringLiteral("estimate-out")));
        wizard->batchBox()->setValue(8);
        QVERIFY(wizard->wizardPage(FineTuneWizard::SettingsPage)->isComplete());
        QSignalSpy estimated(wizard.get(), &FineTuneWizard::estimateReady);
        wizard->next();
        QCOMPARE(wizard->currentId(), int(FineTuneWizard::SummaryPage));
        QVERIFY(estimated.wait(60000));
        QVERIFY(estimated.first().first().toDouble() > 0);
        QVERIFY2(wizard->estimateLabel()->text().contains(QStringLiteral("estimate")), qPrintable(wizard->estimateLabel()->text()));
    }

    void tinyRunFromWizardToCharts() {
        const QString out = m_dir.filePath(QStringLiteral("run1"));
        const TrainingPlan plan = tinyPlan(out, 2, 8);
        QCOMPARE(plan.catalogPath, m_labelled);
        TrainingDashboard dashboard;
        dashboard.show();
        QSignalSpy ended(&dashboard, &TrainingDashboard::trainingEnded);
        dashboard.start(plan);
        QVERIFY(dashboard.isTraining());
        QVERIFY(ended.wait(120000));
        QVERIFY2(dashboard.job()->errorMessage().isEmpty(), qPrintable(dashboard.job()->errorMessage()));
        const qint64 steps = dashboard.job()->result().steps;
        QVERIFY(steps > 0);
        QCOMPARE(dashboard.trainLossSeries()->count(), int(steps));
        QCOMPARE(dashboard.valLossSeries()->count(), 2);
        QCOMPARE(dashboard.top1Series()->count(), 2);
        QCOMPARE(dashboard.recallSeries()->count(), 2);
        QCOMPARE(dashboard.progressBar()->value(), dashboard.progressBar()->maximum());
        QVERIFY(QFileInfo::exists(dashboard.resultPath()));
        QVERIFY(dashboard.useButton()->isEnabled());
        QVERIFY(dashboard.compareButton()->isEnabled());

        // Recorded as the CLI records it: finished, with every epoch's numbers.
        const auto history = runs();
        QCOMPARE(history.size(), size_t(1));
        QCOMPARE(history[0].status, std::string("finished"));
        QCOMPARE(history[0].outDir, local(out));
        QCOMPARE(dashboard.historyView()->topLevelItemCount(), 1);
        {
            Catalog catalog(local(m_labelled), Catalog::Mode::ReadOnly);
            const auto metrics = catalog.runMetrics(history[0].id);
            QString names;
            for (const auto& m : metrics) names += QString::fromStdString(m.name) + QLatin1Char(' ');
            QVERIFY2(std::count_if(metrics.begin(), metrics.end(), [](const RunMetric& m) { return m.name == "val_loss"; }) == 2,
                     qPrintable(names));
        }

        // Use this model: the window is asked to load the best checkpoint.
        QSignalSpy use(&dashboard, &TrainingDashboard::useModelRequested);
        dashboard.useButton()->click();
        QCOMPARE(use.count(), 1);
        QCOMPARE(use.first().first().toString(), dashboard.resultPath());

        // Compare with base on the test split: both columns filled.
        QSignalSpy compared(&dashboard, &TrainingDashboard::compareFinished);
        dashboard.compareButton()->click();
        QVERIFY(compared.wait(60000));
        QVERIFY2(dashboard.compareTable()->rowCount() >= 8, qPrintable(dashboard.statusLabel()->text()));
        QVERIFY(dashboard.compareTable()->item(0, 0) && dashboard.compareTable()->item(0, 1));
        QVERIFY(!dashboard.compareTable()->item(0, 0)->text().isEmpty());

        // Re-plotting the run from the history: per-epoch points.
        dashboard.showRun(history[0].id);
        QCOMPARE(dashboard.trainLossSeries()->count(), 2);
        QCOMPARE(dashboard.top1Series()->count(), 2);
    }

    void cancelStopsTheJobAndIsRecorded() {
        const TrainingPlan plan = tinyPlan(m_dir.filePath(QStringLiteral("run2")), 200, 4);
        TrainingDashboard dashboard;
        dashboard.setCatalog(m_labelled);
        QSignalSpy ended(&dashboard, &TrainingDashboard::trainingEnded);
        dashboard.start(plan);
        QTRY_VERIFY_WITH_TIMEOUT(dashboard.trainLossSeries()->count() >= 2, 60000);
        QVERIFY(dashboard.cancelButton()->isEnabled());
        dashboard.cancelButton()->click();
        QVERIFY(ended.count() == 1 || ended.wait(60000));
        QVERIFY(dashboard.job()->result().cancelled);
        QVERIFY(dashboard.job()->result().steps < 200 * 3);
        QVERIFY2(dashboard.statusLabel()->text().contains(QStringLiteral("Cancelled")), qPrintable(dashboard.statusLabel()->text()));
        QVERIFY(!dashboard.pauseButton()->isEnabled());
        const auto history = runs();
        QVERIFY(!history.empty());
        const auto run = std::find_if(history.begin(), history.end(), [](const RunRecord& r) { return r.outDir.ends_with("run2"); });
        QVERIFY(run != history.end());
        QCOMPARE(run->status, std::string("cancelled"));
    }

    void pauseThenResumeFinishes() {
        const TrainingPlan plan = tinyPlan(m_dir.filePath(QStringLiteral("run3")), 2, 4);
        TrainingDashboard dashboard;
        QSignalSpy ended(&dashboard, &TrainingDashboard::trainingEnded);
        dashboard.start(plan);
        QTRY_VERIFY_WITH_TIMEOUT(dashboard.trainLossSeries()->count() >= 1, 60000);
        dashboard.pauseButton()->click();
        QVERIFY(ended.count() == 1 || ended.wait(60000));
        QVERIFY(dashboard.job()->result().cancelled);
        QCOMPARE(dashboard.pauseButton()->text(), QStringLiteral("&Resume"));
        const int pointsBefore = dashboard.trainLossSeries()->count();
        dashboard.pauseButton()->click();
        QVERIFY(dashboard.isTraining());
        QVERIFY(ended.wait(120000));
        QVERIFY2(dashboard.job()->errorMessage().isEmpty(), qPrintable(dashboard.job()->errorMessage()));
        QVERIFY(!dashboard.job()->result().cancelled);
        QCOMPARE(dashboard.job()->result().epochs, 2);
        QVERIFY(dashboard.trainLossSeries()->count() > pointsBefore);
        QVERIFY(QFileInfo::exists(dashboard.resultPath()));
    }
};

QTEST_MAIN(TestFineTune)
#include "tst_finetune.moc"
