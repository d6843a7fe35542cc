// Hostile and broken FITS files: every one must end in a cosmoclip::Error whose message starts with
// the path, quickly, without a crash, a hang or a huge allocation.
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>
#include <string>
#include <vector>

#include "common/error.h"
#include "fits/fitsreader.h"
#include "fitstestwriter.h"
#include "image/imageloader.h"

using namespace cosmoclip;
using fitstest::card;
using fitstest::FitsWriter;

namespace {

// A valid 2x2 PNG (grey, 8-bit).
const char kPng[] =
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x02\x00\x00\x00\x02\x08\x00"
    "\x00\x00\x00\x57\xdd\x52\xf8\x00\x00\x00\x0e\x49\x44\x41\x54\x78\x9c\x63\x10\x50\x60\x30\x70\x00\x00\x01"
    "\x76\x00\xa1\xec\x30\x8a\xf4\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

std::string imageHeader(const std::string& bitpix, const std::vector<std::string>& axes) {
    std::vector<std::string> cards = {card("SIMPLE", "T"), card("BITPIX", bitpix),
                                      card("NAXIS", std::to_string(axes.size()))};
    for (size_t i = 0; i < axes.size(); ++i) cards.push_back(card("NAXIS" + std::to_string(i + 1), axes[i]));
    return fitstest::header(cards);
}

// Replaces the value field (columns 11-30) of the first card named `key` in a FITS byte string.
void patchCard(std::string& bytes, const std::string& key, const std::string& value) {
    const std::string name = (key + "        ").substr(0, 8) + "= ";
    for (size_t at = 0; at + 80 <= bytes.size(); at += 80) {
        if (bytes.compare(at, 10, name) == 0) {
            bytes.replace(at + 10, 20, std::string(20 - value.size(), ' ') + value);
            return;
        }
    }
    throw std::runtime_error("no card " + key);
}

}  // namespace

class TestFitsHostile : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string path(const QString& name) const { return m_dir.filePath(name).toStdString(); }

    std::string validBytes(int bitpix, int compression = 0) {
        const auto file = path(QStringLiteral("valid.fits"));
        {
            FitsWriter writer(file);
            if (compression != 0) writer.image(BYTE_IMG, {});
            writer.image(bitpix, {100, 64}, compression);
            std::vector<short> values(6400);
            for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<short>(i % 251);
            if (bitpix == FLOAT_IMG) {
                writer.pixels(TFLOAT, std::vector<float>(values.begin(), values.end()));
            } else {
                writer.pixels(TSHORT, values);
            }
        }
        return fitstest::readBytes(file);
    }

    // Writes the case's bytes to PATH and returns the error message of `load(PATH)`.
    QString failure(const QString& name, const std::string& bytes,
                    const std::function<LoadedImage(const std::string&)>& load) {
        const auto file = path(name);
        fitstest::writeBytes(file, bytes);
        QElapsedTimer timer;
        timer.start();
        QString message = QStringLiteral("<no error>");
        try {
            load(file);
        } catch (const Error& e) {
            message = QString::fromUtf8(e.what());
        }
        if (timer.elapsed() > 5000) return QStringLiteral("took %1 ms").arg(timer.elapsed());
        if (!message.startsWith(QString::fromStdString(file) + QStringLiteral(": ")))
            return QStringLiteral("no path in: ") + message;
        return message;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void refusedWithClearError_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        auto row = [](const char* name, const std::string& bytes, const char* expected) {
            QTest::newRow(name) << QByteArray::fromStdString(bytes) << QString::fromUtf8(expected);
        };
        const std::string int16 = validBytes(SHORT_IMG);
        const std::string float32 = validBytes(FLOAT_IMG);
        const std::string rice = validBytes(SHORT_IMG, RICE_1);
        row("empty file", "", "");
        row("truncated int16 data", int16.substr(0, 2880 + 5000), "file is truncated or damaged");
        row("truncated float32 data", float32.substr(0, 2880 + 9000), "file is truncated or damaged");
        row("truncated tile-compressed", rice.substr(0, rice.size() - 4000), "");
        row("header without data", imageHeader("16", {"100", "100"}), "file is truncated or damaged");
        row("garbage after SIMPLE",
            (std::string("SIMPLE  =                    T") + std::string(50, ' ') +
             std::string("\x01\xff garbage \x7f\x80 BITPIX? NAXIS?? ", 33) + std::string(5760, '\x5a')),
            "");
        row("SIMPLE card only", (std::string("SIMPLE  =                    T") + std::string(50, ' ')), "");
        row("NAXIS1 = 1000000000", imageHeader("8", {"1000000000", "1"}),
            "image is 1000000000 x 1 pixels, larger than the limit of 268435456 samples");
        row("axes whose product overflows",
            imageHeader("8", {"1099511627776", "1099511627776", "1099511627776"}), "");
        row("negative NAXIS1", imageHeader("16", {"-5", "10"}), "");
        row("BITPIX 12", imageHeader("12", {"10", "10"}), "BITPIX");
        row("NAXIS 1000", fitstest::header({card("SIMPLE", "T"), card("BITPIX", "8"), card("NAXIS", "1000")}),
            "");
        row("no NAXIS", fitstest::header({card("SIMPLE", "T"), card("BITPIX", "8")}), "");
        row("gzip of text", "", "");  // filled in by the test: gzip needs a file
        row("truncated gzip", "", "file is truncated or damaged (gzip: unexpected end of file)");
    }
    void refusedWithClearError() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        std::string content = bytes.toStdString();
        const QString tag = QString::fromUtf8(QTest::currentDataTag());
        if (tag.contains(QLatin1String("gzip"))) {
            const auto scratch = path(QStringLiteral("scratch.gz"));
            fitstest::writeGzip(scratch, tag.startsWith(QLatin1String("truncated"))
                                             ? validBytes(SHORT_IMG)
                                             : std::string("hello, world\n"));
            content = fitstest::readBytes(scratch);
            if (tag.startsWith(QLatin1String("truncated"))) content.resize(content.size() / 2);
        }
        for (const bool viaLoader : {false, true}) {
            const QString message = failure(
                QStringLiteral("case.fits"), content,
                [&](const std::string& file) { return viaLoader ? loadImage(file) : readFits(file, {}); });
            QVERIFY2(
                !message.startsWith(QLatin1String("took ")) && !message.startsWith(QLatin1String("no path")),
                qPrintable(message));
            QVERIFY2(message.contains(expected), qPrintable(message));
            qInfo("%s%s", viaLoader ? "loadImage: " : "readFits:  ", qPrintable(message));
        }
    }

    void hugeTileCompressedImageRefusedFromHeader() {
        std::string bytes = validBytes(SHORT_IMG, RICE_1);
        // One tile per row keeps the tile table consistent, so only the size check can stop it.
        patchCard(bytes, "ZNAXIS1", "1000000000");
        patchCard(bytes, "ZTILE1", "1000000000");
        const QString message =
            failure(QStringLiteral("huge.fz"), bytes, [](const std::string& f) { return readFits(f, {}); });
        QVERIFY2(message.endsWith(QLatin1String(
                     ": image is 1000000000 x 64 pixels, larger than the limit of 268435456 samples")),
                 qPrintable(message));
    }

    void gzipBombIsStoppedWhileInflating() {
        // 24 MiB of zeros behind a valid header compress to about 24 KiB. With a limit of 1000
        // samples the reader may inflate 8 * 1000 bytes + 16 MiB, and must stop there.
        const auto file = path(QStringLiteral("bomb.fits.gz"));
        fitstest::writeGzip(file, imageHeader("8", {"1000", "1"}) + std::string(size_t{24} << 20, '\0'));
        QVERIFY(fitstest::readBytes(file).size() < (size_t{1} << 20));
        LoadOptions options;
        options.maxSamples = 1000;
        QElapsedTimer timer;
        timer.start();
        try {
            readFits(file, options);
            QFAIL("expected an error");
        } catch (const Error& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.startsWith(QString::fromStdString(file) +
                                        QStringLiteral(": gzip-compressed data "
                                                       "inflates to more than 16785216 bytes")),
                     e.what());
        }
        QVERIFY(timer.elapsed() < 5000);
        // The same file within the default limit reads (its 1000 samples are all zero).
        QCOMPARE(readFits(file, {}).stats.max, 0.0);
    }

    void damagedExtensionEndsTheHduList() {
        // The primary image is intact; the extension header is cut off in the middle.
        std::string bytes = validBytes(SHORT_IMG);
        bytes += fitstest::header({"XTENSION= 'IMAGE   '", card("BITPIX", "16"), card("NAXIS", "2"),
                                   card("NAXIS1", "10"), card("NAXIS2", "10")})
                     .substr(0, 400);
        const auto file = path(QStringLiteral("cut-extension.fits"));
        fitstest::writeBytes(file, bytes);
        const LoadedImage loaded = readFits(file, {});
        QCOMPARE(loaded.hdus.size(), size_t(1));
        QCOMPARE(loaded.stats.max, 250.0);
        LoadOptions options;
        options.hdu = "1";
        QVERIFY_THROWS_EXCEPTION(Error, readFits(file, options));
    }

    void pngNamedFitsIsNotReadAsFits() {
        const std::string png(kPng, sizeof kPng - 1);
        const QString direct = failure(QStringLiteral("picture.fits"), png,
                                       [](const std::string& f) { return readFits(f, {}); });
        QVERIFY2(!direct.startsWith(QLatin1String("no path")) && direct != QLatin1String("<no error>"),
                 qPrintable(direct));
        // loadImage sniffs the bytes: this is PNG, not FITS, whatever the name says.
        const auto file = path(QStringLiteral("picture.fits"));
        try {
            const LoadedImage loaded = loadImage(file);
            QCOMPARE(loaded.format, ImageFormat::Png);
            QVERIFY(loaded.hdus.empty());
        } catch (const Error& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.startsWith(QString::fromStdString(file) + QStringLiteral(": ")),
                     qPrintable(message));
            QVERIFY2(message.contains(QLatin1String("PNG")), qPrintable(message));
        }
    }

    void folderAndMissingFile() {
        for (const std::string& file : {m_dir.path().toStdString(), path(QStringLiteral("missing.fits"))}) {
            try {
                readFits(file, {});
                QFAIL("expected an error");
            } catch (const Error& e) {
                QVERIFY2(QString::fromUtf8(e.what()).startsWith(QString::fromStdString(file) +
                                                                QStringLiteral(": ")),
                         e.what());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestFitsHostile)
#include "tst_fitshostile.moc"
