// The viewer window end to end: files written here (CFITSIO, QImage::save) are opened through the
// real loaders and renderer on the worker thread, and the widgets are checked against the values
// written.
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QMimeData>
#include <QSettings>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <memory>

#include "errorbanner.h"
#include "fitswriter.h"
#include "headermodel.h"
#include "imagedocument.h"
#include "imageview.h"
#include "mainwindow.h"

using namespace cosmoclip;

class TestMainWindow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void titleIsCosmoClip();
    void opensPngAsStored();
    void recentFilesAreRemembered();
    void opensFitsFlippedWithAutoStretch();
    void hduComboListsMefAndSwitchingReloads();
    void headerModelShowsObject();
    void stretchComboChangesPixels();
    void renderingRunsOffTheGuiThread();
    void latestOpenWins();
    void hoverShowsFitsValue();
    void hoverShowsRgbValues();
    void hoverShowsBlankAndNaN();
    void droppedFileOpens();
    void corruptFileShowsErrorAndKeepsImage_data();
    void corruptFileShowsErrorAndKeepsImage();
    void cubeShowsPlaneSelector();
    void rgbCubeShowsAsColourWithCheckbox();

private:
    QString path(const QString& name) const { return m_dir.filePath(name); }
    void openAndWait(const QString& file, QSize expected);
    void hover(int x, int y);
    QString readout() const;
    QString writeGradientFits();

    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_window;
};

void TestMainWindow::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // QSettings go to a test location
    QCoreApplication::setOrganizationName(QStringLiteral("CosmoCLIP"));
    QCoreApplication::setApplicationName(QStringLiteral("CosmoCLIP-tests"));
    QVERIFY(m_dir.isValid());
}

void TestMainWindow::init() {
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1000, 700);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestMainWindow::cleanup() {
    m_window.reset();
}

void TestMainWindow::openAndWait(const QString& file, QSize expected) {
    m_window->openFile(file);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->view()->image().size(), expected, 15000);
    QTRY_VERIFY(!m_window->document()->isBusy());
}

void TestMainWindow::hover(int x, int y) {
    ImageView* view = m_window->view();
    const QPoint pos = view->mapFromImage(QPointF(x + 0.5, y + 0.5)).toPoint();
    QVERIFY(view->rect().contains(pos));
    QTest::mouseMove(view, pos);
}

QString TestMainWindow::readout() const {
    auto* label = m_window->findChild<QLabel*>(QStringLiteral("pixelReadout"));
    return label ? label->text() : QStringLiteral("<no readout label>");
}

// 64 x 16 float32, value = x along each row: linear maps it to a ramp.
QString TestMainWindow::writeGradientFits() {
    testfits::Hdu hdu;
    hdu.bitpix = -32;
    hdu.axes = {64, 16};
    for (int y = 0; y < 16; ++y)
        for (int x = 0; x < 64; ++x) hdu.values.push_back(x);
    const QString file = path(QStringLiteral("gradient.fits"));
    if (!testfits::write(file, {hdu})) return {};
    return file;
}

void TestMainWindow::titleIsCosmoClip() {
    QCOMPARE(m_window->windowTitle(), QStringLiteral("CosmoCLIP"));
    const QString file = path(QStringLiteral("title.png"));
    QImage picture(10, 8, QImage::Format_RGB888);
    picture.fill(Qt::darkCyan);
    QVERIFY(picture.save(file));
    openAndWait(file, QSize(10, 8));
    QVERIFY2(m_window->windowTitle().contains(QStringLiteral("title.png")),
             qPrintable(m_window->windowTitle()));
}

void TestMainWindow::opensPngAsStored() {
    const QString file = path(QStringLiteral("colour.png"));
    QImage picture(40, 30, QImage::Format_RGB888);
    picture.fill(QColor(10, 20, 30));
    picture.setPixelColor(39, 29, QColor(200, 150, 100));
    QVERIFY(picture.save(file));
    openAndWait(file, QSize(40, 30));
    auto* stretch = m_window->findChild<QComboBox*>(QStringLiteral("stretchCombo"));
    QCOMPARE(stretch->currentText(), QStringLiteral("None"));  // 8-bit data is shown as stored
    const QImage shown = m_window->view()->image();
    QCOMPARE(shown.pixelColor(0, 0), QColor(10, 20, 30));
    QCOMPARE(shown.pixelColor(39, 29), QColor(200, 150, 100));
    auto* hduCombo = m_window->findChild<QComboBox*>(QStringLiteral("hduCombo"));
    QCOMPARE(hduCombo->count(), 0);
    auto* note = m_window->findChild<QLabel*>(QStringLiteral("headerEmptyNote"));
    QVERIFY(note && note->isVisible());
    QCOMPARE(note->text(), QStringLiteral("PNG files have no FITS header."));
}

void TestMainWindow::recentFilesAreRemembered() {
    const QString file = path(QStringLiteral("recent.png"));
    QImage picture(6, 5, QImage::Format_Grayscale8);
    picture.fill(9);
    QVERIFY(picture.save(file));
    openAndWait(file, QSize(6, 5));
    const QStringList stored = QSettings().value(QStringLiteral("recentFiles")).toStringList();
    QVERIFY(!stored.isEmpty());
    QCOMPARE(stored.first(), QFileInfo(file).absoluteFilePath());
    // A new window lists it under File > Open Recent, and choosing it opens the file.
    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QAction* entry = nullptr;
    for (QAction* action : m_window->findChildren<QAction*>()) {
        if (action->text().contains(QStringLiteral("recent.png"))) entry = action;
    }
    QVERIFY(entry);
    entry->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(m_window->view()->image().size(), QSize(6, 5), 15000);
}

void TestMainWindow::opensFitsFlippedWithAutoStretch() {
    // First stored row (the bottom of the sky) bright, the rest a dim constant with some noise.
    testfits::Hdu hdu;
    hdu.bitpix = 16;
    hdu.axes = {30, 20};
    for (int y = 0; y < 20; ++y)
        for (int x = 0; x < 30; ++x) hdu.values.push_back(y == 0 ? 30000 : 100 + (x * 7 + y * 13) % 11);
    const QString file = path(QStringLiteral("flip.fits"));
    QVERIFY(testfits::write(file, {hdu}));
    openAndWait(file, QSize(30, 20));
    auto* stretch = m_window->findChild<QComboBox*>(QStringLiteral("stretchCombo"));
    QCOMPARE(stretch->currentText(), QStringLiteral("Auto"));
    const QImage shown = m_window->view()->image();
    QCOMPARE(qGray(shown.pixel(5, 19)), 255);  // stored row 0 is the bottom display row
    QVERIFY(qGray(shown.pixel(5, 0)) < 255);
}

void TestMainWindow::hduComboListsMefAndSwitchingReloads() {
    testfits::Hdu primary;
    primary.bitpix = 0;
    testfits::Hdu sci;
    sci.bitpix = 16;
    sci.axes = {16, 8};
    sci.extname = QStringLiteral("SCI");
    sci.values.assign(16 * 8, 0.0);
    for (size_t i = 0; i < sci.values.size(); ++i) sci.values[i] = double(i % 16);
    testfits::Hdu table;
    table.table = true;
    table.axes = {5};
    table.extname = QStringLiteral("CATALOG");
    testfits::Hdu err;
    err.bitpix = -32;
    err.axes = {12, 6};
    err.extname = QStringLiteral("ERR");
    for (int i = 0; i < 72; ++i) err.values.push_back(i * 0.5);
    const QString file = path(QStringLiteral("mef.fits"));
    QVERIFY(testfits::write(file, {primary, sci, table, err}));

    openAndWait(file, QSize(16, 8));  // the first HDU with data
    auto* combo = m_window->findChild<QComboBox*>(QStringLiteral("hduCombo"));
    QCOMPARE(combo->count(), 4);
    QCOMPARE(combo->itemText(0), QStringLiteral("0 PRIMARY (empty)"));
    QCOMPARE(combo->itemText(1), QStringLiteral("1 SCI image 16x8 int16"));
    QVERIFY(combo->itemText(2).startsWith(QStringLiteral("2 CATALOG table")));
    QCOMPARE(combo->itemText(3), QStringLiteral("3 ERR image 12x6 float32"));
    QCOMPARE(combo->currentIndex(), 1);
    auto* model = qobject_cast<QStandardItemModel*>(combo->model());
    QVERIFY(model);
    QVERIFY(!model->item(2)->isEnabled());
    QVERIFY(model->item(3)->isEnabled());

    combo->setCurrentIndex(3);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->view()->image().size(), QSize(12, 6), 15000);
    QCOMPARE(m_window->document()->image()->selectedHdu, 3);
    QCOMPARE(combo->currentIndex(), 3);
}

void TestMainWindow::headerModelShowsObject() {
    testfits::Hdu hdu;
    hdu.bitpix = -32;
    hdu.axes = {8, 8};
    hdu.values.assign(64, 1.0);
    hdu.values[9] = 5.0;
    hdu.strings = {{QStringLiteral("OBJECT"), QStringLiteral("M51")}};
    const QString file = path(QStringLiteral("object.fits"));
    QVERIFY(testfits::write(file, {hdu}));
    openAndWait(file, QSize(8, 8));
    auto* model = m_window->findChild<HeaderModel*>();
    QVERIFY(model);
    int row = -1;
    for (int r = 0; r < model->rowCount(); ++r) {
        if (model->index(r, HeaderModel::KeyColumn).data().toString() == QLatin1String("OBJECT")) row = r;
    }
    QVERIFY2(row >= 0, "no OBJECT card in the header model");
    QCOMPARE(model->index(row, HeaderModel::ValueColumn).data().toString(), QStringLiteral("M51"));
    QCOMPARE(model->index(row, HeaderModel::CommentColumn).data().toString(), QStringLiteral("test keyword"));
    QCOMPARE(model->index(0, HeaderModel::KeyColumn).data().toString(), QStringLiteral("SIMPLE"));
}

void TestMainWindow::stretchComboChangesPixels() {
    const QString file = writeGradientFits();
    QVERIFY(!file.isEmpty());
    openAndWait(file, QSize(64, 16));
    auto* combo = m_window->findChild<QComboBox*>(QStringLiteral("stretchCombo"));
    combo->setCurrentIndex(combo->findText(QStringLiteral("Linear")));
    // Linear over min..max: value x shows as about x / 63 * 255.
    QTRY_VERIFY(qAbs(qGray(m_window->view()->image().pixel(63, 5)) - 255) <= 1 &&
                qAbs(qGray(m_window->view()->image().pixel(16, 5)) - 65) <= 1);
    QCOMPARE(qGray(m_window->view()->image().pixel(0, 5)), 0);
    combo->setCurrentIndex(combo->findText(QStringLiteral("Log")));
    // log(1000 x + 1) / log(1001) at x = 16/63 is 0.80: far brighter than the linear 0.25.
    QTRY_VERIFY_WITH_TIMEOUT(qGray(m_window->view()->image().pixel(16, 5)) > 150, 15000);
    QCOMPARE(m_window->document()->renderOptions().stretch.kind, StretchKind::Log);
}

void TestMainWindow::renderingRunsOffTheGuiThread() {
    // 4096 x 4096 float32 (64 MB): a ramp with a little structure.
    constexpr int n = 4096;
    testfits::Hdu hdu;
    hdu.bitpix = -32;
    hdu.axes = {n, n};
    hdu.values.resize(size_t(n) * n);
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) hdu.values[size_t(y) * n + x] = x + 0.5 * ((x * 31 + y * 17) % 97);
    const QString file = path(QStringLiteral("big.fits"));
    QVERIFY(testfits::write(file, {hdu}));
    QElapsedTimer timer;
    timer.start();
    m_window->openFile(file);
    QVERIFY(m_window->view()->image().isNull());  // opening returned before anything was read
    QVERIFY(m_window->document()->isBusy());
    QTRY_COMPARE_WITH_TIMEOUT(m_window->view()->image().size(), QSize(n, n), 60000);
    qInfo("4096^2 float32: open to picture %lld ms", timer.elapsed());
    QTRY_VERIFY(!m_window->document()->isBusy());

    auto* combo = m_window->findChild<QComboBox*>(QStringLiteral("stretchCombo"));
    QSignalSpy shown(m_window.get(), &MainWindow::imageShown);
    QSignalSpy rendered(m_window->document(), &ImageDocument::rendered);
    const QImage before = m_window->view()->image();
    timer.restart();
    combo->setCurrentIndex(combo->findText(QStringLiteral("Linear")));
    const qint64 returnMs = timer.elapsed();
    // The new picture can only arrive through the event loop: the GUI thread did not render it.
    QCOMPARE(shown.count(), 0);
    QVERIFY(m_window->document()->isBusy());
    QVERIFY(m_window->view()->image().cacheKey() == before.cacheKey());
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, 60000);
    qInfo("stretch change: GUI call returned in %lld ms, picture after %lld ms (render job %lld ms)",
          returnMs, timer.elapsed(), rendered.at(0).at(1).toLongLong());
    timer.restart();
    m_window->view()->grab();
    qInfo("paint of the fitted view: %lld ms", timer.elapsed());
    QVERIFY(m_window->view()->image() != before);
}

void TestMainWindow::latestOpenWins() {
    // A slow load (2048^2 float) started first must not replace the quick one started after it.
    constexpr int n = 2048;
    testfits::Hdu hdu;
    hdu.bitpix = -32;
    hdu.axes = {n, n};
    hdu.values.resize(size_t(n) * n);
    for (size_t i = 0; i < hdu.values.size(); ++i) hdu.values[i] = double(i % 1013);
    const QString slow = path(QStringLiteral("slow.fits"));
    QVERIFY(testfits::write(slow, {hdu}));
    const QString quick = path(QStringLiteral("quick.png"));
    QImage picture(9, 7, QImage::Format_Grayscale8);
    picture.fill(33);
    QVERIFY(picture.save(quick));
    QSignalSpy loaded(m_window->document(), &ImageDocument::loaded);
    m_window->openFile(slow);
    m_window->openFile(quick);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->document()->isBusy(), 60000);
    QCOMPARE(loaded.count(), 1);
    QCOMPARE(m_window->document()->path(), quick);
    QCOMPARE(m_window->view()->image().size(), QSize(9, 7));
}

void TestMainWindow::hoverShowsFitsValue() {
    // 6 x 4 int16, value 100 * row + column (FITS rows counted from the bottom, 0-based here).
    testfits::Hdu hdu;
    hdu.bitpix = 16;
    hdu.axes = {6, 4};
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 6; ++x) hdu.values.push_back(100 * y + x);
    const QString file = path(QStringLiteral("hover.fits"));
    QVERIFY(testfits::write(file, {hdu}));
    openAndWait(file, QSize(6, 4));
    hover(2, 0);  // display top row = FITS row 4
    QTRY_COMPARE(readout(), QStringLiteral("x 3  y 4   302"));
    hover(5, 3);
    QTRY_COMPARE(readout(), QStringLiteral("x 6  y 1   5"));
}

void TestMainWindow::hoverShowsRgbValues() {
    const QString file = path(QStringLiteral("hover.png"));
    QImage picture(12, 9, QImage::Format_RGB888);
    picture.fill(Qt::black);
    picture.setPixelColor(5, 7, QColor(10, 20, 30));
    QVERIFY(picture.save(file));
    openAndWait(file, QSize(12, 9));
    hover(5, 7);
    QTRY_COMPARE(readout(), QStringLiteral("x 5  y 7   R 10  G 20  B 30"));
}

void TestMainWindow::hoverShowsBlankAndNaN() {
    testfits::Hdu ints;
    ints.bitpix = 16;
    ints.axes = {4, 4};
    ints.hasBlank = true;
    ints.blank = -999;
    for (int i = 0; i < 16; ++i) ints.values.push_back(i);
    ints.values[0] = std::nan("");  // FITS (1, 1): the bottom-left display pixel
    const QString blankFile = path(QStringLiteral("blank.fits"));
    QVERIFY(testfits::write(blankFile, {ints}));
    openAndWait(blankFile, QSize(4, 4));
    hover(0, 3);
    QTRY_COMPARE(readout(), QStringLiteral("x 1  y 1   blank"));

    testfits::Hdu floats;
    floats.bitpix = -32;
    floats.axes = {4, 4};
    for (int i = 0; i < 16; ++i) floats.values.push_back(i * 0.25);
    floats.values[15] = std::nan("");  // FITS (4, 4): the top-right display pixel
    const QString nanFile = path(QStringLiteral("nan.fits"));
    QVERIFY(testfits::write(nanFile, {floats}));
    m_window->openFile(nanFile);
    QTRY_VERIFY(m_window->document()->path() == nanFile && !m_window->document()->isBusy());
    hover(3, 0);
    QTRY_COMPARE(readout(), QStringLiteral("x 4  y 4   NaN"));
    hover(1, 3);
    QTRY_COMPARE(readout(), QStringLiteral("x 2  y 1   0.25"));
}

void TestMainWindow::droppedFileOpens() {
    const QString file = path(QStringLiteral("dropped.png"));
    QImage picture(21, 13, QImage::Format_Grayscale8);
    picture.fill(77);
    QVERIFY(picture.save(file));
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(file)});
    const QPointF where(200, 200);
    QDragEnterEvent enter(where.toPoint(), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(m_window.get(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(where, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(m_window.get(), &drop);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->view()->image().size(), QSize(21, 13), 15000);
    QCOMPARE(qGray(m_window->view()->image().pixel(3, 3)), 77);

    QMimeData text;
    text.setText(QStringLiteral("not a file"));
    QDragEnterEvent refused(where.toPoint(), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
    refused.setAccepted(false);
    QApplication::sendEvent(m_window.get(), &refused);
    QVERIFY(!refused.isAccepted());
}

void TestMainWindow::corruptFileShowsErrorAndKeepsImage_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");
    QByteArray truncated("SIMPLE  =                    T / truncated FITS");
    truncated.append(200, ' ');
    QTest::newRow("truncated FITS") << QStringLiteral("broken.fits") << truncated;
    QTest::newRow("PNG signature, no image")
        << QStringLiteral("broken.png") << QByteArray("\x89PNG\r\n\x1a\n garbage", 17);
    QTest::newRow("unknown bytes") << QStringLiteral("notes.fits") << QByteArray("hello, world\n");
    QTest::newRow("missing file") << QStringLiteral("does-not-exist.fits") << QByteArray();
}

void TestMainWindow::corruptFileShowsErrorAndKeepsImage() {
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    const QString good = path(QStringLiteral("good.png"));
    QImage picture(17, 11, QImage::Format_Grayscale8);
    picture.fill(120);
    QVERIFY(picture.save(good));
    openAndWait(good, QSize(17, 11));

    const QString bad = path(name);
    if (!content.isEmpty()) {
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    }
    QSignalSpy failed(m_window.get(), &MainWindow::loadFailed);
    m_window->openFile(bad);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 15000);
    auto* banner = m_window->findChild<ErrorBanner*>();
    QVERIFY(banner && banner->isVisible());
    QVERIFY2(banner->text().contains(name), qPrintable(banner->text()));
    QVERIFY(m_window->statusBar()->currentMessage().contains(name));
    QCOMPARE(m_window->view()->image().size(), QSize(17, 11));
    QCOMPARE(m_window->document()->path(), good);
    QVERIFY(m_window->windowTitle().contains(QStringLiteral("good.png")));
}

void TestMainWindow::cubeShowsPlaneSelector() {
    // 8 x 8 x 5 float32, plane k value 100 k + x + 8 y.
    testfits::Hdu hdu;
    hdu.bitpix = -32;
    hdu.axes = {8, 8, 5};
    for (int k = 0; k < 5; ++k)
        for (int y = 0; y < 8; ++y)
            for (int x = 0; x < 8; ++x) hdu.values.push_back(100 * k + x + 8 * y);
    const QString file = path(QStringLiteral("cube.fits"));
    QVERIFY(testfits::write(file, {hdu}));
    openAndWait(file, QSize(8, 8));
    auto* spin = m_window->findChild<QSpinBox*>(QStringLiteral("planeSpin"));
    QVERIFY(spin);
    QTRY_VERIFY(spin->isVisible());
    QCOMPARE(spin->maximum(), 5);
    QVERIFY(!m_window->findChild<QCheckBox*>(QStringLiteral("rgbCheck"))->isVisible());
    spin->setValue(4);
    QTRY_COMPARE(m_window->document()->renderOptions().plane, 3);
    hover(1, 0);  // FITS (2, 8): 300 + 1 + 56
    QTRY_COMPARE(readout(), QStringLiteral("x 2  y 8   357   (plane 4 / 5)"));

    // A single plane hides the selector again.
    testfits::Hdu flat;
    flat.bitpix = -32;
    flat.axes = {9, 9};
    flat.values.assign(81, 2.0);
    flat.values[3] = 3.0;
    QVERIFY(testfits::write(path(QStringLiteral("flat.fits")), {flat}));
    openAndWait(path(QStringLiteral("flat.fits")), QSize(9, 9));
    QTRY_VERIFY(!spin->isVisible());
}

void TestMainWindow::rgbCubeShowsAsColourWithCheckbox() {
    // NAXIS3 = 3: R, G, B planes with different ramps.
    testfits::Hdu hdu;
    hdu.bitpix = -32;
    hdu.axes = {10, 6, 3};
    for (int k = 0; k < 3; ++k)
        for (int y = 0; y < 6; ++y)
            for (int x = 0; x < 10; ++x) hdu.values.push_back(k == 0 ? x : k == 1 ? y : 9 - x);
    const QString file = path(QStringLiteral("rgb.fits"));
    QVERIFY(testfits::write(file, {hdu}));
    openAndWait(file, QSize(10, 6));
    QCOMPARE(m_window->view()->image().format(), QImage::Format_RGB888);
    auto* rgb = m_window->findChild<QCheckBox*>(QStringLiteral("rgbCheck"));
    auto* spin = m_window->findChild<QSpinBox*>(QStringLiteral("planeSpin"));
    QTRY_VERIFY(rgb->isVisible());
    QVERIFY(rgb->isChecked());
    QVERIFY(!spin->isVisible());
    rgb->setChecked(false);
    QTRY_COMPARE(m_window->view()->image().format(), QImage::Format_Grayscale8);
    QVERIFY(spin->isVisible());
    QCOMPARE(m_window->document()->renderOptions().plane, 0);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
