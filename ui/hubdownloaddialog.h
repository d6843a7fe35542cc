#pragma once

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace cosmoclip {

/// Asks which hub model to download (Model Manager › Download from Hugging Face…): the repository
/// ("owner/name", with the supported CLIPs offered as completions) and an optional revision. Says
/// where files go and which environment variables apply; Download is enabled for valid names only.
class HubDownloadDialog final : public QDialog {
    Q_OBJECT
public:
    explicit HubDownloadDialog(QWidget* parent = nullptr);

    QString repo() const;
    /// Empty for main.
    QString revision() const;
    QLineEdit* repoEdit() const { return m_repo; }
    QLineEdit* revisionEdit() const { return m_revision; }
    QPushButton* downloadButton() const { return m_download; }

private:
    void updateButton();

    QLineEdit* m_repo;
    QLineEdit* m_revision;
    QPushButton* m_download;
};

}  // namespace cosmoclip
