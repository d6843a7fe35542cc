#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "common/error.h"
#include "common/filesniff.h"

using namespace cosmoclip;

class TestFileSniff : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string write(const char* name, const std::string& bytes) {
        const std::string path = m_dir.filePath(QString::fromUtf8(name)).toStdString();
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }

private slots:
    void detectsByContentNotName_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("kind");
        QTest::newRow("fits") << QByteArray("SIMPLE  =                    T") << int(FileKind::Fits);
        QTest::newRow("gzip") << QByteArray("\x1f\x8b\x08\x00", 4) << int(FileKind::GzipFits);
        QTest::newRow("png named .fits") << QByteArray("\x89PNG\r\n\x1a\n....", 12) << int(FileKind::Png);
        QTest::newRow("jpeg") << QByteArray("\xff\xd8\xff\xe0", 4) << int(FileKind::Jpeg);
        QTest::newRow("tiff le") << QByteArray("II*\0", 4) << int(FileKind::Tiff);
        QTest::newRow("tiff be") << QByteArray("MM\0*", 4) << int(FileKind::Tiff);
        QTest::newRow("empty") << QByteArray() << int(FileKind::Empty);
        QTest::newRow("garbage") << QByteArray("hello world") << int(FileKind::Unknown);
    }
    void detectsByContentNotName() {
        QFETCH(QByteArray, bytes);
        QFETCH(int, kind);
        const auto path = write("file.fits", bytes.toStdString());
        QCOMPARE(int(sniffFile(path)), kind);
    }
    void missingFileNamesThePath() {
        try {
            sniffFile("/nonexistent/dir/x.fits");
            QFAIL("expected an error");
        } catch (const Error& e) {
            QVERIFY(QString::fromUtf8(e.what()).contains(QStringLiteral("/nonexistent/dir/x.fits")));
        }
    }
    void folderIsRefused() { QVERIFY_THROWS_EXCEPTION(Error, sniffFile(m_dir.path().toStdString())); }
};

QTEST_GUILESS_MAIN(TestFileSniff)
#include "tst_filesniff.moc"
