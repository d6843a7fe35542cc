// ImageView geometry: fit, 1:1, zoom around the cursor, panning limits and the hovered pixel.
#include <QSignalSpy>
#include <QtTest>

#include "imageview.h"

using namespace cosmoclip;

class TestImageView : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void fitsLargeAndSmallPictures();
    void actualSizeIsOneDevicePixelPerImagePixel();
    void wheelZoomKeepsPointUnderCursor();
    void dragPansWithinLimits();
    void hoverReportsImagePixel();
    void rerenderKeepsZoomNewSizeRefits();
    void drawsMagnifiedPixelsSharp();

private:
    ImageView* m_view = nullptr;
};

void TestImageView::init() {
    m_view = new ImageView;
    m_view->resize(400, 300);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
}

void TestImageView::cleanup() {
    delete m_view;
    m_view = nullptr;
}

static QImage picture(int w, int h) {
    QImage image(w, h, QImage::Format_Grayscale8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) image.scanLine(y)[x] = uchar((x * 7 + y * 3) % 256);
    return image;
}

void TestImageView::fitsLargeAndSmallPictures() {
    const double dpr = m_view->devicePixelRatioF();
    m_view->setImage(picture(800, 300), false);
    QVERIFY(m_view->isFitted());
    QCOMPARE(m_view->zoom(), 0.5 * dpr);  // width-limited: 400 / 800
    // Centred vertically: 150 logical pixels tall in a 300 tall view.
    QCOMPARE(m_view->mapFromImage(QPointF(0, 0)), QPointF(0, 75));
    m_view->setImage(picture(40, 100), false);
    QCOMPARE(m_view->zoom(), 3.0 * dpr);  // height-limited: 300 / 100
    QCOMPARE(m_view->mapFromImage(QPointF(0, 0)), QPointF(140, 0));
    m_view->resize(200, 600);
    QCOMPARE(m_view->zoom(), 5.0 * dpr);  // a fitted picture follows the window
}

void TestImageView::actualSizeIsOneDevicePixelPerImagePixel() {
    m_view->setImage(picture(1000, 1000), false);
    m_view->zoomToActualSize();
    QCOMPARE(m_view->zoom(), 1.0);
    QVERIFY(!m_view->isFitted());
    m_view->zoomIn();
    QCOMPARE(m_view->zoom(), 1.25);
    m_view->zoomOut();
    m_view->zoomOut();
    QCOMPARE(m_view->zoom(), 0.8);
    m_view->zoomToFit();
    QVERIFY(m_view->isFitted());
}

void TestImageView::wheelZoomKeepsPointUnderCursor() {
    m_view->setImage(picture(1000, 1000), false);
    m_view->zoomToActualSize();
    const QPointF cursor(100, 80);
    const QPointF before = m_view->mapToImage(cursor);
    QWheelEvent wheel(cursor, m_view->mapToGlobal(cursor), QPoint(), QPoint(0, 120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(m_view, &wheel);
    QCOMPARE(m_view->zoom(), 1.25);
    const QPointF after = m_view->mapToImage(cursor);
    // Within the snapping of the origin to whole device pixels.
    QVERIFY2(
        qAbs(after.x() - before.x()) < 1.0 && qAbs(after.y() - before.y()) < 1.0,
        qPrintable(
            QStringLiteral("%1,%2 -> %3,%4").arg(before.x()).arg(before.y()).arg(after.x()).arg(after.y())));
}

void TestImageView::dragPansWithinLimits() {
    m_view->setImage(picture(1000, 1000), false);
    m_view->zoomToActualSize();
    const QPointF start = m_view->mapFromImage(QPointF(0, 0));
    QTest::mousePress(m_view, Qt::LeftButton, Qt::NoModifier, QPoint(200, 150));
    QTest::mouseMove(m_view, QPoint(150, 120));
    QTest::mouseRelease(m_view, Qt::LeftButton, Qt::NoModifier, QPoint(150, 120));
    QCOMPARE(m_view->mapFromImage(QPointF(0, 0)), start + QPointF(-50, -30));
    // Far to the right: the left edge of the picture stops at the left edge of the view.
    QTest::mousePress(m_view, Qt::LeftButton, Qt::NoModifier, QPoint(10, 10));
    QTest::mouseMove(m_view, QPoint(390, 290));
    QTest::mouseRelease(m_view, Qt::LeftButton, Qt::NoModifier, QPoint(390, 290));
    QCOMPARE(m_view->mapFromImage(QPointF(0, 0)).x(), 0.0);
    QCOMPARE(m_view->mapFromImage(QPointF(0, 0)).y(), start.y() - 30 + 280);
}

void TestImageView::hoverReportsImagePixel() {
    m_view->setImage(picture(100, 100), false);  // fitted at 3x, centred at x = 50
    QSignalSpy hovered(m_view, &ImageView::hoveredPixel);
    QSignalSpy left(m_view, &ImageView::hoverLeft);
    const QPointF pos = m_view->mapFromImage(QPointF(10.5, 20.5));
    QTest::mouseMove(m_view, pos.toPoint());
    QTRY_COMPARE(hovered.count(), 1);
    QCOMPARE(hovered.at(0).at(0).toInt(), 10);
    QCOMPARE(hovered.at(0).at(1).toInt(), 20);
    QTest::mouseMove(m_view, QPoint(5, 5));  // on the background left of the picture
    QTRY_COMPARE(left.count(), 1);
}

void TestImageView::rerenderKeepsZoomNewSizeRefits() {
    m_view->setImage(picture(1000, 1000), false);
    m_view->zoomToActualSize();
    m_view->zoomIn();
    const QPointF corner = m_view->mapFromImage(QPointF(0, 0));
    m_view->setImage(picture(1000, 1000), true);  // e.g. another stretch
    QCOMPARE(m_view->zoom(), 1.25);
    QCOMPARE(m_view->mapFromImage(QPointF(0, 0)), corner);
    m_view->setImage(picture(500, 1000), true);  // another HDU of another size
    QVERIFY(m_view->isFitted());
}

void TestImageView::drawsMagnifiedPixelsSharp() {
    QImage checker(8, 8, QImage::Format_Grayscale8);
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x) checker.scanLine(y)[x] = (x + y) % 2 ? 255 : 0;
    m_view->resize(400, 400);
    m_view->setImage(checker, false);  // 50 device pixels per image pixel at dpr 1
    const QImage shot = m_view->grab().toImage().convertToFormat(QImage::Format_Grayscale8);
    const double scale = shot.width() / 400.0;
    // Next to a cell edge the colours must be pure: no smoothing between image pixels.
    QCOMPARE(qGray(shot.pixel(int(49 * scale), int(25 * scale))), 0);
    QCOMPARE(qGray(shot.pixel(int(50 * scale), int(25 * scale))), 255);
    QCOMPARE(qGray(shot.pixel(int(99 * scale), int(25 * scale))), 255);
    QCOMPARE(qGray(shot.pixel(int(100 * scale), int(25 * scale))), 0);
}

QTEST_MAIN(TestImageView)
#include "tst_imageview.moc"
