// The reduced levels ImageView draws from: exact 2x2 averages, sizes, and the level chosen per zoom.
#include <QtTest>

#include "picturepyramid.h"

using namespace cosmoclip;

class TestPicturePyramid : public QObject {
    Q_OBJECT

private slots:
    void halvingAveragesTwoByTwo();
    void halvingRepeatsOddEdges();
    void halvingKeepsColourChannelsApart();
    void levelsStopNearMinSide();
    void levelForZoom_data();
    void levelForZoom();
};

void TestPicturePyramid::halvingAveragesTwoByTwo() {
    QImage image(4, 2, QImage::Format_Grayscale8);
    const uchar rows[2][4] = {{0, 10, 100, 255}, {20, 30, 101, 255}};
    for (int y = 0; y < 2; ++y) std::memcpy(image.scanLine(y), rows[y], 4);
    const QImage half = halveImage(image);
    QCOMPARE(half.size(), QSize(2, 1));
    QCOMPARE(half.format(), QImage::Format_Grayscale8);
    QCOMPARE(int(half.constScanLine(0)[0]), 15);   // (0 + 10 + 20 + 30) / 4
    QCOMPARE(int(half.constScanLine(0)[1]), 178);  // (100 + 255 + 101 + 255 + 2) / 4 = 178.25
}

void TestPicturePyramid::halvingRepeatsOddEdges() {
    QImage image(3, 3, QImage::Format_Grayscale8);
    for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 3; ++x) image.scanLine(y)[x] = uchar(40 * x + y);
    const QImage half = halveImage(image);
    QCOMPARE(half.size(), QSize(2, 2));
    QCOMPARE(int(half.constScanLine(1)[1]), 82);  // only pixel (2, 2) = 82, repeated
}

void TestPicturePyramid::halvingKeepsColourChannelsApart() {
    QImage image(2, 2, QImage::Format_RGB888);
    image.fill(QColor(200, 0, 0));
    image.setPixelColor(1, 1, QColor(0, 0, 100));
    const QImage half = halveImage(image);
    QCOMPARE(half.format(), QImage::Format_RGB888);
    QCOMPARE(half.pixelColor(0, 0), QColor(150, 0, 25));
}

void TestPicturePyramid::levelsStopNearMinSide() {
    const PicturePyramid pyramid(QImage(4096, 1000, QImage::Format_Grayscale8));
    // 4096 -> 2048 -> 1024 -> 512: the last level is at most 2 * kMinSide on its longer side.
    QCOMPARE(pyramid.levelCount(), 4);
    QCOMPARE(pyramid.level(3).size(), QSize(512, 125));
    QCOMPARE(PicturePyramid(QImage(300, 200, QImage::Format_Grayscale8)).levelCount(), 1);
    QVERIFY(PicturePyramid(QImage()).isNull());
}

void TestPicturePyramid::levelForZoom_data() {
    QTest::addColumn<double>("zoom");
    QTest::addColumn<int>("level");
    QTest::newRow("magnified") << 3.0 << 0;
    QTest::newRow("1:1") << 1.0 << 0;
    QTest::newRow("0.6") << 0.6 << 0;
    QTest::newRow("0.5") << 0.5 << 1;
    QTest::newRow("0.3") << 0.3 << 1;
    QTest::newRow("0.25") << 0.25 << 2;
    QTest::newRow("0.13") << 0.13 << 2;
    QTest::newRow("tiny, clamped") << 0.01 << 3;
}

void TestPicturePyramid::levelForZoom() {
    QFETCH(double, zoom);
    QFETCH(int, level);
    const PicturePyramid pyramid(QImage(4096, 4096, QImage::Format_Grayscale8));
    QCOMPARE(pyramid.levelFor(zoom), level);
}

QTEST_GUILESS_MAIN(TestPicturePyramid)
#include "tst_picturepyramid.moc"
