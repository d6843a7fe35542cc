// The words the window shows for core data: HDU entries and the pixel readout, checked on
// hand-built images (no loader involved).
#include <QtTest>
#include <cmath>

#include "displaytext.h"

using namespace cosmoclip;

class TestDisplayText : public QObject {
    Q_OBJECT

private slots:
    void hduLabels_data();
    void hduLabels();
    void fitsReadoutCountsFromBottomOneBased();
    void rasterReadoutCountsFromTopZeroBased();
    void rgbReadoutListsChannels();
    void missingValuesReadBlankOrNaN();
    void scaledIntegersKeepDecimals();
    void outsideGivesNothing();
};

void TestDisplayText::hduLabels_data() {
    QTest::addColumn<int>("index");
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("type");
    QTest::addColumn<QList<qint64>>("shape");
    QTest::addColumn<int>("bitpix");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty primary") << 0 << "PRIMARY" << int(HduType::Empty) << QList<qint64>{} << 8
                                   << "0 PRIMARY (empty)";
    QTest::newRow("int16 image") << 1 << "SCI" << int(HduType::Image) << QList<qint64>{132, 288} << 16
                                 << "1 SCI image 132x288 int16";
    QTest::newRow("float cube") << 2 << "" << int(HduType::Image) << QList<qint64>{10, 20, 30} << -32
                                << "2 image 10x20x30 float32";
    QTest::newRow("table") << 3 << "EVENTS" << int(HduType::Table) << QList<qint64>{12, 4000} << 8
                           << "3 EVENTS table 12 cols x 4000 rows";
    QTest::newRow("float64") << 4 << "ERR" << int(HduType::Image) << QList<qint64>{5, 5} << -64
                             << "4 ERR image 5x5 float64";
}

void TestDisplayText::hduLabels() {
    QFETCH(int, index);
    QFETCH(QString, name);
    QFETCH(int, type);
    QFETCH(QList<qint64>, shape);
    QFETCH(int, bitpix);
    QFETCH(QString, expected);
    HduInfo hdu;
    hdu.index = index;
    hdu.name = name.toStdString();
    hdu.type = HduType(type);
    hdu.shape.assign(shape.begin(), shape.end());
    hdu.bitpix = bitpix;
    QCOMPARE(hduLabel(hdu), expected);
}

static Image makeImage(ImageFormat format, int width, int height, int planes, int bitpix) {
    Image image;
    image.format = format;
    image.width = width;
    image.height = height;
    image.planes = planes;
    image.bitpix = bitpix;
    image.bottomUp = format == ImageFormat::Fits;
    image.data.resize(size_t(width) * height * planes);
    for (size_t i = 0; i < image.data.size(); ++i) image.data[i] = float(i);
    return image;
}

void TestDisplayText::fitsReadoutCountsFromBottomOneBased() {
    const Image image = makeImage(ImageFormat::Fits, 5, 3, 1, 16);
    // Display (0, 0) is the top-left: FITS (1, 3), stored row 2, value 2 * 5 + 0.
    QCOMPARE(pixelReadout(image, 0, 0, -1), QStringLiteral("x 1  y 3   10"));
    QCOMPARE(pixelReadout(image, 4, 2, -1), QStringLiteral("x 5  y 1   4"));
}

void TestDisplayText::rasterReadoutCountsFromTopZeroBased() {
    const Image image = makeImage(ImageFormat::Png, 5, 3, 1, 8);
    QCOMPARE(pixelReadout(image, 0, 0, -1), QStringLiteral("x 0  y 0   0"));
    QCOMPARE(pixelReadout(image, 4, 2, -1), QStringLiteral("x 4  y 2   14"));
}

void TestDisplayText::rgbReadoutListsChannels() {
    Image image = makeImage(ImageFormat::Png, 2, 2, 3, 8);
    image.rgb = true;
    image.color = ColorSource::Rgb;
    // Pixel (1, 0): offset 1 in each plane of 4 values.
    QCOMPARE(pixelReadout(image, 1, 0, -1), QStringLiteral("x 1  y 0   R 1  G 5  B 9"));
    QCOMPARE(pixelReadout(image, 1, 0, 2), QStringLiteral("x 1  y 0   9   (plane 3 / 3)"));
    image.alpha = {255, 128, 0, 7};
    QCOMPARE(pixelReadout(image, 1, 0, -1), QStringLiteral("x 1  y 0   R 1  G 5  B 9  A 128"));
}

void TestDisplayText::missingValuesReadBlankOrNaN() {
    Image ints = makeImage(ImageFormat::Fits, 2, 2, 1, 32);
    ints.data[3] = std::nanf("");
    QCOMPARE(pixelReadout(ints, 1, 0, -1), QStringLiteral("x 2  y 2   blank"));
    Image floats = makeImage(ImageFormat::Fits, 2, 2, 1, -32);
    floats.data[3] = std::nanf("");
    QCOMPARE(pixelReadout(floats, 1, 0, -1), QStringLiteral("x 2  y 2   NaN"));
    Image tiff = makeImage(ImageFormat::Tiff, 2, 2, 1, -32);
    tiff.data[0] = std::nanf("");
    QCOMPARE(pixelReadout(tiff, 0, 0, -1), QStringLiteral("x 0  y 0   NaN"));
}

void TestDisplayText::scaledIntegersKeepDecimals() {
    Image image = makeImage(ImageFormat::Fits, 1, 1, 1, 16);
    image.bscale = 0.5;
    image.data[0] = 12.5f;
    QCOMPARE(pixelReadout(image, 0, 0, -1), QStringLiteral("x 1  y 1   12.5"));
    image.bscale = 1.0;
    image.bzero = 32768.0;  // unsigned 16-bit stays integral
    image.data[0] = 40000.0f;
    QCOMPARE(pixelReadout(image, 0, 0, -1), QStringLiteral("x 1  y 1   40000"));
    Image floats = makeImage(ImageFormat::Fits, 1, 1, 1, -32);
    floats.data[0] = 1.234567891f;
    QCOMPARE(pixelReadout(floats, 0, 0, -1), QStringLiteral("x 1  y 1   1.234568"));
}

void TestDisplayText::outsideGivesNothing() {
    const Image image = makeImage(ImageFormat::Fits, 3, 3, 1, 16);
    QVERIFY(pixelReadout(image, -1, 0, -1).isEmpty());
    QVERIFY(pixelReadout(image, 3, 0, -1).isEmpty());
    QVERIFY(pixelReadout(image, 0, 3, -1).isEmpty());
}

QTEST_GUILESS_MAIN(TestDisplayText)
#include "tst_displaytext.moc"
