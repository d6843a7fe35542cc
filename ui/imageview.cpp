#include "imageview.h"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include "nightvision.h"

namespace cosmoclip {

namespace {
constexpr double kZoomStep = 1.25;
constexpr double kMaxZoom = 64.0;
const QColor kBackground(0x1e, 0x1f, 0x22);  // dark grey: faint sky detail reads better on it
}  // namespace

ImageView::ImageView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(160, 120);
}

void ImageView::setPicture(const PicturePyramid& picture, bool keepView) {
    const bool sameSize = picture.source().size() == imageSize();
    m_picture = picture;
    m_hovered = QPoint(-1, -1);  // the next mouse move reports again, with the new data
    if (!keepView || !sameSize) {
        m_fit = true;
    }
    if (m_fit) {
        zoomToFit();
    } else {
        clampOrigin();
        update();
    }
}

void ImageView::setImage(const QImage& picture, bool keepView) {
    setPicture(PicturePyramid(picture), keepView);
}

void ImageView::clear() {
    m_picture = PicturePyramid();
    update();
}

double ImageView::scale() const {
    return m_zoom / devicePixelRatioF();
}

QPointF ImageView::mapToImage(const QPointF& widgetPos) const {
    return (widgetPos - m_origin) / scale();
}

QPointF ImageView::mapFromImage(const QPointF& imagePos) const {
    return m_origin + imagePos * scale();
}

double ImageView::fitZoom() const {
    if (image().isNull()) return 1.0;
    const double dpr = devicePixelRatioF();
    return std::min(width() * dpr / imageSize().width(), height() * dpr / imageSize().height());
}

void ImageView::zoomToFit() {
    m_fit = true;
    // Tiny images (a 3x4 cube plane) may be fitted beyond kMaxZoom.
    m_zoom = std::clamp(fitZoom(), 1e-4, 4096.0);
    clampOrigin();
    update();
    emit zoomChanged(m_zoom);
}

void ImageView::zoomToActualSize() {
    setZoomAround(1.0, rect().center());
}

void ImageView::zoomIn() {
    setZoomAround(m_zoom * kZoomStep, rect().center());
}

void ImageView::zoomOut() {
    setZoomAround(m_zoom / kZoomStep, rect().center());
}

void ImageView::setZoomAround(double zoom, const QPointF& anchor) {
    if (image().isNull()) return;
    const double minZoom = std::min(fitZoom(), 1.0) / 2.0;
    zoom = std::clamp(zoom, minZoom, std::max(kMaxZoom, fitZoom()));
    // Keep the picture point under `anchor` where it is.
    const QPointF imagePoint = mapToImage(anchor);
    m_zoom = zoom;
    m_fit = false;
    m_origin = anchor - imagePoint * scale();
    clampOrigin();
    update();
    emit zoomChanged(m_zoom);
}

// A picture smaller than the window is centred; a larger one cannot be dragged off an edge.
void ImageView::clampOrigin() {
    const double s = scale();
    const auto clampAxis = [](double origin, double extent, double view) {
        if (extent <= view) return (view - extent) / 2.0;
        return std::clamp(origin, view - extent, 0.0);
    };
    m_origin.setX(clampAxis(m_origin.x(), imageSize().width() * s, width()));
    m_origin.setY(clampAxis(m_origin.y(), imageSize().height() * s, height()));
    // Snap to whole device pixels so that magnified pixels keep sharp edges.
    const double dpr = devicePixelRatioF();
    m_origin = QPointF(std::round(m_origin.x() * dpr) / dpr, std::round(m_origin.y() * dpr) / dpr);
}

void ImageView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    if (m_fit) {
        zoomToFit();
    } else {
        clampOrigin();
    }
}

void ImageView::paintPicture(QPainter& painter) {
    // Level k pixel (i, j) covers picture pixels [i 2^k, (i + 1) 2^k) x [j 2^k, (j + 1) 2^k).
    const int k = m_picture.levelFor(m_zoom);
    const QImage& level = m_picture.level(k);
    const double step = double(1 << k);
    const QRectF pictureRect(QPointF(0, 0), QSizeF(imageSize()));
    const QRectF visible =
        QRectF(mapToImage(QPointF(0, 0)), mapToImage(QPointF(width(), height()))).intersected(pictureRect);
    // Draw only the visible part: at high zoom the whole picture would be scaled for nothing.
    const QRect source =
        QRect(QPoint(int(std::floor(visible.left() / step)), int(std::floor(visible.top() / step))),
              QPoint(int(std::ceil(visible.right() / step)) - 1, int(std::ceil(visible.bottom() / step)) - 1))
            .intersected(level.rect());
    if (source.isEmpty()) return;
    const QRectF target(mapFromImage(QPointF(source.topLeft()) * step),
                        QSizeF(source.size()) * step * scale());
    // Magnified pixels stay blocks; reductions from a level up to 2x larger are smoothed.
    painter.setRenderHint(QPainter::SmoothPixmapTransform, m_zoom < 1.0);
    painter.setClipRect(QRectF(mapFromImage(QPointF(0, 0)), pictureRect.size() * scale()));
    painter.drawImage(target, level, source);
    if (m_nightVision) NightVision::redOnly(painter, target);
}

void ImageView::setNightVision(bool on) {
    if (on == m_nightVision) return;
    m_nightVision = on;
    update();
}

void ImageView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), m_nightVision ? QColor(0x0a, 0x00, 0x00) : kBackground);
    if (image().isNull()) {
        painter.setPen(QColor(0x9a, 0x9c, 0xa3));
        painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                         tr("Open a FITS, PNG, JPEG or TIFF file\n(File \u25b8 Open, or drop it here)"));
        return;
    }
    paintPicture(painter);
}

void ImageView::wheelEvent(QWheelEvent* event) {
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0.0 || image().isNull()) {
        event->ignore();
        return;
    }
    setZoomAround(m_zoom * std::pow(kZoomStep, steps), event->position());
    reportHover(event->position());
    event->accept();
}

void ImageView::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || image().isNull()) {
        QWidget::mousePressEvent(event);
        return;
    }
    m_dragging = true;
    m_dragStart = event->position();
    m_originAtDragStart = m_origin;
    setCursor(Qt::ClosedHandCursor);
}

void ImageView::mouseMoveEvent(QMouseEvent* event) {
    if (m_dragging) {
        m_origin = m_originAtDragStart + (event->position() - m_dragStart);
        clampOrigin();
        update();
    }
    reportHover(event->position());
}

void ImageView::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton && m_dragging) {
        m_dragging = false;
        unsetCursor();
    }
    QWidget::mouseReleaseEvent(event);
}

void ImageView::leaveEvent(QEvent* event) {
    m_hovered = QPoint(-1, -1);
    emit hoverLeft();
    QWidget::leaveEvent(event);
}

void ImageView::reportHover(const QPointF& pos) {
    const QPointF p = mapToImage(pos);
    const QPoint pixel(int(std::floor(p.x())), int(std::floor(p.y())));
    if (image().isNull() || !QRect(QPoint(0, 0), imageSize()).contains(pixel)) {
        if (m_hovered != QPoint(-1, -1)) {
            m_hovered = QPoint(-1, -1);
            emit hoverLeft();
        }
        return;
    }
    if (pixel == m_hovered) return;
    m_hovered = pixel;
    emit hoveredPixel(pixel.x(), pixel.y());
}

}  // namespace cosmoclip
