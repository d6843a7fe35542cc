#pragma once

#include <QStyledItemDelegate>

namespace cosmoclip {

/// Paints one grid cell: the thumbnail (or a placeholder while it is made), the file name, the
/// search score when results are shown, and the best label as a chip with a probability bar. The
/// size is fixed and computed without touching the model, so laying out 100k rows asks nothing of
/// the catalog or the thumbnail cache.
class ThumbnailDelegate final : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit ThumbnailDelegate(QObject* parent = nullptr);

    void setThumbnailSide(int side) { m_side = side; }
    int thumbnailSide() const { return m_side; }
    /// Night vision: thumbnails drawn in their red channel only.
    void setNightVision(bool on) { m_night = on; }

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    void paintThumbnail(QPainter* painter, const QRect& area, const QModelIndex& index,
                        const QStyleOptionViewItem& option) const;
    void paintLabel(QPainter* painter, const QRect& area, const QModelIndex& index,
                    const QStyleOptionViewItem& option) const;

    int m_side = 128;
    bool m_night = false;
};

}  // namespace cosmoclip
