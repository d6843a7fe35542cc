// readFits() HDU handling and headers on files the test writes itself with CFITSIO: MEF listing and
// selection, tables, random groups, header cards in order, header-only reads and the sample limit.
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "common/error.h"
#include "fits/fitsreader.h"
#include "fitstestexpect.h"
#include "fitstestwriter.h"
#include "image/imageloader.h"

using namespace cosmoclip;
using namespace fitstest;

class TestFitsHdus : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string path(const char* name) const { return m_dir.filePath(QString::fromUtf8(name)).toStdString(); }

    // Empty primary, SCI and ERR images, an EVENTS binary table.
    void writeMef(const std::string& file) {
        FitsWriter writer(file);
        writer.image(SHORT_IMG, {}).key("OBJECT", std::string("NGC 1068"));
        writer.image(SHORT_IMG, {6, 4}).key("EXTNAME", std::string("SCI"));
        writeStored(writer, 16, std::vector<double>(24, 11.0));
        writer.image(FLOAT_IMG, {3, 2}).key("EXTNAME", std::string("ERR"));
        writeStored(writer, -32, {0.5, 1.5, 2.5, 3.5, 4.5, 5.5});
        writer.table(BINARY_TBL, "EVENTS", 9);
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void mefListsAndSelectsHdus() {
        const auto file = path("mef.fits");
        writeMef(file);
        const LoadedImage loaded = readFits(file, {});
        QCOMPARE(loaded.selectedHdu, 1);  // the empty primary falls through
        QCOMPARE(loaded.hdus.size(), size_t(4));
        const char* names[] = {"PRIMARY", "SCI", "ERR", "EVENTS"};
        const HduType types[] = {HduType::Empty, HduType::Image, HduType::Image, HduType::Table};
        const std::vector<int64_t> shapes[] = {{}, {6, 4}, {3, 2}, {2, 9}};
        const int bitpixes[] = {16, 16, -32, 8};
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(loaded.hdus[size_t(i)].index, i);
            QCOMPARE(loaded.hdus[size_t(i)].name, std::string(names[i]));
            QCOMPARE(loaded.hdus[size_t(i)].type, types[i]);
            QCOMPARE(loaded.hdus[size_t(i)].shape, shapes[i]);
            QCOMPARE(loaded.hdus[size_t(i)].bitpix, bitpixes[i]);
        }
        QCOMPARE(loaded.image.width, 6);
        QCOMPARE(loaded.stats.mean, 11.0);
        QVERIFY(findCard(loaded, "EXTNAME") && findCard(loaded, "EXTNAME")->value == "SCI");
        QVERIFY(findCard(loaded, "XTENSION") != nullptr);
    }

    void hduSelection_data() {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<int>("selected");
        QTest::addColumn<QString>("error");
        QTest::newRow("index") << "2" << 2 << "";
        QTest::newRow("name") << "ERR" << 2 << "";
        QTest::newRow("name any case") << "sci" << 1 << "";
        QTest::newRow("index 1") << "1" << 1 << "";
        QTest::newRow("empty primary") << "0" << -1 << "HDU 0 (PRIMARY) has no image data";
        QTest::newRow("primary by name") << "primary" << -1 << "HDU 0 (PRIMARY) has no image data";
        QTest::newRow("table") << "3" << -1 << "HDU 3 (EVENTS) is a table, not an image";
        QTest::newRow("table by name") << "events" << -1 << "HDU 3 (EVENTS) is a table, not an image";
        QTest::newRow("past the end") << "4" << -1 << "no HDU 4: the file has 4 HDUs (0-3)";
        QTest::newRow("huge index") << "99999999999999" << -1 << "no HDU 99999999999999";
        QTest::newRow("unknown name")
            << "DQ" << -1 << "no HDU named DQ (HDUs: 0 (PRIMARY), 1 (SCI), 2 (ERR), 3 (EVENTS))";
    }
    void hduSelection() {
        QFETCH(QString, spec);
        QFETCH(int, selected);
        QFETCH(QString, error);
        const auto file = path("mef.fits");
        writeMef(file);
        LoadOptions options;
        options.hdu = spec.toStdString();
        if (selected < 0) {
            const QString message = errorOf(file, options);
            QVERIFY2(message.startsWith(QString::fromStdString(file) + ": "), qPrintable(message));
            QVERIFY2(message.contains(error), qPrintable(message));
            return;
        }
        const LoadedImage loaded = readFits(file, options);
        QCOMPARE(loaded.selectedHdu, selected);
        QCOMPARE(loaded.image.width, selected == 1 ? 6 : 3);
        QCOMPARE(loaded.stats.max, selected == 1 ? 11.0 : 5.5);
    }

    void tablesAreListed() {
        const auto file = path("tables.fits");
        {
            FitsWriter writer(file);
            writer.image(BYTE_IMG, {5, 5});
            writeStored(writer, 8, std::vector<double>(25, 3.0));
            writer.table(ASCII_TBL, "CATALOG", 3);
            writer.table(BINARY_TBL, "", 7);
        }
        const LoadedImage loaded = readFits(file, {});
        QCOMPARE(loaded.hdus.size(), size_t(3));
        QCOMPARE(loaded.hdus[1].type, HduType::Table);
        QCOMPARE(loaded.hdus[1].name, std::string("CATALOG"));
        QCOMPARE(loaded.hdus[1].shape, (std::vector<int64_t>{2, 3}));
        QCOMPARE(loaded.hdus[2].type, HduType::Table);
        QCOMPARE(loaded.hdus[2].name, std::string());
        QCOMPARE(loaded.hdus[2].shape, (std::vector<int64_t>{2, 7}));
        LoadOptions options;
        options.hdu = "2";
        QVERIFY(errorOf(file, options).endsWith(": HDU 2 is a table, not an image"));
    }

    void randomGroupsAreRefused() {
        // Two groups of one parameter and a 3-element array each, as in astropy's random_groups.fits.
        const auto file = path("groups.fits");
        using fitstest::card;
        std::string bytes = fitstest::header({card("SIMPLE", "T"), card("BITPIX", "-32"), card("NAXIS", "2"),
                                              card("NAXIS1", "0"), card("NAXIS2", "3"), card("GROUPS", "T"),
                                              card("PCOUNT", "1"), card("GCOUNT", "2")});
        bytes += std::string(2880, '\0');
        fitstest::writeBytes(file, bytes);
        for (const char* spec : {"", "0"}) {
            LoadOptions options;
            options.hdu = spec;
            const QString message = errorOf(file, options);
            QVERIFY2(message.startsWith(QString::fromStdString(file) + ": "), qPrintable(message));
            QVERIFY2(message.contains(QLatin1String("random groups are not supported")), qPrintable(message));
        }
    }

    void headerCardsInOrder() {
        const auto file = path("header.fits");
        const std::string longText(100, 'x');
        {
            FitsWriter writer(file);
            writer.image(SHORT_IMG, {2, 2});
            writer.key("OBJECT", std::string("M51 'Whirlpool'"), "target").key("EXPTIME", 600.5, "seconds");
            writer.comment("first comment").history("reduced by the test");
            int status = 0;
            fits_write_key_longstr(writer.handle(), "NOTE", longText.c_str(), "long", &status);
            QCOMPARE(status, 0);
            writeStored(writer, 16, {1, 2, 3, 4});
        }
        const LoadedImage loaded = readFits(file, {});
        QCOMPARE(loaded.header.front().key, std::string("SIMPLE"));
        QCOMPARE(loaded.header.front().value, std::string("T"));
        std::vector<std::string> keys;
        for (const auto& c : loaded.header) keys.push_back(c.key);
        auto at = [&](const std::string& key) {
            return std::find(keys.begin(), keys.end(), key) - keys.begin();
        };
        auto atValue = [&](const std::string& value) {
            return std::find_if(loaded.header.begin(), loaded.header.end(),
                                [&](const HeaderCard& c) { return c.value == value; }) -
                   loaded.header.begin();
        };
        // CFITSIO adds its own COMMENT cards after NAXIS; ours come after EXPTIME.
        QVERIFY(at("BITPIX") < at("OBJECT") && at("OBJECT") < at("EXPTIME") &&
                at("EXPTIME") < atValue("first comment") && atValue("first comment") < at("HISTORY") &&
                at("HISTORY") < at("NOTE") && at("NOTE") < ptrdiff_t(keys.size()));
        const HeaderCard& object = loaded.header[size_t(at("OBJECT"))];
        QCOMPARE(object.value, std::string("M51 'Whirlpool'"));
        QCOMPARE(object.comment, std::string("target"));
        QCOMPARE(std::stod(loaded.header[size_t(at("EXPTIME"))].value), 600.5);
        QCOMPARE(loaded.header[size_t(at("EXPTIME"))].comment, std::string("seconds"));
        const HeaderCard& comment = loaded.header[size_t(atValue("first comment"))];
        QCOMPARE(comment.key, std::string("COMMENT"));
        QCOMPARE(comment.value, std::string("first comment"));
        QCOMPARE(comment.comment, std::string());
        QCOMPARE(loaded.header[size_t(at("HISTORY"))].value, std::string("reduced by the test"));
        // A long string: NOTE = 'xxx&' then CONTINUE cards; joined without the '&' they give it back.
        std::string joined;
        for (size_t i = size_t(at("NOTE")); i < keys.size() && (keys[i] == "NOTE" || keys[i] == "CONTINUE");
             ++i) {
            std::string part = loaded.header[i].value;
            if (!part.empty() && part.back() == '&') part.pop_back();
            joined += part;
        }
        QCOMPARE(joined, longText);
        QVERIFY(std::none_of(keys.begin(), keys.end(), [](const std::string& k) { return k == "END"; }));
    }

    void headerOnlyRead() {
        const auto file = path("mef.fits");
        writeMef(file);
        LoadOptions options;
        options.pixels = false;
        options.hdu = "ERR";
        const LoadedImage loaded = readFits(file, options);
        QCOMPARE(loaded.hdus.size(), size_t(4));
        QCOMPARE(loaded.selectedHdu, 2);
        QCOMPARE(loaded.image.width, 3);
        QCOMPARE(loaded.image.height, 2);
        QCOMPARE(loaded.image.bitpix, -32);
        QVERIFY(loaded.image.data.empty());
        QCOMPARE(loaded.stats.validCount, 0);
        QVERIFY(findCard(loaded, "EXTNAME") != nullptr);
    }

    void headerOnlyAcceptsImagesOverTheLimit() {
        // `info` must work on a huge image: the header says 1e9 x 1, the data is not even there.
        const auto file = path("huge-header.fits");
        using fitstest::card;
        fitstest::writeBytes(file,
                             fitstest::header({card("SIMPLE", "T"), card("BITPIX", "8"), card("NAXIS", "2"),
                                               card("NAXIS1", "1000000000"), card("NAXIS2", "1")}));
        LoadOptions options;
        options.pixels = false;
        const LoadedImage loaded = readFits(file, options);
        QCOMPARE(loaded.image.width, 1000000000);
        QCOMPARE(loaded.hdus[0].shape, (std::vector<int64_t>{1000000000, 1}));
    }

    void sampleLimitFromHeader_data() {
        QTest::addColumn<QVector<int>>("axes");
        QTest::addColumn<qint64>("limit");
        QTest::addColumn<QString>("message");
        QTest::newRow("2-D") << QVector<int>{20, 10} << qint64(199)
                             << "image is 20 x 10 pixels, larger than the limit of 199 samples";
        QTest::newRow("cube") << QVector<int>{4, 3, 5} << qint64(59)
                              << "image is 4 x 3 x 5 pixels, larger than the limit of 59 samples";
        QTest::newRow("at the limit") << QVector<int>{20, 10} << qint64(200) << "";
    }
    void sampleLimitFromHeader() {
        QFETCH(QVector<int>, axes);
        QFETCH(qint64, limit);
        QFETCH(QString, message);
        const auto file = path("limit.fits");
        std::vector<long> naxes(axes.begin(), axes.end());
        {
            FitsWriter writer(file);
            writer.image(SHORT_IMG, naxes);
        }
        LoadOptions options;
        options.maxSamples = limit;
        if (message.isEmpty()) {
            QCOMPARE(readFits(file, options).stats.validCount, 200);
            return;
        }
        QCOMPARE(errorOf(file, options), QString::fromStdString(file) + QStringLiteral(": ") + message);
    }
};

QTEST_GUILESS_MAIN(TestFitsHdus)
#include "tst_fitshdus.moc"
