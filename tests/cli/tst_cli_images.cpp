// The image commands of the CLI contract (shared/docs/cli.md): info, render, preprocess,
// --version, exit codes, and hostile inputs that must end in exit 1 with one line, never a crash.
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fitsio.h>
#include <vector>

#include "clirunner.h"

class TestCliImages : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString path(const char* name) const { return m_dir.filePath(QString::fromUtf8(name)); }

    // A FITS header written by hand, padded to 2880-byte blocks, for inputs CFITSIO refuses to write.
    void writeRawFits(const QString& file, const QStringList& cards, const QByteArray& data = {}) {
        QByteArray bytes;
        for (const QString& card : cards) bytes += card.leftJustified(80, QLatin1Char(' '), true).toLatin1();
        bytes += QByteArray("END").leftJustified(80, ' ');
        bytes = bytes.leftJustified(((bytes.size() + 2879) / 2880) * 2880, ' ');
        bytes += data;
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    }

    // Empty primary + one int16 image extension "SCI" with BSCALE 2, BZERO 10 and BLANK -1.
    QString writeMef() {
        const QString file = path("mef.fits");
        fitsfile* f = nullptr;
        int status = 0;
        fits_create_file(&f, ("!" + file.toStdString()).c_str(), &status);
        fits_create_img(f, SHORT_IMG, 0, nullptr, &status);
        long naxes[2] = {4, 3};
        fits_create_img(f, SHORT_IMG, 2, naxes, &status);
        char extname[] = "SCI";
        fits_write_key(f, TSTRING, "EXTNAME", extname, "science", &status);
        char object[] = "M 51";
        fits_write_key(f, TSTRING, "OBJECT", object, "target", &status);
        double bscale = 2.0, bzero = 10.0;
        int blank = -1;
        fits_write_key(f, TDOUBLE, "BSCALE", &bscale, nullptr, &status);
        fits_write_key(f, TDOUBLE, "BZERO", &bzero, nullptr, &status);
        fits_write_key(f, TINT, "BLANK", &blank, nullptr, &status);
        fits_set_bscale(f, 1.0, 0.0, &status);  // write the stored integers as they are
        std::vector<short> raw = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -1};
        fits_write_img(f, TSHORT, 1, 12, raw.data(), &status);
        fits_close_file(f, &status);
        if (status) qFatal("cannot write test FITS: status %d", status);
        return file;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void versionPrintsTheProjectVersion() {
        const CliResult r = runCli({QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith(QStringLiteral("cosmoclip 0.")));
    }

    void usageMistakesExitTwo_data() {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no command") << QStringList{};
        QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")};
        QTest::newRow("unknown option") << QStringList{QStringLiteral("info"), QStringLiteral("--bogus"), QStringLiteral("x")};
        QTest::newRow("render without -o") << QStringList{QStringLiteral("render"), QStringLiteral("x.fits")};
        QTest::newRow("bad stretch") << QStringList{QStringLiteral("render"), QStringLiteral("x.fits"), QStringLiteral("-o"),
                                                    QStringLiteral("y.png"), QStringLiteral("--stretch"), QStringLiteral("loud")};
        QTest::newRow("preprocess without size") << QStringList{QStringLiteral("preprocess"), QStringLiteral("x.png"),
                                                               QStringLiteral("-o"), QStringLiteral("y.f32")};
        QTest::newRow("size not a number") << QStringList{QStringLiteral("preprocess"), QStringLiteral("x.png"),
                                                         QStringLiteral("--size"), QStringLiteral("big"), QStringLiteral("-o"),
                                                         QStringLiteral("y.f32")};
    }
    void usageMistakesExitTwo() {
        QFETCH(QStringList, args);
        const CliResult r = runCli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(!r.crashed);
        QVERIFY(!r.err.isEmpty());
    }

    void infoJsonFollowsTheContract() {
        const QString file = writeMef();
        const CliResult r = runCli({QStringLiteral("info"), file, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const auto j = r.json();
        QVERIFY2(j.is_object(), qPrintable(r.out));
        QCOMPARE(QString::fromStdString(j["format"]), QStringLiteral("fits"));
        QCOMPARE(j["hdus"].size(), size_t(2));
        QCOMPARE(QString::fromStdString(j["hdus"][0]["type"]), QStringLiteral("empty"));
        QCOMPARE(QString::fromStdString(j["hdus"][1]["name"]), QStringLiteral("SCI"));
        QCOMPARE(j["hdus"][1]["shape"], nlohmann::json({4, 3}));
        QCOMPARE(int(j["selected_hdu"]), 1);  // the empty primary falls through to the first image
        const auto& im = j["image"];
        QCOMPARE(int(im["width"]), 4);
        QCOMPARE(int(im["height"]), 3);
        QCOMPARE(int(im["bitpix"]), 16);
        // Physical = 2 * raw + 10 over raw 0..10; raw -1 is BLANK.
        QCOMPARE(double(im["min"]), 10.0);
        QCOMPARE(double(im["max"]), 30.0);
        QCOMPARE(double(im["mean"]), 20.0);
        QCOMPARE(int(im["nan_count"]), 1);
        bool sawObject = false;
        for (const auto& card : j["header"])
            if (card["key"] == "OBJECT") sawObject = card["value"] == "M 51";
        QVERIFY(sawObject);
    }

    void infoSelectsHduByNameAndIndex() {
        const QString file = writeMef();
        for (const QString& hdu : {QStringLiteral("SCI"), QStringLiteral("sci"), QStringLiteral("1")}) {
            const CliResult r = runCli({QStringLiteral("info"), file, QStringLiteral("--hdu"), hdu, QStringLiteral("--json")});
            QCOMPARE(r.exitCode, 0);
            QCOMPARE(int(r.json()["selected_hdu"]), 1);
        }
        const CliResult missing = runCli({QStringLiteral("info"), file, QStringLiteral("--hdu"), QStringLiteral("ERR")});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains(QStringLiteral("ERR")));
    }

    void renderWritesAPngOfTheImageSize() {
        const QString file = writeMef();
        const QString out = path("render.png");
        const CliResult r = runCli({QStringLiteral("render"), file, QStringLiteral("-o"), out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QImage img(out);
        QCOMPARE(img.size(), QSize(4, 3));
        for (const char* stretch : {"linear", "percentile", "zscale", "asinh", "log", "sqrt", "histeq", "none", "auto"}) {
            const CliResult s = runCli({QStringLiteral("render"), file, QStringLiteral("-o"), out,
                                        QStringLiteral("--stretch"), QString::fromLatin1(stretch)});
            QVERIFY2(s.exitCode == 0, stretch);
        }
    }

    void renderMaxSizeShrinksLargeImages() {
        QImage big(600, 300, QImage::Format_RGB888);
        big.fill(Qt::darkBlue);
        const QString in = path("big.png");
        QVERIFY(big.save(in));
        const QString out = path("small.png");
        const CliResult r = runCli({QStringLiteral("render"), in, QStringLiteral("-o"), out, QStringLiteral("--max-size"),
                                    QStringLiteral("100")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(QImage(out).size(), QSize(100, 50));
    }

    void preprocessMatchesTheReferenceTensor() {
        const QString shared = QStringLiteral(COSMOCLIP_SHARED_DIR "/clip-reference");
        if (!QFile::exists(shared + QStringLiteral("/images/spiral_square.png")))
            QSKIP("shared/clip-reference is not beside the checkout");
        const QString out = path("spiral.f32");
        const CliResult r = runCli({QStringLiteral("preprocess"), shared + QStringLiteral("/images/spiral_square.png"),
                                    QStringLiteral("--size"), QStringLiteral("64"), QStringLiteral("-o"), out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile ours(out), ref(shared + QStringLiteral("/preprocessed/spiral_square.png.f32"));
        QVERIFY(ours.open(QIODevice::ReadOnly) && ref.open(QIODevice::ReadOnly));
        const QByteArray a = ours.readAll(), b = ref.readAll();
        QCOMPARE(a.size(), 3 * 64 * 64 * 4);
        QCOMPARE(a.size(), b.size());
        const auto* x = reinterpret_cast<const float*>(a.constData());
        const auto* y = reinterpret_cast<const float*>(b.constData());
        double maxDiff = 0;
        for (int i = 0; i < 3 * 64 * 64; ++i) maxDiff = std::max(maxDiff, double(std::fabs(x[i] - y[i])));
        QVERIFY2(maxDiff <= 0.02, qPrintable(QString::number(maxDiff)));
    }

    void hostileInputsExitOneWithALine_data() {
        QTest::addColumn<QString>("file");
        const QString basic = QStringLiteral("SIMPLE  =                    T");
        writeRawFits(path("truncated.fits"), {basic, QStringLiteral("BITPIX  =                   16"),
                                              QStringLiteral("NAXIS   =                    2"),
                                              QStringLiteral("NAXIS1  =                  100"),
                                              QStringLiteral("NAXIS2  =                  100")},
                     QByteArray(1000, '\1'));
        QTest::newRow("truncated data") << path("truncated.fits");
        QFile(path("empty.fits")).open(QIODevice::WriteOnly);
        QTest::newRow("empty") << path("empty.fits");
        writeRawFits(path("garbage.fits"), {basic, QStringLiteral("this is not a card at all ==== ????")});
        QTest::newRow("garbage header") << path("garbage.fits");
        writeRawFits(path("huge.fits"), {basic, QStringLiteral("BITPIX  =                   16"),
                                         QStringLiteral("NAXIS   =                    2"),
                                         QStringLiteral("NAXIS1  =           1000000000"),
                                         QStringLiteral("NAXIS2  =                    1")});
        QTest::newRow("NAXIS1 1e9") << path("huge.fits");
        writeRawFits(path("negative.fits"), {basic, QStringLiteral("BITPIX  =                   16"),
                                             QStringLiteral("NAXIS   =                    2"),
                                             QStringLiteral("NAXIS1  =                  -10"),
                                             QStringLiteral("NAXIS2  =                   10")});
        QTest::newRow("negative NAXIS") << path("negative.fits");
        writeRawFits(path("bitpix12.fits"), {basic, QStringLiteral("BITPIX  =                   12"),
                                             QStringLiteral("NAXIS   =                    2"),
                                             QStringLiteral("NAXIS1  =                   10"),
                                             QStringLiteral("NAXIS2  =                   10")},
                     QByteArray(2880, '\0'));
        QTest::newRow("BITPIX 12") << path("bitpix12.fits");
        QImage png(8, 8, QImage::Format_RGB888);
        png.fill(Qt::red);
        png.save(path("picture.png"));
        QFile::copy(path("picture.png"), path("picture_named.fits"));
        QTest::newRow("PNG named .fits") << path("picture_named.fits");
        QImage noise(64, 64, QImage::Format_RGB888);
        for (int y = 0; y < 64; ++y)
            for (int x = 0; x < 64; ++x) noise.setPixel(x, y, qRgb((x * 97 + y * 31) % 256, (x * y) % 256, (x ^ y) * 4 % 256));
        noise.save(path("noise.png"));
        QFile whole(path("noise.png"));
        whole.open(QIODevice::ReadOnly);
        const QByteArray pngBytes = whole.readAll();
        QFile cutPng(path("truncated.png"));
        cutPng.open(QIODevice::WriteOnly);
        cutPng.write(pngBytes.left(pngBytes.size() / 2));
        cutPng.close();
        QTest::newRow("truncated PNG") << path("truncated.png");
        png.save(path("photo.jpg"));
        QFile jpg(path("photo.jpg"));
        jpg.open(QIODevice::ReadOnly);
        const QByteArray jpegBytes = jpg.readAll();
        QFile cut(path("truncated.jpg"));
        cut.open(QIODevice::WriteOnly);
        cut.write(jpegBytes.left(jpegBytes.size() / 2));
        cut.close();
        QTest::newRow("truncated JPEG") << path("truncated.jpg");
        QTest::newRow("missing file") << path("does-not-exist.fits");
        QTest::newRow("a folder") << m_dir.path();
    }
    void hostileInputsExitOneWithALine() {
        QFETCH(QString, file);
        for (const char* command : {"info", "render", "preprocess"}) {
            QStringList args{QString::fromLatin1(command), file};
            if (QByteArray(command) != "info") args << QStringLiteral("-o") << path("out.bin");
            if (QByteArray(command) == "preprocess") args << QStringLiteral("--size") << QStringLiteral("32");
            const CliResult r = runCli(args, 30000);
            QVERIFY2(!r.timedOut, command);
            QVERIFY2(!r.crashed, command);
            QVERIFY2(r.exitCode == 1, qPrintable(QStringLiteral("%1 exit %2: %3").arg(QString::fromLatin1(command)).arg(r.exitCode).arg(r.err)));
            QCOMPARE(r.err.trimmed().count(QLatin1Char('\n')), 0);
            QVERIFY2(r.err.contains(QFileInfo(file).fileName()), qPrintable(r.err));
        }
    }
};

QTEST_GUILESS_MAIN(TestCliImages)
#include "tst_cli_images.moc"
