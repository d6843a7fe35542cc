#include "errorbanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace cosmoclip {

ErrorBanner::ErrorBanner(QWidget* parent) : QFrame(parent), m_label(new QLabel) {
    setObjectName(QStringLiteral("errorBanner"));
    // Fixed colours, readable on both light and dark palettes.
    setStyleSheet(
        QStringLiteral("#errorBanner { background: #5c1f24; border-bottom: 1px solid #a3333d; }"
                       "#errorBanner QLabel { color: #fbe9eb; }"
                       "#errorBanner QToolButton { color: #fbe9eb; border: none; padding: 2px 6px; }"));
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_label->setTextFormat(Qt::PlainText);
    auto* close = new QToolButton;
    close->setText(QStringLiteral("\u2715"));
    close->setToolTip(tr("Dismiss"));
    connect(close, &QToolButton::clicked, this, &QWidget::hide);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    layout->addWidget(m_label, 1);
    layout->addWidget(close, 0, Qt::AlignTop);
    hide();
}

void ErrorBanner::showMessage(const QString& title, const QString& detail) {
    m_label->setText(detail.isEmpty() ? title : title + QLatin1Char('\n') + detail);
    show();
}

QString ErrorBanner::text() const {
    return m_label->text();
}

}  // namespace cosmoclip
