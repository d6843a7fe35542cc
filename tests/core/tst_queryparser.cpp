#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "retrieval/queryparser.h"
#include "retrieval/vectormath.h"

using namespace cosmoclip;

// rclip's query syntax: "a + b - c", multipliers "2:a", image terms by path.
class TestQueryParser : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string m_image;  // an existing file, absolute path

    static QString describe(const std::vector<QueryTerm>& terms) {
        QStringList parts;
        for (const auto& t : terms)
            parts << QString("%1|%2|%3").arg(t.weight).arg(QString::fromStdString(t.text)).arg(t.isImage ? "image" : "text");
        return parts.join("; ");
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_image = m_dir.filePath("m42 field.png").toStdString();
        std::ofstream(m_image) << "not really a png";
    }

    void parses_data() {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("expected");
        QTest::newRow("one phrase") << "spiral galaxy" << "1|spiral galaxy|text";
        QTest::newRow("plus minus") << "nebula + red - blue" << "1|nebula|text; 1|red|text; -1|blue|text";
        QTest::newRow("weights") << "2:nebula - 0.5:stars + .5:dust + 3.:gas"
                                 << "2|nebula|text; -0.5|stars|text; 0.5|dust|text; 3|gas|text";
        QTest::newRow("hyphens stay in words") << "edge-on spiral - close-up"
                                               << "1|edge-on spiral|text; -1|close-up|text";
        QTest::newRow("no spaces, no split") << "M31+M32" << "1|M31+M32|text";
        QTest::newRow("leading minus") << "- stars + galaxy" << "-1|stars|text; 1|galaxy|text";
        QTest::newRow("leading plus") << "+ stars" << "1|stars|text";
        QTest::newRow("extra spaces") << "  a   b  +\tc  " << "1|a   b|text; 1|c|text";
        QTest::newRow("colon in text") << "M31: Andromeda" << "1|M31: Andromeda|text";
        QTest::newRow("text prefix") << "text:./not/a/path.png" << "1|./not/a/path.png|text";
        QTest::newRow("weighted text prefix") << "2:text:/etc" << "2|/etc|text";
    }
    void parses() {
        QFETCH(QString, query);
        QFETCH(QString, expected);
        QCOMPARE(describe(parseQuery(query.toStdString())), expected);
    }

    void imageTerms() {
        // Absolute path, weighted and subtracted; "image:" and "file://" prefixes; a relative path
        // with "./" and one without it (rclip needs "./"; an existing file is enough here).
        const std::string q = "galaxy - 0.5:" + m_image + " + image:" + m_image + " + file://" + m_image;
        const auto terms = parseQuery(q);
        QCOMPARE(terms.size(), size_t(4));
        QVERIFY(!terms[0].isImage);
        QVERIFY(terms[1].isImage);
        QCOMPARE(terms[1].weight, -0.5);
        QCOMPARE(terms[1].text, m_image);
        QVERIFY(terms[2].isImage);
        QCOMPARE(terms[2].text, m_image);
        QVERIFY(terms[3].isImage);
        QCOMPARE(terms[3].text, m_image);

        const auto cwd = std::filesystem::current_path();
        std::filesystem::current_path(m_dir.path().toStdString());
        const auto rel = parseQuery("./m42 field.png + m42 field.png + m42");
        std::filesystem::current_path(cwd);
        QCOMPARE(describe(rel), QString("1|./m42 field.png|image; 1|m42 field.png|image; 1|m42|text"));
    }

    void errors_data() {
        QTest::addColumn<QString>("query");
        QTest::newRow("empty") << "";
        QTest::newRow("blank") << "   \t ";
        QTest::newRow("only operator") << "+";
        QTest::newRow("two operators") << "a + - b";
        QTest::newRow("trailing operator") << "a -";
        QTest::newRow("weight without term") << "2:";
        QTest::newRow("weight then blank") << "a + 2:   ";
        QTest::newRow("zero weight") << "0:a";
        QTest::newRow("negative weight") << "-2:a";
        QTest::newRow("exponent weight") << "1e3:a";
        QTest::newRow("two dots") << "1.2.3:a";
        QTest::newRow("missing absolute file") << "/no/such/dir/x.png";
        QTest::newRow("missing relative file") << "nebula + ./nope.fits";
        QTest::newRow("image prefix without file") << "image:";
        QTest::newRow("image prefix missing file") << "image:nope.png";
        QTest::newRow("url") << "https://example.org/m31.jpg";
        QTest::newRow("empty text prefix") << "text:";
    }
    void errors() {
        QFETCH(QString, query);
        try {
            const auto terms = parseQuery(query.toStdString());
            QFAIL(qPrintable("no error, got " + describe(terms)));
        } catch (const Error& e) {
            QVERIFY(std::string(e.what()).size() > 5);
        }
    }

    void combinesNormalisedWeightedTerms() {
        // Terms (3,4) and (0,-2) -> normalised (0.6,0.8) and (0,-1); 2*(0.6,0.8) - 1*(0,-1) =
        // (1.2, 2.6), renormalised.
        const std::vector<QueryTerm> terms = {{2.0, "a", false}, {-1.0, "b", false}};
        const auto q = combineQuery(terms, {3, 4, 0, -2}, 2);
        const double n = std::hypot(1.2, 2.6);
        QVERIFY(std::abs(q[0] - 1.2 / n) < 1e-6);
        QVERIFY(std::abs(q[1] - 2.6 / n) < 1e-6);
        QVERIFY(std::abs(l2Norm(q.data(), 2) - 1.0) < 1e-6);

        const std::vector<QueryTerm> cancel = {{1.0, "a", false}, {-1.0, "a", false}};
        QVERIFY_THROWS_EXCEPTION(Error, combineQuery(cancel, {1, 1, 2, 2}, 2));
        QVERIFY_THROWS_EXCEPTION(Error, combineQuery(terms, {1, 2, 3}, 2));
        QVERIFY_THROWS_EXCEPTION(Error, combineQuery(terms, {0, 0, 1, 1}, 2));
    }
};

QTEST_APPLESS_MAIN(TestQueryParser)
#include "tst_queryparser.moc"
