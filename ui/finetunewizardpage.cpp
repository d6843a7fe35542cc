#include "finetunewizardpage.h"

#include <QLabel>
#include <QVBoxLayout>

namespace cosmoclip {

FineTuneWizardPage::FineTuneWizardPage(QWidget* parent) : QWizardPage(parent) {
    auto* layout = new QVBoxLayout(this);
    m_body = new QVBoxLayout;
    layout->addLayout(m_body, 1);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("pageMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);
}

QString FineTuneWizardPage::message() const {
    return m_message->text();
}

bool FineTuneWizardPage::isComplete() const {
    return !m_check || m_check().isEmpty();
}

void FineTuneWizardPage::initializePage() {
    if (m_onEnter) m_onEnter();
    recheck();
}

void FineTuneWizardPage::recheck() {
    const QString error = m_check ? m_check() : QString();
    const QString warning = error.isEmpty() && m_warning ? m_warning() : QString();
    m_message->setText(error.isEmpty() ? warning : error);
    // Errors in the palette's link-visited red would vanish in night vision; bold is enough.
    m_message->setStyleSheet(error.isEmpty() ? QString() : QStringLiteral("font-weight: bold"));
    emit completeChanged();
}

}  // namespace cosmoclip
