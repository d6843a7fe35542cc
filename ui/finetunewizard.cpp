#include "finetunewizard.h"

#include <QButtonGroup>
#include <QFile>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "catalogexamplesjob.h"
#include "common/error.h"
#include "finetunewizardpage.h"
#include "trainingestimatejob.h"
#include "training/trainer.h"

namespace cosmoclip {

namespace {

struct PresetValues {
    const char* name;
    int epochs;
    double lr;
};
// Quick: a higher rate makes a short run move; longer runs use the spec's gentle 1e-5.
constexpr PresetValues kPresets[] = {{QT_TRANSLATE_NOOP("cosmoclip::FineTuneWizard", "Quick"), 3, 5e-5},
                                     {QT_TRANSLATE_NOOP("cosmoclip::FineTuneWizard", "Standard"), 10, 1e-5},
                                     {QT_TRANSLATE_NOOP("cosmoclip::FineTuneWizard", "Thorough"), 30, 1e-5}};

QString durationText(double seconds) {
    if (seconds < 90) return FineTuneWizard::tr("%1 s").arg(std::max(1, int(std::lround(seconds))));
    if (seconds < 5400) return FineTuneWizard::tr("%1 min").arg(int(std::lround(seconds / 60)));
    return FineTuneWizard::tr("%1 h").arg(seconds / 3600, 0, 'f', 1);
}

QTableWidgetItem* numberItem(qint64 n) {
    auto* item = new QTableWidgetItem(QString::number(n));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

}  // namespace

FineTuneWizard::FineTuneWizard(const QString& catalogPath, const QStringList& models, const QString& currentModel,
                               QWidget* parent)
    : QWizard(parent), m_catalogPath(catalogPath) {
    setWindowTitle(tr("Fine-tune a Model"));
    setOption(QWizard::NoBackButtonOnStartPage);
    setButtonText(QWizard::FinishButton, tr("&Start"));
    // Our own words for Qt's buttons: translated even where Qt's translations are not installed.
    setButtonText(QWizard::BackButton, tr("< &Back"));
    setButtonText(QWizard::NextButton, tr("&Next >"));
    setButtonText(QWizard::CancelButton, tr("Cancel"));
    resize(760, 600);  // room for the class table
    setPage(BasePage, makeBasePage(models, currentModel));
    setPage(DataPage, makeDataPage());
    setPage(SettingsPage, makeSettingsPage());
    setPage(SummaryPage, makeSummaryPage());

    m_examplesJob = new CatalogExamplesJob(catalogPath, this);
    connect(m_examplesJob, &Job::finished, this, &FineTuneWizard::onExamplesLoaded);
    connect(m_examplesJob, &Job::failed, this, [this](const QString& message) {
        m_examplesError = message;
        m_examplesLoaded = true;
        wizardPage(DataPage)->recheck();
        emit examplesReady();
    });
    m_examplesJob->start();
}

FineTuneWizard::~FineTuneWizard() {
    // A step being timed cannot stop early: let it end on its own (it deletes itself) instead of
    // waiting for it here, on the GUI thread.
    for (Job* job : {static_cast<Job*>(m_estimateJob.data()), static_cast<Job*>(m_examplesJob.data())}) {
        if (!job || !job->isRunning()) continue;
        job->cancel();
        job->setParent(nullptr);
        connect(job, &Job::ended, job, &QObject::deleteLater);
    }
}

FineTuneWizardPage* FineTuneWizard::wizardPage(PageId id) const {
    return static_cast<FineTuneWizardPage*>(page(id));
}

// --- base model ------------------------------------------------------------------------------

FineTuneWizardPage* FineTuneWizard::makeBasePage(const QStringList& models, const QString& currentModel) {
    auto* page = new FineTuneWizardPage(this);
    page->setTitle(tr("Base model"));
    page->setSubTitle(tr("The model to start from: one of the catalog's models, or another folder or .pt file."));
    m_baseCombo = new QComboBox(page);
    m_baseCombo->setEditable(true);
    m_baseCombo->setInsertPolicy(QComboBox::NoInsert);
    QStringList items = models;
    if (!currentModel.isEmpty() && !items.contains(currentModel)) items.prepend(currentModel);
    m_baseCombo->addItems(items);
    if (!currentModel.isEmpty()) m_baseCombo->setCurrentText(currentModel);
    auto* browse = new QPushButton(tr("Folder\u2026"), page);
    auto* browsePt = new QPushButton(tr(".pt File\u2026"), page);
    auto* row = new QHBoxLayout;
    row->addWidget(m_baseCombo, 1);
    row->addWidget(browse);
    row->addWidget(browsePt);
    page->body()->addLayout(row);
    auto* note = new QLabel(tr("The fine-tuned model is written as a new folder; the base model is not changed."), page);
    note->setWordWrap(true);
    page->body()->addWidget(note);
    page->body()->addStretch(1);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Base Model Folder"));
        if (!dir.isEmpty()) m_baseCombo->setCurrentText(dir);
    });
    connect(browsePt, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("OpenAI .pt File"), {}, tr("PyTorch files (*.pt)"));
        if (!file.isEmpty()) m_baseCombo->setCurrentText(file);
    });
    connect(m_baseCombo, &QComboBox::currentTextChanged, page, &FineTuneWizardPage::recheck);
    page->setCheck([this] { return checkBase(); });
    return page;
}

QString FineTuneWizard::checkBase() const {
    const QString path = m_baseCombo->currentText().trimmed();
    if (path.isEmpty()) return tr("Choose the model to start from (Model › Models… adds one to the catalog).");
    if (!QFileInfo::exists(path)) return tr("%1 does not exist.").arg(QDir::toNativeSeparators(path));
    return {};
}

// --- data ------------------------------------------------------------------------------------

FineTuneWizardPage* FineTuneWizard::makeDataPage() {
    auto* page = new FineTuneWizardPage(this);
    page->setTitle(tr("Training images"));
    page->setSubTitle(tr("Which images to learn from, the text paired with each, and how they are split. An image's "
                         "split follows from its content, so test images never leak into training."));
    auto* form = new QFormLayout;
    m_allButton = new QRadioButton(tr("The whole catalog"), page);
    m_subsetButton = new QRadioButton(tr("Images with one of these labels:"), page);
    m_allButton->setChecked(true);
    auto* group = new QButtonGroup(page);
    group->addButton(m_allButton);
    group->addButton(m_subsetButton);
    m_labelList = new QListWidget(page);
    m_labelList->setEnabled(false);
    m_labelList->setMaximumHeight(90);
    auto* images = new QVBoxLayout;
    images->addWidget(m_allButton);
    images->addWidget(m_subsetButton);
    images->addWidget(m_labelList);
    form->addRow(tr("Images:"), images);

    m_captionCombo = new QComboBox(page);
    m_captionCombo->addItem(tr("Caption, else “a photo of a LABEL.”"), QStringLiteral("photo"));
    m_captionCombo->addItem(tr("\u201cLABEL: caption\u201d (label and caption together)"), QStringLiteral("label-caption"));
    form->addRow(tr("Text per image:"), m_captionCombo);

    const char* names[3] = {QT_TR_NOOP("train"), QT_TR_NOOP("validation"), QT_TR_NOOP("test")};
    const double defaults[3] = {0.7, 0.15, 0.15};
    auto* fractions = new QHBoxLayout;
    for (int i = 0; i < 3; ++i) {
        m_fractions[i] = new QDoubleSpinBox(page);
        m_fractions[i]->setRange(0.0, 1.0);
        m_fractions[i]->setDecimals(3);
        m_fractions[i]->setSingleStep(0.05);
        m_fractions[i]->setValue(defaults[i]);
        fractions->addWidget(new QLabel(tr(names[i]), page));
        fractions->addWidget(m_fractions[i]);
        connect(m_fractions[i], &QDoubleSpinBox::valueChanged, this, &FineTuneWizard::updateClassTable);
    }
    fractions->addStretch(1);
    form->addRow(tr("Split:"), fractions);
    page->body()->addLayout(form);

    m_classTable = new QTableWidget(0, 4, page);
    m_classTable->setHorizontalHeaderLabels({tr("Class"), tr("Train"), tr("Validation"), tr("Test")});
    m_classTable->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_classTable->verticalHeader()->hide();
    m_classTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_classTable->setSelectionMode(QAbstractItemView::NoSelection);
    page->body()->addWidget(m_classTable, 1);

    connect(m_subsetButton, &QRadioButton::toggled, m_labelList, &QWidget::setEnabled);
    connect(m_subsetButton, &QRadioButton::toggled, this, &FineTuneWizard::updateClassTable);
    connect(m_labelList, &QListWidget::itemChanged, this, &FineTuneWizard::updateClassTable);
    page->setCheck([this] { return checkData(); });
    page->setWarning([this] { return warnData(); });
    return page;
}

void FineTuneWizard::onExamplesLoaded() {
    m_examples = m_examplesJob->examples();
    m_examplesLoaded = true;
    std::map<std::string, int> labels;
    for (const auto& e : m_examples)
        if (!e.label.empty()) ++labels[e.label];
    const QSignalBlocker block(m_labelList);
    for (const auto& [label, count] : labels) {
        auto* item = new QListWidgetItem(tr("%1 (%2)").arg(QString::fromStdString(label)).arg(count), m_labelList);
        item->setData(Qt::UserRole, QString::fromStdString(label));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
    }
    updateClassTable();
    emit examplesReady();
}

QStringList FineTuneWizard::chosenLabels() const {
    QStringList labels;
    if (!m_subsetButton->isChecked()) return labels;
    for (int i = 0; i < m_labelList->count(); ++i)
        if (m_labelList->item(i)->checkState() == Qt::Checked) labels << m_labelList->item(i)->data(Qt::UserRole).toString();
    return labels;
}

std::vector<TrainingExample> FineTuneWizard::chosenExamples() const {
    return selectExamples(m_examples, chosenLabels());
}

SplitFractions FineTuneWizard::fractions() const {
    return {m_fractions[0]->value(), m_fractions[1]->value(), m_fractions[2]->value()};
}

qint64 FineTuneWizard::trainCount() const {
    const SplitFractions f = fractions();
    qint64 n = 0;
    for (const auto& e : chosenExamples())
        if (splitOf(e.contentHash, f) == Split::Train && (!e.label.empty() || !e.caption.empty())) ++n;
    return n;
}

void FineTuneWizard::updateClassTable() {
    const SplitFractions f = fractions();
    std::map<QString, std::array<qint64, 3>> counts;
    for (const auto& e : chosenExamples()) {
        if (e.label.empty()) continue;
        ++counts[QString::fromStdString(e.label)][int(splitOf(e.contentHash, f))];
    }
    m_classTable->setRowCount(int(counts.size()));
    int row = 0;
    for (const auto& [label, n] : counts) {
        auto* name = new QTableWidgetItem(label);
        if (n[0] < kFewImages) {
            name->setText(tr("%1 \u26a0").arg(label));
            name->setToolTip(tr("Fewer than %1 training images: the model learns little about this class.").arg(kFewImages));
        }
        m_classTable->setItem(row, 0, name);
        for (int s = 0; s < 3; ++s) m_classTable->setItem(row, s + 1, numberItem(n[s]));
        ++row;
    }
    wizardPage(DataPage)->recheck();
}

QString FineTuneWizard::checkData() const {
    if (!m_examplesLoaded) return tr("Reading the catalog's images\u2026");
    if (!m_examplesError.isEmpty()) return tr("Cannot read the catalog: %1").arg(m_examplesError);
    if (m_examples.empty()) return tr("The catalog has no readable images: add a folder first (File › Add Folder…).");
    const SplitFractions f = fractions();
    const double sum = f.train + f.val + f.test;
    if (std::abs(sum - 1.0) > 1e-6)
        return tr("The split fractions add up to %1; they must add up to 1.").arg(sum, 0, 'g', 4);
    const bool anyLabel = std::any_of(m_examples.begin(), m_examples.end(), [](const auto& e) { return !e.label.empty(); });
    if (!anyLabel)
        return tr("No image in the catalog has a label of its own (a user or imported label), so there is nothing to "
                  "learn classes from or to validate with. Label images in the details panel or import labels "
                  "with `cosmoclip annotate`.");
    if (m_subsetButton->isChecked() && chosenLabels().isEmpty()) return tr("Tick at least one label, or use the whole catalog.");
    if (trainCount() == 0)
        return tr("The train split is empty: raise the train fraction or add images with labels or captions.");
    return {};
}

QString FineTuneWizard::warnData() const {
    QStringList few;
    for (int row = 0; row < m_classTable->rowCount(); ++row)
        if (m_classTable->item(row, 1)->text().toLongLong() < kFewImages)
            few << m_classTable->item(row, 0)->text().remove(QStringLiteral(" \u26a0"));
    QString text = tr("%n training image(s).", nullptr, int(trainCount()));
    if (!few.isEmpty())
        text += QLatin1Char(' ') + tr("Classes with fewer than %1 training images (\u26a0): %2. Training can go on, but the "
                                      "model will hardly learn them.")
                                       .arg(kFewImages)
                                       .arg(few.join(QStringLiteral(", ")));
    return text;
}

// --- settings --------------------------------------------------------------------------------

FineTuneWizardPage* FineTuneWizard::makeSettingsPage() {
    auto* page = new FineTuneWizardPage(this);
    page->setTitle(tr("Training settings"));
    page->setSubTitle(tr("A preset sets the epochs and the learning rate; the advanced settings change anything else."));
    m_presetCombo = new QComboBox(page);
    for (const auto& p : kPresets)
        m_presetCombo->addItem(tr("%1: %n epoch(s), learning rate %2", nullptr, p.epochs).arg(tr(p.name)).arg(p.lr, 0, 'g', 2));
    m_presetCombo->addItem(tr("Custom"));
    auto* presetForm = new QFormLayout;
    presetForm->addRow(tr("Preset:"), m_presetCombo);
    page->body()->addLayout(presetForm);

    m_advanced = new QGroupBox(tr("Advanced"), page);
    auto* form = new QFormLayout(m_advanced);
    m_epochs = new QSpinBox(m_advanced);
    m_epochs->setRange(1, 1000);
    form->addRow(tr("Epochs:"), m_epochs);
    m_batch = new QSpinBox(m_advanced);
    m_batch->setRange(2, 4096);
    m_batch->setValue(32);
    m_batch->setToolTip(tr("Images per step; the contrastive loss compares each image with the others of its batch"));
    form->addRow(tr("Batch size:"), m_batch);
    m_lr = new QDoubleSpinBox(m_advanced);
    m_lr->setDecimals(7);
    m_lr->setRange(1e-7, 1e-2);
    m_lr->setSingleStep(5e-6);
    form->addRow(tr("Learning rate:"), m_lr);
    m_freezeCombo = new QComboBox(m_advanced);
    m_freezeCombo->addItem(tr("Nothing (full fine-tune)"), QStringLiteral("full"));
    m_freezeCombo->addItem(tr("The text tower"), QStringLiteral("text"));
    m_freezeCombo->addItem(tr("All but the last N blocks"), QStringLiteral("last"));
    m_lastBlocks = new QSpinBox(m_advanced);
    m_lastBlocks->setRange(1, 64);
    m_lastBlocks->setValue(2);
    m_lastBlocks->setPrefix(tr("N = "));
    m_lastBlocks->setEnabled(false);
    auto* freeze = new QHBoxLayout;
    freeze->addWidget(m_freezeCombo, 1);
    freeze->addWidget(m_lastBlocks);
    form->addRow(tr("Freeze:"), freeze);
    m_deviceCombo = new QComboBox(m_advanced);
    m_deviceCombo->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_deviceCombo->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
    m_deviceCombo->addItem(tr("Automatic (GPU when there is one)"), QStringLiteral("auto"));
    form->addRow(tr("Device:"), m_deviceCombo);
    m_output = new QLineEdit(m_advanced);
    auto* browse = new QPushButton(tr("Choose\u2026"), m_advanced);
    auto* output = new QHBoxLayout;
    output->addWidget(m_output, 1);
    output->addWidget(browse);
    form->addRow(tr("Output folder:"), output);
    page->body()->addWidget(m_advanced);
    page->body()->addStretch(1);

    applyPreset(Standard);
    m_presetCombo->setCurrentIndex(Standard);
    connect(m_presetCombo, &QComboBox::activated, this, &FineTuneWizard::applyPreset);
    connect(m_epochs, &QSpinBox::valueChanged, this, &FineTuneWizard::markCustom);
    connect(m_lr, &QDoubleSpinBox::valueChanged, this, &FineTuneWizard::markCustom);
    connect(m_freezeCombo, &QComboBox::currentIndexChanged, this,
            [this] { m_lastBlocks->setEnabled(m_freezeCombo->currentData().toString() == QLatin1String("last")); });
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Output Folder"), m_output->text());
        if (!dir.isEmpty()) m_output->setText(dir);
    });
    connect(m_output, &QLineEdit::textChanged, page, &FineTuneWizardPage::recheck);
    connect(m_deviceCombo, &QComboBox::currentIndexChanged, page, &FineTuneWizardPage::recheck);
    connect(m_batch, &QSpinBox::valueChanged, page, &FineTuneWizardPage::recheck);
    page->setOnEnter([this] {
        if (m_output->text().isEmpty()) m_output->setText(defaultOutputFolder(m_catalogPath, m_baseCombo->currentText()));
    });
    page->setCheck([this] { return checkSettings(); });
    page->setWarning([this] {
        const qint64 n = trainCount();
        return m_batch->value() > n
                   ? tr("The batch (%1) is larger than the train split (%2 images): every step sees all of them.")
                         .arg(m_batch->value())
                         .arg(n)
                   : QString();
    });
    return page;
}

void FineTuneWizard::applyPreset(int preset) {
    if (preset < 0 || preset >= Custom) return;
    const QSignalBlocker a(m_epochs), b(m_lr);
    m_epochs->setValue(kPresets[preset].epochs);
    m_lr->setValue(kPresets[preset].lr);
}

void FineTuneWizard::markCustom() {
    for (int p = 0; p < Custom; ++p)
        if (m_epochs->value() == kPresets[p].epochs && std::abs(m_lr->value() - kPresets[p].lr) < 1e-12) {
            m_presetCombo->setCurrentIndex(p);
            return;
        }
    m_presetCombo->setCurrentIndex(Custom);
}

QString FineTuneWizard::checkSettings() const {
    const QString out = m_output->text().trimmed();
    if (out.isEmpty()) return tr("Choose an output folder for the fine-tuned model.");
    const QFileInfo info(out);
    if (info.exists() && !info.isDir()) return tr("%1 is a file, not a folder.").arg(QDir::toNativeSeparators(out));
    if (info.isDir() && !QDir(out).isEmpty() && !QDir(out).exists(QStringLiteral("last")))
        return tr("%1 already holds other files: choose a new folder.").arg(QDir::toNativeSeparators(out));
    try {
        resolveTrainingDevice(m_deviceCombo->currentData().toString().toStdString());
    } catch (const std::exception& e) {
        return tr("The device cannot be used: %1").arg(QString::fromStdString(e.what()));
    }
    return {};
}

// --- summary ---------------------------------------------------------------------------------

FineTuneWizardPage* FineTuneWizard::makeSummaryPage() {
    auto* page = new FineTuneWizardPage(this);
    page->setTitle(tr("Summary"));
    page->setSubTitle(tr("Start opens the training dashboard; the window stays usable while the model trains."));
    m_summary = new QLabel(page);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_estimate = new QLabel(page);
    m_estimate->setObjectName(QStringLiteral("estimate"));
    m_estimate->setWordWrap(true);
    page->body()->addWidget(m_summary);
    page->body()->addWidget(m_estimate);
    page->body()->addStretch(1);
    page->setOnEnter([this] { enterSummary(); });
    page->setFinalPage(true);
    return page;
}

void FineTuneWizard::enterSummary() {
    const TrainingPlan p = plan();
    const qint64 n = trainCount();
    const QStringList labels = chosenLabels();
    m_summary->setText(
        tr("<table>"
           "<tr><td>Base model:</td><td>%1</td></tr>"
           "<tr><td>Images:</td><td>%2; %3 for training</td></tr>"
           "<tr><td>Split:</td><td>%4 (train, validation, test)</td></tr>"
           "<tr><td>Training:</td><td>%5 epochs, batch %6, learning rate %7, %8 steps</td></tr>"
           "<tr><td>Freeze:</td><td>%9</td></tr>"
           "<tr><td>Output:</td><td>%10</td></tr></table>")
            .arg(QDir::toNativeSeparators(p.basePath).toHtmlEscaped(),
                 labels.isEmpty() ? tr("the whole catalog") : tr("labels %1").arg(labels.join(QStringLiteral(", ")).toHtmlEscaped()),
                 QString::number(n), p.fractionsText(), QString::number(p.options.epochs),
                 QString::number(p.options.batchSize), QString::number(p.options.lr, 'g', 3),
                 QString::number(plannedSteps(n, p.options)), m_freezeCombo->currentText().toHtmlEscaped())
            .arg(QDir::toNativeSeparators(QString::fromStdString(p.options.outDir)).toHtmlEscaped()));
    startEstimate();
}

void FineTuneWizard::startEstimate() {
    if (m_estimateJob) m_estimateJob->cancel();
    const TrainingPlan p = plan();
    const qint64 steps = plannedSteps(trainCount(), p.options);
    m_estimate->setText(tr("Estimating the time: measuring one training step\u2026"));
    auto* job = new TrainingEstimateJob(p.basePath, p.options.batchSize, p.options.freeze,
                                        QString::fromStdString(p.options.device), this);
    m_estimateJob = job;
    connect(job, &Job::finished, this, [this, job, steps] {
        if (job != m_estimateJob) return;
        const double seconds = job->secondsPerStep() * double(steps);
        m_estimate->setText(tr("Estimated time: about %1 (an estimate: %2 steps \u00d7 %3 per measured step; "
                               "reading images and validation come on top).")
                                .arg(durationText(seconds))
                                .arg(steps)
                                .arg(durationText(job->secondsPerStep())));
        emit estimateReady(seconds);
    });
    connect(job, &Job::failed, this, [this, job](const QString& message) {
        if (job == m_estimateJob) m_estimate->setText(tr("No time estimate: %1").arg(message));
    });
    connect(job, &Job::ended, job, &QObject::deleteLater);
    job->start();
}

TrainingPlan FineTuneWizard::plan() const {
    TrainingPlan p;
    p.catalogPath = m_catalogPath;
    p.basePath = m_baseCombo->currentText().trimmed();
    p.fractions = fractions();
    p.labels = chosenLabels();
    TrainerOptions& o = p.options;
    o.epochs = m_epochs->value();
    o.batchSize = m_batch->value();
    o.lr = m_lr->value();
    o.device = m_deviceCombo->currentData().toString().toStdString();
    const QString freeze = m_freezeCombo->currentData().toString();
    o.freeze = FreezeOptions::parse(
        (freeze == QLatin1String("last") ? QStringLiteral("last:%1").arg(m_lastBlocks->value()) : freeze).toStdString());
    o.captionStyle = parseCaptionStyle(m_captionCombo->currentData().toString().toStdString());
    o.outDir = QFile::encodeName(m_output->text().trimmed()).toStdString();
    // The CLI's warm-up (100 steps) would take a short run's whole length; a tenth of it at most.
    o.warmupSteps = int(std::min<qint64>(o.warmupSteps, std::max<qint64>(1, plannedSteps(trainCount(), o) / 10)));
    return p;
}

}  // namespace cosmoclip
