#include "thumbnaildelegate.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

#include "imagegridmodel.h"
#include "nightvision.h"

namespace cosmoclip {

namespace {

constexpr int kPadding = 6;

}  // namespace

ThumbnailDelegate::ThumbnailDelegate(QObject* parent) : QStyledItemDelegate(parent) {}

QSize ThumbnailDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const {
    const int line = option.fontMetrics.height();
    return {m_side + 2 * kPadding, m_side + 3 * kPadding + 2 * line + 4};
}

void ThumbnailDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const {
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QPalette& pal = option.palette;
    const QRectF cell = QRectF(option.rect).adjusted(2, 2, -2, -2);
    if (option.state & QStyle::State_Selected) {
        QColor fill = pal.color(QPalette::Highlight);
        fill.setAlpha(110);
        painter->setPen(QPen(pal.color(QPalette::Highlight), 1.5));
        painter->setBrush(fill);
        painter->drawRoundedRect(cell, 6, 6);
    } else if (option.state & QStyle::State_MouseOver) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(pal.color(QPalette::AlternateBase));
        painter->drawRoundedRect(cell, 6, 6);
    }
    const QRect thumbArea(option.rect.left() + kPadding, option.rect.top() + kPadding, m_side, m_side);
    paintThumbnail(painter, thumbArea, index, option);

    const int line = option.fontMetrics.height();
    const QRect nameRect(option.rect.left() + kPadding, thumbArea.bottom() + kPadding, m_side, line);
    painter->setPen(pal.color(option.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text));
    painter->drawText(nameRect, Qt::AlignHCenter | Qt::AlignVCenter,
                      option.fontMetrics.elidedText(index.data(Qt::DisplayRole).toString(), Qt::ElideMiddle, m_side));
    paintLabel(painter, QRect(nameRect.left(), nameRect.bottom() + 3, m_side, line + 2), index, option);
    painter->restore();
}

void ThumbnailDelegate::paintThumbnail(QPainter* painter, const QRect& area, const QModelIndex& index,
                                       const QStyleOptionViewItem& option) const {
    const QImage image = index.data(Qt::DecorationRole).value<QImage>();
    if (image.isNull()) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(option.palette.color(QPalette::Base));
        painter->drawRoundedRect(QRectF(area).adjusted(8, 8, -8, -8), 4, 4);
        if (index.data(ImageGridModel::ThumbnailFailedRole).toBool()) {
            painter->setPen(option.palette.color(QPalette::PlaceholderText));
            painter->drawText(area, Qt::AlignCenter, tr("unreadable"));
        }
        return;
    }
    const QSize shown = image.size().scaled(area.size(), Qt::KeepAspectRatio);
    const QRect target(area.left() + (area.width() - shown.width()) / 2, area.top() + (area.height() - shown.height()) / 2,
                       shown.width(), shown.height());
    painter->setRenderHint(QPainter::SmoothPixmapTransform);
    painter->drawImage(target, image);
    if (m_night) NightVision::redOnly(*painter, target);
}

void ThumbnailDelegate::paintLabel(QPainter* painter, const QRect& area, const QModelIndex& index,
                                   const QStyleOptionViewItem& option) const {
    const QVariant score = index.data(ImageGridModel::ScoreRole);
    const QString label = index.data(ImageGridModel::LabelRole).toString();
    QRect chipArea = area;
    if (score.isValid()) {
        const QString text = QString::number(score.toDouble(), 'f', 3);
        const int w = option.fontMetrics.horizontalAdvance(text) + 6;
        painter->setPen(option.palette.color(QPalette::Link));
        painter->drawText(QRect(area.right() - w, area.top(), w, area.height()), Qt::AlignRight | Qt::AlignVCenter, text);
        chipArea.setRight(area.right() - w - 4);
    }
    if (label.isEmpty() || chipArea.width() < 24) return;
    const double p = index.data(ImageGridModel::LabelProbabilityRole).toDouble();
    const bool groundTruth = index.data(ImageGridModel::LabelSourceRole).toString() != QLatin1String("zero-shot");
    const QString text = groundTruth ? label : QStringLiteral("%1 %2%").arg(label).arg(qRound(p * 100));
    const QString shown = option.fontMetrics.elidedText(text, Qt::ElideRight, chipArea.width() - 10);
    const int w = std::min(chipArea.width(), option.fontMetrics.horizontalAdvance(shown) + 12);
    const QRectF chip(chipArea.left(), chipArea.top(), w, chipArea.height());
    QColor base = option.palette.color(QPalette::Button);
    painter->setPen(Qt::NoPen);
    painter->setBrush(base);
    painter->drawRoundedRect(chip, chip.height() / 2, chip.height() / 2);
    // The probability as a bar along the chip's bottom; ground truth is a full bar.
    QColor bar = option.palette.color(QPalette::Highlight);
    painter->setBrush(bar);
    const double fraction = groundTruth ? 1.0 : std::clamp(p, 0.0, 1.0);
    painter->drawRoundedRect(QRectF(chip.left() + 4, chip.bottom() - 3, (chip.width() - 8) * fraction, 2), 1, 1);
    painter->setPen(option.palette.color(QPalette::ButtonText));
    painter->drawText(chip.adjusted(6, -1, -4, -2), Qt::AlignLeft | Qt::AlignVCenter, shown);
}

}  // namespace cosmoclip
