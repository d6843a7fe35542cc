#pragma once

#include <QDialog>
#include <QPointer>
#include <memory>

#include "catalogsnapshot.h"
#include "hubpulljob.h"  // downloadJob() converts a QPointer<HubPullJob>: the complete type
#include "loadedmodel.h"

class QLabel;
class QProgressDialog;
class QPushButton;
class QTableWidget;

namespace cosmoclip {

class CatalogController;
class HubPullJob;

/// The catalog's models: one row each (name, architecture, embedding size, images embedded, path)
/// and the card of the selected one. Adds a Hugging Face / open_clip folder or an OpenAI .pt and
/// makes the chosen model the active one; loading runs as a job, the dialog stays usable.
/// Downloads a CLIP from the Hugging Face hub (HubPullJob, with a progress dialog in bytes and
/// Cancel); errors show in the window, and the downloaded model is offered for use like a folder.
class ModelManagerDialog final : public QDialog {
    Q_OBJECT
public:
    explicit ModelManagerDialog(CatalogController* controller, QWidget* parent = nullptr);

    QTableWidget* table() const { return m_table; }
    QString cardText() const;
    /// The path of the model in `row`.
    QString modelPath(int row) const;
    /// The hub download: its outcome in words, the button that uses the downloaded model, the job
    /// while it runs and its progress dialog.
    QLabel* downloadStatus() const { return m_downloadStatus; }
    QPushButton* useDownloadedButton() const { return m_useDownloaded; }
    HubPullJob* downloadJob() const { return m_downloadJob; }
    QProgressDialog* downloadProgress() const { return m_progress; }

public slots:
    void chooseFolder();
    void choosePtFile();
    /// Asks for a hub model (HubDownloadDialog), then downloads it.
    void chooseHubModel();
    /// Downloads REPO at REVISION (empty: main) from the hub into the user's data folder.
    void startDownload(const QString& repo, const QString& revision = {});

private:
    void rebuild();
    void showCard();
    void useSelected();
    void showDownloadProgress(qint64 done, qint64 total, const QString& file);
    void downloadEnded();

    CatalogController* m_controller;
    QTableWidget* m_table;
    QLabel* m_card;
    QPushButton* m_use;
    QLabel* m_downloadStatus;
    QPushButton* m_useDownloaded;
    QPointer<HubPullJob> m_downloadJob;
    QProgressDialog* m_progress = nullptr;
    QString m_downloadedPath;
};

}  // namespace cosmoclip
