#include "hubdownloaddialog.h"

#include <QCompleter>
#include <QDialogButtonBox>
#include <QDir>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "hub/hubconfig.h"
#include "hub/hubrepoid.h"
#include "hub/modelregistry.h"

namespace cosmoclip {

HubDownloadDialog::HubDownloadDialog(QWidget* parent)
    : QDialog(parent), m_repo(new QLineEdit), m_revision(new QLineEdit), m_download(new QPushButton(tr("Download"))) {
    setObjectName(QStringLiteral("hubDownload"));
    setWindowTitle(tr("Download from Hugging Face"));
    m_repo->setObjectName(QStringLiteral("hubRepo"));
    m_repo->setPlaceholderText(QStringLiteral("openai/clip-vit-base-patch32"));
    m_repo->setCompleter(new QCompleter({QStringLiteral("openai/clip-vit-base-patch32"),
                                         QStringLiteral("laion/CLIP-ViT-B-32-laion2B-s34B-b79K"),
                                         QStringLiteral("timm/vit_base_patch32_clip_224.openai")},
                                        m_repo));
    m_revision->setObjectName(QStringLiteral("hubRevision"));
    m_revision->setPlaceholderText(QStringLiteral("main"));
    m_download->setObjectName(QStringLiteral("hubDownloadButton"));
    m_download->setDefault(true);

    const HubConfig config = HubConfig::fromEnvironment();
    auto* note = new QLabel(
        tr("The model's weights (safetensors; PyTorch .bin files are converted), configuration and tokenizer are "
           "downloaded from %1, checked against the hub's checksums and kept in %2. An interrupted download "
           "resumes. Gated or private models need an access token in the HF_TOKEN environment variable; "
           "HF_ENDPOINT names a mirror.")
            .arg(config.endpointText().toHtmlEscaped(), QDir::toNativeSeparators(ModelRegistry::defaultRoot()).toHtmlEscaped()));
    note->setWordWrap(true);
    note->setObjectName(QStringLiteral("hubNote"));

    auto* form = new QFormLayout;
    form->addRow(tr("Model (owner/name):"), m_repo);
    form->addRow(tr("Revision:"), m_revision);
    auto* buttons = new QDialogButtonBox;
    buttons->addButton(m_download, QDialogButtonBox::AcceptRole);
    buttons->addButton(QDialogButtonBox::Cancel)->setText(tr("Cancel"));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
    resize(560, sizeHint().height());

    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_repo, &QLineEdit::textChanged, this, &HubDownloadDialog::updateButton);
    updateButton();
}

QString HubDownloadDialog::repo() const {
    return m_repo->text().trimmed();
}

QString HubDownloadDialog::revision() const {
    return m_revision->text().trimmed();
}

void HubDownloadDialog::updateButton() {
    const bool valid = HubRepoId::isValid(repo());
    m_download->setEnabled(valid);
    m_download->setToolTip(valid || repo().isEmpty() ? QString() : tr("Expected owner/name, e.g. openai/clip-vit-base-patch32"));
}

}  // namespace cosmoclip
