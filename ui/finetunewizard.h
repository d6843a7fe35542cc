#pragma once

#include <QPointer>
#include <QStringList>
#include <QWizard>
#include <vector>

#include "trainingplan.h"
#include "training/trainingexample.h"

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QRadioButton;
class QSpinBox;
class QTableWidget;

namespace cosmoclip {

class CatalogExamplesJob;
class FineTuneWizardPage;
class TrainingEstimateJob;

/// Model › Fine-tune…: base model → data (images, captions, split, classes per split) → training
/// settings (presets, advanced) → summary with a measured time estimate → Start. Each page explains in
/// words why its choice cannot be used and keeps Next disabled until it can. The catalog's examples
/// are read and the step is timed on worker threads. plan() is the result once accepted.
class FineTuneWizard final : public QWizard {
    Q_OBJECT
public:
    enum PageId { BasePage, DataPage, SettingsPage, SummaryPage };
    /// Presets: epochs and learning rate for a short look, a usual run, a long careful one.
    enum Preset { Quick, Standard, Thorough, Custom };
    static constexpr int kFewImages = 5;  ///< classes with fewer training images get a warning

    /// `models`: the catalog's models (paths); `currentModel` is chosen first.
    FineTuneWizard(const QString& catalogPath, const QStringList& models, const QString& currentModel,
                   QWidget* parent = nullptr);
    ~FineTuneWizard() override;

    TrainingPlan plan() const;
    /// Whether the catalog's images have been read (the data page waits for them).
    bool examplesLoaded() const { return m_examplesLoaded; }
    FineTuneWizardPage* wizardPage(PageId id) const;

    // The pages' controls, for tests and scripted screenshots.
    QComboBox* baseCombo() const { return m_baseCombo; }
    QRadioButton* labelSubsetButton() const { return m_subsetButton; }
    QListWidget* labelList() const { return m_labelList; }
    QDoubleSpinBox* fractionBox(int split) const { return m_fractions[split]; }
    QTableWidget* classTable() const { return m_classTable; }
    QComboBox* presetCombo() const { return m_presetCombo; }
    QSpinBox* epochsBox() const { return m_epochs; }
    QSpinBox* batchBox() const { return m_batch; }
    QLineEdit* outputEdit() const { return m_output; }
    QLabel* estimateLabel() const { return m_estimate; }

signals:
    void examplesReady();
    void estimateReady(double seconds);

private:
    FineTuneWizardPage* makeBasePage(const QStringList& models, const QString& currentModel);
    FineTuneWizardPage* makeDataPage();
    FineTuneWizardPage* makeSettingsPage();
    FineTuneWizardPage* makeSummaryPage();
    void onExamplesLoaded();
    void updateClassTable();
    QString checkBase() const;
    QString checkData() const;
    QString warnData() const;
    QString checkSettings() const;
    void applyPreset(int preset);
    void markCustom();
    void enterSummary();
    void startEstimate();
    SplitFractions fractions() const;
    std::vector<TrainingExample> chosenExamples() const;
    QStringList chosenLabels() const;
    qint64 trainCount() const;

    QString m_catalogPath;
    QPointer<CatalogExamplesJob> m_examplesJob;
    std::vector<TrainingExample> m_examples;
    bool m_examplesLoaded = false;
    QString m_examplesError;
    QPointer<TrainingEstimateJob> m_estimateJob;

    QComboBox* m_baseCombo = nullptr;
    QRadioButton* m_allButton = nullptr;
    QRadioButton* m_subsetButton = nullptr;
    QListWidget* m_labelList = nullptr;
    QComboBox* m_captionCombo = nullptr;
    QDoubleSpinBox* m_fractions[3] = {};
    QTableWidget* m_classTable = nullptr;
    QComboBox* m_presetCombo = nullptr;
    QGroupBox* m_advanced = nullptr;
    QSpinBox* m_epochs = nullptr;
    QSpinBox* m_batch = nullptr;
    QDoubleSpinBox* m_lr = nullptr;
    QComboBox* m_freezeCombo = nullptr;
    QSpinBox* m_lastBlocks = nullptr;
    QComboBox* m_deviceCombo = nullptr;
    QLineEdit* m_output = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_estimate = nullptr;
};

}  // namespace cosmoclip
