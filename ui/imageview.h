#pragma once

#include <QImage>
#include <QPointF>
#include <QWidget>

#include "picturepyramid.h"

namespace cosmoclip {

/// Shows one picture with zoom and pan. Zoom is counted in device pixels per image pixel, so "1:1"
/// is sharp on high-DPI screens; magnified pixels are drawn as blocks (no smoothing), reduced
/// pictures come from the pyramid level at most twice the shown size, bilinearly scaled. Only the
/// visible part is drawn. Wheel zooms around the cursor, left-drag pans.
class ImageView final : public QWidget {
    Q_OBJECT
public:
    explicit ImageView(QWidget* parent = nullptr);

    /// Shows `picture`. With `keepView` and an unchanged size, zoom and pan stay; otherwise the
    /// picture is fitted to the window.
    void setPicture(const PicturePyramid& picture, bool keepView);
    /// setPicture() for a plain image (builds the pyramid here, on the calling thread).
    void setImage(const QImage& picture, bool keepView);
    void clear();
    const QImage& image() const { return m_picture.source(); }

    double zoom() const { return m_zoom; }
    bool isFitted() const { return m_fit; }
    /// Widget position (logical pixels) <-> picture position (pixels, top-left origin).
    QPointF mapToImage(const QPointF& widgetPos) const;
    QPointF mapFromImage(const QPointF& imagePos) const;

    QSize sizeHint() const override { return {800, 600}; }

    /// Night vision: the picture is drawn in its red channel only.
    void setNightVision(bool on);
    bool nightVision() const { return m_nightVision; }

public slots:
    void zoomToFit();
    void zoomToActualSize();
    void zoomIn();
    void zoomOut();

signals:
    /// The cursor is over picture pixel (x, y), 0-based from the top-left of the shown picture.
    void hoveredPixel(int x, int y);
    void hoverLeft();
    void zoomChanged(double zoom);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    double scale() const;  // logical pixels per image pixel
    double fitZoom() const;
    void setZoomAround(double zoom, const QPointF& anchor);
    void clampOrigin();
    void reportHover(const QPointF& pos);
    void paintPicture(class QPainter& painter);
    QSize imageSize() const { return image().size(); }

    PicturePyramid m_picture;
    double m_zoom = 1.0;
    QPointF m_origin;  // widget position of the picture's top-left corner
    bool m_fit = true;
    bool m_dragging = false;
    QPointF m_dragStart;
    QPointF m_originAtDragStart;
    QPoint m_hovered{-1, -1};
    bool m_nightVision = false;
};

}  // namespace cosmoclip
