// The window never freezes: while an IndexJob adds 100 images (decode, embed, commit, thumbnails,
// the grid filling in), a 5 ms QTimer on the GUI thread measures how late the event loop runs it.
#include <QDir>
#include <QElapsedTimer>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <algorithm>
#include <memory>

#include "catalogbrowser.h"
#include "catalogcontroller.h"
#include "catalogfixture.h"
#include "imagegridmodel.h"
#include "mainwindow.h"

using namespace cosmoclip;

class TestEventLatency : public QObject {
    Q_OBJECT

private slots:
    void eventLoopStaysResponsiveWhileIndexing() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("CosmoCLIP"));
        QCoreApplication::setApplicationName(QStringLiteral("CosmoCLIP-latency-tests"));
        QSettings().clear();
        qputenv("COSMOCLIP_DEFAULT_MODEL", QFile::encodeName(catalogfixture::modelDir()));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const int kImages = 100;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("night")));
        for (int i = 0; i < kImages; ++i)
            catalogfixture::writeSkyPng(dir.filePath(QStringLiteral("night/f%1.png").arg(i, 3, 10, QLatin1Char('0'))), i, 320);

        MainWindow window;
        window.resize(1200, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.openCatalog(dir.filePath(QStringLiteral("latency.sqlite")), true);
        QTRY_VERIFY_WITH_TIMEOUT(window.catalog()->model() != nullptr, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isBusy(), 30000);

        // The delay of each tick beyond its 5 ms interval is how long the GUI thread was kept from
        // its events.
        QElapsedTimer clock;
        qint64 last = -1;
        qint64 maxDelay = 0;
        int ticks = 0;
        QTimer timer;
        timer.setTimerType(Qt::PreciseTimer);
        timer.setInterval(5);
        connect(&timer, &QTimer::timeout, this, [&] {
            const qint64 now = clock.elapsed();
            if (last >= 0) maxDelay = std::max(maxDelay, now - last - 5);
            last = now;
            ++ticks;
        });
        clock.start();
        timer.start();
        window.addToCatalog({dir.filePath(QStringLiteral("night"))});
        QVERIFY(window.catalog()->isBusy());
        QTRY_VERIFY_WITH_TIMEOUT(!window.isBusy(), 60000);
        const qint64 elapsed = clock.elapsed();
        timer.stop();
        QCOMPARE(window.browser()->model()->rowCount(), kImages);
        qInfo("indexing %d images (320x320 PNG) took %lld ms; GUI event loop: %d ticks, max delay %lld ms",
              kImages, elapsed, ticks, maxDelay);
        QVERIFY2(maxDelay < 100, qPrintable(QStringLiteral("max event-loop delay %1 ms").arg(maxDelay)));
    }
};

QTEST_MAIN(TestEventLatency)
#include "tst_eventlatency.moc"
