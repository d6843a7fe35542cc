#include "modelmanagerdialog.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressDialog>
#include <QPushButton>
#include <QSettings>
#include <QTableWidget>
#include <QVBoxLayout>

#include "catalogcontroller.h"
#include "displaytext.h"
#include "hubdownloaddialog.h"
#include "hubpulljob.h"
#include "model/clipconfig.h"

namespace cosmoclip {

namespace {

enum Column { NameColumn, ArchitectureColumn, DimColumn, EmbeddedColumn, PathColumn, ColumnCount };
const QString kLastModelDirKey = QStringLiteral("models/lastDirectory");

QString lastDir() {
    return QSettings().value(kLastModelDirKey, QDir::homePath()).toString();
}

}  // namespace

ModelManagerDialog::ModelManagerDialog(CatalogController* controller, QWidget* parent)
    : QDialog(parent),
      m_controller(controller),
      m_table(new QTableWidget(0, ColumnCount)),
      m_card(new QLabel),
      m_use(new QPushButton(tr("Use This Model"))),
      m_downloadStatus(new QLabel),
      m_useDownloaded(new QPushButton(tr("Use Downloaded Model"))) {
    setObjectName(QStringLiteral("modelManager"));
    setWindowTitle(tr("Models"));
    m_table->setObjectName(QStringLiteral("modelTable"));
    m_table->setHorizontalHeaderLabels({tr("Model"), tr("Architecture"), tr("Embedding"), tr("Images embedded"), tr("Path")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_card->setObjectName(QStringLiteral("modelCard"));
    m_card->setWordWrap(true);
    m_card->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_card->setTextFormat(Qt::RichText);
    m_card->setMinimumHeight(fontMetrics().height() * 8);
    m_card->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_use->setObjectName(QStringLiteral("useModel"));

    auto* addFolder = new QPushButton(tr("Add Model Folder\u2026"));
    addFolder->setToolTip(tr("A Hugging Face CLIP folder (config.json, model.safetensors, vocab.json) or an "
                             "open_clip folder"));
    auto* addPt = new QPushButton(tr("Add OpenAI .pt File\u2026"));
    addPt->setToolTip(tr("An OpenAI CLIP TorchScript file; its tokenizer must lie beside it"));
    auto* download = new QPushButton(tr("Download from Hugging Face\u2026"));
    download->setObjectName(QStringLiteral("downloadFromHub"));
    download->setToolTip(tr("Download a CLIP such as openai/clip-vit-base-patch32 from the Hugging Face hub"));
    m_downloadStatus->setObjectName(QStringLiteral("downloadStatus"));
    m_downloadStatus->setWordWrap(true);
    m_downloadStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_useDownloaded->setObjectName(QStringLiteral("useDownloadedModel"));
    m_useDownloaded->hide();
    auto* downloadRow = new QHBoxLayout;
    downloadRow->addWidget(m_downloadStatus, 1);
    downloadRow->addWidget(m_useDownloaded);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(addFolder);
    buttons->addWidget(addPt);
    buttons->addWidget(download);
    buttons->addStretch(1);
    buttons->addWidget(m_use);
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close);
    close->button(QDialogButtonBox::Close)->setText(tr("Close"));  // translated without Qt's own translations
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_card);
    layout->addLayout(buttons);
    layout->addLayout(downloadRow);
    layout->addWidget(close);
    resize(820, 480);

    connect(addFolder, &QPushButton::clicked, this, &ModelManagerDialog::chooseFolder);
    connect(addPt, &QPushButton::clicked, this, &ModelManagerDialog::choosePtFile);
    connect(download, &QPushButton::clicked, this, &ModelManagerDialog::chooseHubModel);
    connect(m_useDownloaded, &QPushButton::clicked, this, [this] { m_controller->loadModel(m_downloadedPath); });
    connect(m_use, &QPushButton::clicked, this, &ModelManagerDialog::useSelected);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &ModelManagerDialog::showCard);
    connect(m_table, &QTableWidget::cellDoubleClicked, this, &ModelManagerDialog::useSelected);
    connect(m_controller, &CatalogController::snapshotChanged, this, &ModelManagerDialog::rebuild);
    connect(m_controller, &CatalogController::modelChanged, this, &ModelManagerDialog::rebuild);
    rebuild();
}

QString ModelManagerDialog::modelPath(int row) const {
    const QTableWidgetItem* item = m_table->item(row, PathColumn);
    return item ? item->data(Qt::UserRole).toString() : QString();
}

QString ModelManagerDialog::cardText() const {
    return m_card->text();
}

void ModelManagerDialog::rebuild() {
    const QString selected = m_table->currentRow() >= 0 ? modelPath(m_table->currentRow()) : QString();
    const auto snapshot = m_controller->snapshot();
    const LoadedModelPtr active = m_controller->model();
    m_table->setRowCount(0);
    if (!snapshot) {
        showCard();
        return;
    }
    const qint64 images = qint64(snapshot->images.size()) + snapshot->pending;
    int selectRow = -1;
    for (const auto& m : snapshot->models) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        const QString path = QString::fromStdString(m.record.path);
        const bool isActive = active && active->record.id == m.record.id;
        const LoadedModelPtr loaded = m_controller->loadedModel(path);
        auto* name = new QTableWidgetItem((isActive ? QStringLiteral("\u25cf ") : QStringLiteral("   ")) +
                                          QString::fromStdString(m.record.name));
        if (isActive) {
            QFont f = name->font();
            f.setBold(true);
            name->setFont(f);
            name->setToolTip(tr("The active model"));
        }
        m_table->setItem(row, NameColumn, name);
        m_table->setItem(row, ArchitectureColumn,
                         new QTableWidgetItem(loaded ? modelArchitectureName(loaded->encoder->config()) : tr("(not loaded)")));
        m_table->setItem(row, DimColumn, new QTableWidgetItem(QString::number(m.record.embedDim)));
        m_table->setItem(row, EmbeddedColumn, new QTableWidgetItem(tr("%1 of %2").arg(m.embedded).arg(images)));
        auto* pathItem = new QTableWidgetItem(QDir::toNativeSeparators(path));
        pathItem->setData(Qt::UserRole, path);
        pathItem->setToolTip(QDir::toNativeSeparators(path));
        m_table->setItem(row, PathColumn, pathItem);
        if (path == selected || (selected.isEmpty() && isActive)) selectRow = row;
    }
    m_table->resizeColumnsToContents();
    if (selectRow >= 0) m_table->selectRow(selectRow);
    showCard();
}

namespace {

/// The model's measured numbers when its folder carries them: `eval-test.json` (the built-in model's
/// card; `cosmoclip eval --json` output) or `training.json` (a fine-tuning result's best epoch).
QString evaluationText(const QString& modelPath) {
    const QDir dir(QFileInfo(modelPath).isDir() ? modelPath : QFileInfo(modelPath).absolutePath());
    auto percent = [](const QJsonValue& v) { return v.isDouble() ? QString::number(100 * v.toDouble(), 'f', 1) + "%" : QStringLiteral("\u2013"); };
    QFile test(dir.filePath(QStringLiteral("eval-test.json")));
    if (test.open(QIODevice::ReadOnly)) {
        const QJsonObject e = QJsonDocument::fromJson(test.readAll()).object();
        return ModelManagerDialog::tr("Evaluation (test split, %1 images): zero-shot top-1 %2, top-5 %3, "
                                      "image\u2192text R@10 %4, text\u2192image R@10 %5")
            .arg(e.value("n").toInt())
            .arg(percent(e.value("top1")), percent(e.value("top5")), percent(e.value("i2t_recall@10")),
                 percent(e.value("t2i_recall@10")));
    }
    return ModelManagerDialog::tr("Evaluation: none recorded with this model (run Compare with Base or "
                                  "cosmoclip eval)");
}

}  // namespace

void ModelManagerDialog::showCard() {
    const int row = m_table->currentRow();
    const auto snapshot = m_controller->snapshot();
    if (!snapshot || row < 0 || row >= int(snapshot->models.size())) {
        m_card->setText(snapshot && snapshot->models.empty()
                            ? tr("This catalog has no model yet. Add a Hugging Face or open_clip folder, or an "
                                 "OpenAI .pt file: its images are embedded with it when you add or search them.")
                            : QString());
        m_use->setEnabled(false);
        return;
    }
    const auto& m = snapshot->models[size_t(row)];
    const QString path = QString::fromStdString(m.record.path);
    const LoadedModelPtr loaded = m_controller->loadedModel(path);
    const LoadedModelPtr active = m_controller->model();
    const bool isActive = active && active->record.id == m.record.id;
    QString card = QStringLiteral("<b>%1</b>%2<br>").arg(QString::fromStdString(m.record.name).toHtmlEscaped(),
                                                          isActive ? tr(" \u2014 active") : QString());
    if (loaded) {
        const ClipConfig& config = loaded->encoder->config();
        card += tr("Architecture: %1 (%2)<br>")
                    .arg(modelArchitectureName(config), modelArchitectureDetails(config).toHtmlEscaped());
    } else {
        card += tr("Architecture: shown once the model is loaded (Use This Model)<br>");
    }
    card += tr("Source: %1<br>").arg(QDir::toNativeSeparators(path).toHtmlEscaped());
    card += tr("Weights: %1, SHA-256 %2\u2026<br>")
                .arg(byteSize(m.record.weightsSize), QString::fromStdString(m.record.identity.substr(0, 16)));
    card += tr("Embedding: %1 dimensions, input %2 \u00d7 %2 px<br>").arg(m.record.embedDim).arg(m.record.imageSize);
    card += tr("Images embedded: %1 of %2<br>").arg(m.embedded).arg(qint64(snapshot->images.size()) + snapshot->pending);
    card += tr("Added: %1<br>").arg(QDateTime::fromSecsSinceEpoch(m.record.addedAt).toString(Qt::ISODate));
    card += evaluationText(path);
    m_card->setText(card);
    m_use->setEnabled(!isActive);
}

void ModelManagerDialog::useSelected() {
    const QString path = modelPath(m_table->currentRow());
    if (!path.isEmpty()) m_controller->loadModel(path);
}

void ModelManagerDialog::chooseFolder() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Add Model Folder"), lastDir());
    if (dir.isEmpty()) return;
    QSettings().setValue(kLastModelDirKey, QFileInfo(dir).absolutePath());
    m_controller->loadModel(dir);
}

void ModelManagerDialog::choosePtFile() {
    const QString file = QFileDialog::getOpenFileName(this, tr("Add OpenAI .pt File"), lastDir(),
                                                      tr("TorchScript CLIP (*.pt);;All files (*)"));
    if (file.isEmpty()) return;
    QSettings().setValue(kLastModelDirKey, QFileInfo(file).absolutePath());
    // OpenAI's .pt holds no tokenizer; unless one lies beside it, ask where it is.
    const QDir beside = QFileInfo(file).absoluteDir();
    QString tokenizer;
    if (!beside.exists(QStringLiteral("vocab.json")) && !beside.exists(QStringLiteral("bpe_simple_vocab_16e6.txt.gz"))) {
        tokenizer = QFileDialog::getExistingDirectory(
            this, tr("Tokenizer Folder for %1 (vocab.json + merges.txt, or bpe_simple_vocab_16e6.txt.gz)")
                      .arg(QFileInfo(file).fileName()),
            beside.absolutePath());
        if (tokenizer.isEmpty()) return;
    }
    m_controller->loadModel(file, tokenizer);
}

void ModelManagerDialog::chooseHubModel() {
    HubDownloadDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted) startDownload(dialog.repo(), dialog.revision());
}

void ModelManagerDialog::startDownload(const QString& repo, const QString& revision) {
    if (m_downloadJob && m_downloadJob->isRunning()) return;  // one download at a time
    m_useDownloaded->hide();
    m_downloadStatus->setStyleSheet(QString());
    m_downloadStatus->setText(tr("Downloading %1\u2026").arg(repo));
    m_downloadJob = new HubPullJob(repo, revision, this);
    if (!m_progress) {
        m_progress = new QProgressDialog(this);
        m_progress->setObjectName(QStringLiteral("hubProgress"));
        m_progress->setWindowModality(Qt::WindowModal);
        m_progress->setMinimumDuration(0);
        m_progress->setAutoClose(false);
        m_progress->setAutoReset(false);
        m_progress->setCancelButtonText(tr("Cancel"));
    }
    m_progress->setWindowTitle(tr("Download from Hugging Face"));
    m_progress->setLabelText(tr("Asking %1 for its files\u2026").arg(repo));
    m_progress->setRange(0, 0);
    m_progress->setValue(0);
    m_progress->show();
    HubPullJob* job = m_downloadJob;
    connect(m_progress, &QProgressDialog::canceled, job, &Job::cancel, Qt::UniqueConnection);
    connect(job, &Job::progress, this, &ModelManagerDialog::showDownloadProgress);
    connect(job, &Job::ended, this, &ModelManagerDialog::downloadEnded);
    job->start();
}

void ModelManagerDialog::showDownloadProgress(qint64 done, qint64 total, const QString& file) {
    if (!m_progress || !m_downloadJob) return;
    // QProgressDialog counts in int: kibibytes keep models of many gigabytes in range.
    m_progress->setRange(0, int(qMax<qint64>(total / 1024, 1)));
    m_progress->setValue(int(qMin(done, total) / 1024));
    m_progress->setLabelText(tr("Downloading %1\n%2\n%3 of %4")
                                 .arg(m_downloadJob->repo(), file, byteSize(done), byteSize(total)));
}

void ModelManagerDialog::downloadEnded() {
    HubPullJob* job = m_downloadJob;
    if (m_progress) m_progress->hide();
    if (!job) return;
    if (!job->errorMessage().isEmpty()) {
        m_downloadStatus->setStyleSheet(QStringLiteral("color: #d04040;"));
        m_downloadStatus->setText(tr("Download failed: %1").arg(job->errorMessage()));
    } else if (job->isCancelRequested() || job->modelPath().isEmpty()) {
        m_downloadStatus->setText(tr("Download of %1 cancelled. The partial files are kept: downloading it again resumes them.")
                                      .arg(job->repo()));
    } else {
        m_downloadedPath = job->modelPath();
        const ModelManifest& m = job->manifest();
        m_downloadStatus->setText((job->wasUpToDate() ? tr("%1 is already downloaded (commit %2) in %3.")
                                                      : tr("Downloaded %1 (commit %2) to %3."))
                                      .arg(m.repo, m.commit.left(12), QDir::toNativeSeparators(m_downloadedPath)));
        m_useDownloaded->setEnabled(m_controller->hasCatalog());
        m_useDownloaded->show();
    }
    job->deleteLater();
}

}  // namespace cosmoclip
