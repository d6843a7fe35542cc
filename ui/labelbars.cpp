#include "labelbars.h"

#include <QMouseEvent>
#include <QPainter>
#include <algorithm>

namespace cosmoclip {

LabelBars::LabelBars(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void LabelBars::setEntries(const QVector<Entry>& entries) {
    m_entries = entries;
    updateGeometry();
    update();
}

void LabelBars::setEmptyText(const QString& text) {
    m_emptyText = text;
    update();
}

int LabelBars::rowHeight() const {
    return fontMetrics().height() + 8;
}

int LabelBars::shownRows() const {
    return std::min<int>(int(m_entries.size()), m_maxRows);
}

QSize LabelBars::sizeHint() const {
    return {280, std::max(1, shownRows()) * rowHeight() + 4};
}

QSize LabelBars::minimumSizeHint() const {
    return {160, std::max(1, shownRows()) * rowHeight() + 4};
}

void LabelBars::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette& pal = palette();
    const QFontMetrics fm = fontMetrics();
    if (m_entries.isEmpty()) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(rect().adjusted(4, 0, -4, 0), Qt::AlignLeft | Qt::AlignVCenter, m_emptyText);
        return;
    }
    const int h = rowHeight();
    const int labelWidth = std::min(width() * 45 / 100, 200);
    int valueWidth = fm.horizontalAdvance(QStringLiteral("100.0 %"));
    for (const Entry& e : m_entries) valueWidth = std::max(valueWidth, fm.horizontalAdvance(e.value));
    valueWidth += 8;
    for (int i = 0; i < shownRows(); ++i) {
        const Entry& e = m_entries[i];
        const QRect row(0, 2 + i * h, width(), h);
        // The chip: the label on a rounded button-coloured ground.
        QString text = e.label;
        if (!e.tag.isEmpty()) text += QStringLiteral("  \u00b7 ") + e.tag;
        const QString shown = fm.elidedText(text, Qt::ElideRight, labelWidth - 14);
        const QRectF chip(row.left() + 2, row.top() + 2, std::min(labelWidth, fm.horizontalAdvance(shown) + 14), h - 4);
        painter.setPen(Qt::NoPen);
        painter.setBrush(pal.color(QPalette::Button));
        painter.drawRoundedRect(chip, chip.height() / 2, chip.height() / 2);
        painter.setPen(pal.color(QPalette::ButtonText));
        painter.drawText(chip.adjusted(7, 0, -7, 0), Qt::AlignLeft | Qt::AlignVCenter, shown);
        // The bar between the chip and the value.
        const QRectF track(row.left() + labelWidth + 6, row.center().y() - 4, std::max(10, width() - labelWidth - valueWidth - 10), 8);
        painter.setPen(Qt::NoPen);
        painter.setBrush(pal.color(QPalette::Base));
        painter.drawRoundedRect(track, 4, 4);
        painter.setBrush(pal.color(QPalette::Highlight));
        painter.drawRoundedRect(QRectF(track.left(), track.top(), track.width() * std::clamp(e.fraction, 0.0, 1.0), track.height()), 4, 4);
        painter.setPen(pal.color(QPalette::Text));
        painter.drawText(QRect(int(track.right()) + 4, row.top(), valueWidth, h), Qt::AlignRight | Qt::AlignVCenter, e.value);
    }
}

void LabelBars::mousePressEvent(QMouseEvent* event) {
    const int row = int(event->position().y() - 2) / rowHeight();
    if (row >= 0 && row < shownRows()) emit labelClicked(m_entries[row].label);
    QWidget::mousePressEvent(event);
}

}  // namespace cosmoclip
