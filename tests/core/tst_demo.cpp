#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>

#include <zlib.h>

#include <QTemporaryDir>
#include <QTest>

#include "catalog/catalog.h"
#include "common/error.h"
#include "demo/democaption.h"
#include "demo/democatalogbuilder.h"
#include "demo/demolabels.h"
#include "demo/demooverrides.h"
#include "demo/dsocatalog.h"
#include "demo/dsoclassifier.h"
#include "demo/dsonames.h"
#include "demo/nebulamatcher.h"
#include "demo/nebulatextures.h"
#include "demo/solarsystembodies.h"
#include "demo/solarsystemimages.h"
#include "demo/sphererenderer.h"
#include "image/imageloader.h"

using namespace cosmoclip;
namespace fs = std::filesystem;

namespace {

// Debian's stellarium-data (packaging/debian-packages.txt installs it). Without it the tests that
// read the real files skip; the parsers' error paths and the renderer are still tested.
const std::string kStellarium = "/usr/share/stellarium";
const std::string kNebulae = kStellarium + "/nebulae/default";
const std::string kKstars = "/usr/share/kstars";
const std::string kExpected = std::string(COSMOCLIP_SOURCE_DIR) + "/tests/core/demo-stellarium-555.txt";

bool haveStellarium() { return fs::is_regular_file(kNebulae + "/catalog.dat"); }

#define REQUIRE_STELLARIUM()                                                                   \
    do {                                                                                       \
        if (!haveStellarium()) QSKIP("stellarium-data is not installed (/usr/share/stellarium)"); \
    } while (0)

QString errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

void writeGzip(const std::string& path, const std::string& bytes) {
    gzFile f = gzopen(path.c_str(), "wb");
    QVERIFY(f != nullptr);
    if (!bytes.empty()) QCOMPARE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
    gzclose(f);
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

/// The uncompressed catalog.dat bytes of the installed package.
std::string inflatedCatalog() {
    gzFile f = gzopen((kNebulae + "/catalog.dat").c_str(), "rb");
    std::string out;
    char buffer[1 << 16];
    int n = 0;
    while ((n = gzread(f, buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(n));
    gzclose(f);
    return out;
}

/// A stellarium root with the real names.dat and textures.json and the given catalog.dat bytes.
std::string fakeStellarium(const QTemporaryDir& dir, const std::function<void(const std::string&)>& writeCatalog) {
    const std::string root = dir.filePath("stellarium").toStdString();
    fs::create_directories(root + "/nebulae/default");
    fs::create_directories(root + "/data");
    fs::copy_file(kNebulae + "/names.dat", root + "/nebulae/default/names.dat");
    fs::copy_file(kNebulae + "/textures.json", root + "/nebulae/default/textures.json");
    writeCatalog(root + "/nebulae/default/catalog.dat");
    return root;
}

struct ExpectedRow {
    std::string label, morphology, ids, name;
};

/// The appendix's class names -> this project's labels.
std::string expectedLabel(const std::string& appendixClass, const std::string& file) {
    if (appendixClass == "cluster with nebulosity") return demolabels::kClusterWithNebulosity;
    if (appendixClass == "galaxy (unclassified)") return demolabels::kGalaxy;
    // The prototype listed the catalogue's "star" type; the override table makes them emission nebulae.
    if (appendixClass == "star / double star" && (file == "sh2-80.png" || file == "sh2-308.png")) return demolabels::kEmissionNebula;
    return appendixClass;
}

std::map<std::string, ExpectedRow> readExpected() {
    std::map<std::string, ExpectedRow> rows;
    std::ifstream in(kExpected);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> f;
        std::stringstream s(line);
        std::string field;
        while (std::getline(s, field, '|')) f.push_back(field);
        f.resize(7);
        rows[f[0]] = {expectedLabel(f[2], f[0]), f[4], f[5], f[6]};
    }
    return rows;
}

std::string joined(const std::vector<std::string>& ids, size_t most = 100) {
    std::string out;
    for (size_t i = 0; i < ids.size() && i < most; ++i) out += (out.empty() ? "" : ";") + ids[i];
    return out;
}

Image testMap(int width, int height) {
    // Left half (longitude < 0) red, right half blue: which side of the body faces us is visible.
    Image map;
    map.width = width;
    map.height = height;
    map.planes = 3;
    map.rgb = true;
    map.data.assign(static_cast<size_t>(width) * height * 3, 0.0f);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const size_t i = static_cast<size_t>(y) * width + x;
            (x < width / 2 ? map.plane(0) : map.plane(2))[i] = 200.0f;
        }
    }
    return map;
}

const uint8_t* pixel(const Raster8& r, int x, int y) { return &r.pixels[(static_cast<size_t>(y) * r.width + x) * 3]; }

}  // namespace

class TestDemo : public QObject {
    Q_OBJECT

    std::unique_ptr<DsoCatalog> m_catalog;
    std::unique_ptr<DsoNames> m_names;
    std::unique_ptr<NebulaTextures> m_textures;

    const DsoCatalog& catalog() { return *m_catalog; }

private slots:
    void initTestCase() {
        if (!haveStellarium()) return;
        m_catalog = std::make_unique<DsoCatalog>(DsoCatalog::read(kNebulae + "/catalog.dat"));
        m_names = std::make_unique<DsoNames>(DsoNames::read(kNebulae + "/names.dat"));
        m_textures = std::make_unique<NebulaTextures>(NebulaTextures::read(kNebulae + "/textures.json"));
    }

    void catalogDatHeaderAndSize() {
        REQUIRE_STELLARIUM();
        QCOMPARE(QString::fromStdString(catalog().version()), QStringLiteral("3.16"));
        QCOMPARE(QString::fromStdString(catalog().edition()), QStringLiteral("standard"));
        QCOMPARE(catalog().objects().size(), size_t{94663});
    }

    void catalogDatKnownObjects_data() {
        QTest::addColumn<QString>("designation");
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("morphology");
        QTest::addColumn<QString>("label");
        QTest::addColumn<QString>("ids");
        QTest::newRow("M31") << "M 31" << 0 << "SA(s)b" << "spiral galaxy" << "M 31;NGC 224;UGC 454;PGC 2557";
        QTest::newRow("M13") << "M 13" << 7 << "V" << "globular cluster" << "M 13;NGC 6205;Mel 150";
        QTest::newRow("M57") << "M 57" << 11 << "" << "planetary nebula" << "M 57;NGC 6720;PGC 3517795";
        QTest::newRow("M1") << "M 1" << 18 << "F; 2, 3, 3" << "supernova remnant" << "M 1;NGC 1952;Sh 2-244;LBN 833";
        QTest::newRow("M87 by NGC") << "NGC 4486" << 0 << "E+0-1 pec, NLRG Sy" << "elliptical galaxy"
                                    << "M 87;NGC 4486;UGC 7654;PGC 41361;Arp 152";
        QTest::newRow("Sh 2-155") << "sh2-155" << 17 << "3, 2, 2" << "emission nebula" << "C 9;Sh 2-155;LBN 529";
        QTest::newRow("Barnard 72") << "B 72" << 12 << "" << "dark nebula" << "LDN 66;B 72";
    }

    void catalogDatKnownObjects() {
        REQUIRE_STELLARIUM();
        QFETCH(QString, designation);
        QFETCH(int, type);
        QFETCH(QString, morphology);
        QFETCH(QString, label);
        QFETCH(QString, ids);
        const DsoObject* o = catalog().find(designation.toStdString());
        QVERIFY2(o != nullptr, qPrintable(designation));
        QCOMPARE(static_cast<int>(o->type), type);
        QCOMPARE(QString::fromStdString(o->morphology), morphology);
        QCOMPARE(QString::fromStdString(dsoClassLabel(o->type, o->morphology)), label);
        QCOMPARE(QString::fromStdString(joined(dsoDesignations(*o))), ids);
    }

    void catalogDatPositions() {
        REQUIRE_STELLARIUM();
        const DsoObject* m31 = catalog().find(DsoCatalogue::M, 31);
        QVERIFY(m31);
        QVERIFY(std::abs(m31->raDeg - 10.6847) < 0.01);   // 00h42m44s
        QVERIFY(std::abs(m31->decDeg - 41.2690) < 0.01);  // +41 16'
        QCOMPARE(catalog().find(DsoCatalogue::NGC, 224), m31);
        QCOMPARE(catalog().find("ngc224"), m31);
        QVERIFY(catalog().find("M 0") == nullptr);
        QVERIFY(catalog().find("XYZ 12") == nullptr);
        QVERIFY(catalog().find("M") == nullptr);
        QVERIFY(catalog().find("Mel 150") != nullptr);
        QCOMPARE(catalog().find("Mel 150"), catalog().find("M 13"));  // not read as "M el150"
        QCOMPARE(catalog().find("VdB 152"), catalog().find("LBN 531"));
    }

    void namesPreferTheFirstListed() {
        REQUIRE_STELLARIUM();
        const auto m31 = m_names->names(*catalog().find("M 31"));
        QVERIFY(m31.size() >= 2);
        QCOMPARE(QString::fromStdString(m31[0].name), QStringLiteral("Andromeda Galaxy"));
        QVERIFY(!m31[0].wellKnown);
        QCOMPARE(QString::fromStdString(m31[1].name), QStringLiteral("Andromeda Nebula"));
        QVERIFY(m31[1].wellKnown);
        QCOMPARE(QString::fromStdString(m_names->names(*catalog().find("M 1")).at(0).name), QStringLiteral("Crab Nebula"));
        // Listed under the Messier number only.
        QCOMPARE(QString::fromStdString(m_names->names(*catalog().find("M 45")).at(0).name), QStringLiteral("Pleiades"));
        QCOMPARE(QString::fromStdString(m_names->names(*catalog().find("Sh 2-308")).at(0).name), QStringLiteral("Dolphin Nebula"));
        QVERIFY(m_names->find("NGC", "0224") != nullptr);  // leading zeros do not matter
        QVERIFY(m_names->size() > 1000);
    }

    void texturesJsonCreditsAndCentres() {
        REQUIRE_STELLARIUM();
        QCOMPARE(m_textures->tiles().size(), size_t{555});
        const NebulaTile* m1 = m_textures->find("m1dumont.png");
        QVERIFY(m1);
        QCOMPARE(QString::fromStdString(m1->credit), QStringLiteral("Stephane Dumont"));
        QVERIFY(m1->infoUrl.empty());
        QVERIFY(std::abs(m1->raDeg - 83.63) < 0.05 && std::abs(m1->decDeg - 22.02) < 0.05);
        // "Short" with a capital S, and `.9794` numbers that strict JSON refuses.
        const NebulaTile* m3 = m_textures->find("m3.png");
        QCOMPARE(QString::fromStdString(m3->credit), QStringLiteral("Starhopper"));
        QCOMPARE(QString::fromStdString(m3->infoUrl), QStringLiteral("https://commons.wikimedia.org/wiki/File:Messier_3.jpg"));
        const NebulaTile* m2 = m_textures->find("m2.png");
        QVERIFY(std::abs(m2->decDeg - (-0.8394)) < 0.001);
        QVERIFY(std::abs(m2->raDeg - 323.36) < 0.01);
    }

    void looseJsonNumbersAreFixedOutsideStrings() {
        const std::string loose = "{\"a\": [.5, -.25,.75], \"b\": \"x .5 y\", \"c\":.1}";
        const std::string fixed = "{\"a\": [0.5, -0.25,0.75], \"b\": \"x .5 y\", \"c\":0.1}";
        QCOMPARE(NebulaTextures::fixLooseNumbers(loose), fixed);
        const std::string escaped = "[\"m1.png\", 1.5, \"\\\".5\"]";  // ["m1.png", 1.5, "\".5"]
        QCOMPARE(NebulaTextures::fixLooseNumbers(escaped), escaped);
    }

    void badTexturesJsonIsAnError() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("textures.json").toStdString();
        writeFile(path, "{\"subTiles\": [ {\"imageUrl\": \"a.png\", ");
        QVERIFY(errorOf([&] { NebulaTextures::read(path); }).startsWith(QString::fromStdString(path) + ": not valid JSON"));
        writeFile(path, "{\"tiles\": []}");
        QVERIFY(errorOf([&] { NebulaTextures::read(path); }).contains("no subTiles"));
        QVERIFY(errorOf([&] { NebulaTextures::read(dir.filePath("missing.json").toStdString()); }).contains("cannot open"));
    }

    void morphologySplit_data() {
        QTest::addColumn<QString>("morphology");
        QTest::addColumn<QString>("label");
        QTest::newRow("SA(s)b") << "SA(s)b" << "spiral galaxy";
        QTest::newRow("(R)SA(rs)ab") << "(R)SA(rs)ab" << "spiral galaxy";
        QTest::newRow("SBm") << "SBm" << "spiral galaxy";
        QTest::newRow("S(r?)bc") << "S(r?)bc" << "spiral galaxy";
        QTest::newRow("E2") << "E2" << "elliptical galaxy";
        QTest::newRow("dE") << "dE,N" << "elliptical galaxy";
        QTest::newRow("dSph") << "dSph" << "elliptical galaxy";
        QTest::newRow("cD") << "cD" << "elliptical galaxy";
        QTest::newRow("S0") << "S0:" << "lenticular galaxy";
        QTest::newRow("SA0") << "SA0^-" << "lenticular galaxy";
        QTest::newRow("SB0") << "SB0(r)" << "lenticular galaxy";
        QTest::newRow("E/S0") << "E/S0" << "lenticular galaxy";
        QTest::newRow("IB(s)m") << "IB(s)m" << "irregular galaxy";
        QTest::newRow("Im") << "Im" << "irregular galaxy";
        QTest::newRow("dIrr") << "dIrr" << "irregular galaxy";
        QTest::newRow("T -5") << "-5" << "elliptical galaxy";
        QTest::newRow("T -4") << "-4" << "elliptical galaxy";
        QTest::newRow("T -3") << "-3" << "lenticular galaxy";
        QTest::newRow("T -1") << "-1" << "lenticular galaxy";
        QTest::newRow("T 0") << "0" << "spiral galaxy";
        QTest::newRow("T 6") << "6" << "spiral galaxy";
        QTest::newRow("T 8") << "8" << "spiral galaxy";
        QTest::newRow("T 9") << "9" << "irregular galaxy";
        QTest::newRow("T 10") << "10" << "irregular galaxy";
        QTest::newRow("empty") << "" << "galaxy";
        QTest::newRow("cGD") << "cGD" << "galaxy";
    }

    void morphologySplit() {
        QFETCH(QString, morphology);
        QFETCH(QString, label);
        QCOMPARE(QString::fromStdString(dsoClassLabel(0, morphology.toStdString())), label);
        QCOMPARE(QString::fromStdString(dsoClassLabel(3, morphology.toStdString())), label);  // interacting: same split
    }

    void typeCodesMapToClasses() {
        QCOMPARE(QString::fromStdString(dsoClassLabel(17, "")), QStringLiteral("emission nebula"));  // HII region
        QCOMPARE(QString::fromStdString(dsoClassLabel(19, "")), QStringLiteral("emission nebula"));
        QCOMPARE(QString::fromStdString(dsoClassLabel(27, "")), QStringLiteral("planetary nebula"));  // protoplanetary
        QCOMPARE(QString::fromStdString(dsoClassLabel(14, "")), QStringLiteral("planetary nebula"));  // bipolar
        QCOMPARE(QString::fromStdString(dsoClassLabel(23, "")), QStringLiteral("dark nebula"));       // molecular cloud
        QCOMPARE(QString::fromStdString(dsoClassLabel(16, "")), QStringLiteral("open cluster with nebulosity"));
        QCOMPARE(QString::fromStdString(dsoClassLabel(5, "*Cloud")), QStringLiteral("open cluster"));
        QCOMPARE(QString::fromStdString(dsoClassLabel(33, "")), QStringLiteral("galaxy cluster"));
        QCOMPARE(QString::fromStdString(dsoClassLabel(7, "XII")), QStringLiteral("globular cluster"));
        QCOMPARE(QString::fromStdString(dsoTypeName(999)), QStringLiteral("unknown"));
    }

    void fileNamesEncodeDesignations_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("designation");
        QTest::newRow("m31") << "m31.png" << "M 31";
        QTest::newRow("m51-vasey") << "m51-vasey.png" << "M 51";
        QTest::newRow("n6946dumont") << "n6946dumont.png" << "NGC 6946";
        QTest::newRow("ic2118-1") << "ic2118-1.png" << "IC 2118";
        QTest::newRow("u5373") << "u5373.png" << "UGC 5373";
        QTest::newRow("p47847-sdss2") << "p47847-sdss2.png" << "PGC 47847";
        QTest::newRow("sh2-101-vasey") << "sh2-101-vasey.png" << "Sh 2-101";
        QTest::newRow("rcw158-trev") << "rcw158-trev.png" << "RCW 158";
        QTest::newRow("ldn1622") << "ldn1622.png" << "LDN 1622";
        QTest::newRow("lbn438") << "lbn438.png" << "LBN 438";
        QTest::newRow("vdb152") << "vdb152.png" << "VdB 152";
        QTest::newRow("barnard142-vasey") << "barnard142-vasey.png" << "B 142";
        QTest::newRow("barnard_loop-1") << "barnard_loop-1.png" << "";
        QTest::newRow("lmc_01") << "lmc_01.png" << "";
        QTest::newRow("coma_cluster") << "coma_cluster.png" << "";
        QTest::newRow("Medusa-vasey") << "Medusa-vasey.png" << "";
    }

    void fileNamesEncodeDesignations() {
        QFETCH(QString, file);
        QFETCH(QString, designation);
        const auto id = NebulaMatcher::parseFileName(file.toStdString());
        QCOMPARE(id ? QString::fromStdString(dsoDesignation(id->first, id->second)) : QString(), designation);
    }

    void overrideTable_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("label");
        QTest::newRow("lmc_07") << "lmc_07.png" << "Magellanic Cloud field";
        QTest::newRow("smc29-3") << "smc29-3.png" << "Magellanic Cloud field";
        QTest::newRow("smc-ha") << "smc-ha.png" << "Magellanic Cloud field";
        QTest::newRow("sh2-80") << "sh2-80.png" << "emission nebula";
        QTest::newRow("sh2-308") << "sh2-308.png" << "emission nebula";
        QTest::newRow("pleiades") << "pleiades.png" << "open cluster";
        QTest::newRow("virgo_cluster") << "virgo_cluster.png" << "galaxy cluster";
        QTest::newRow("wilds") << "wilds.png" << "interacting galaxies";
        QTest::newRow("barnard_loop-3") << "barnard_loop-3.png" << "emission nebula";
        QTest::newRow("rho-a10") << "rho-a10.png" << "emission nebula";
        QTest::newRow("red_rectangle") << "red_rectangle.png" << "planetary nebula";
        QTest::newRow("velasnr") << "velasnr.png" << "supernova remnant";
        QTest::newRow("darkshark") << "darkshark-vasey.png" << "dark nebula";
        QTest::newRow("n3190oleg") << "n3190oleg.png" << "spiral galaxy";
        QTest::newRow("none for m31") << "m31.png" << "";
        QTest::newRow("none for sh2-8") << "sh2-8.png" << "";  // not sh2-80
    }

    void overrideTable() {
        QFETCH(QString, file);
        QFETCH(QString, label);
        const DemoOverride* o = findDemoOverride(file.toStdString());
        QCOMPARE(o ? QString::fromUtf8(o->label) : QString(), label);
    }

    void allFiftySixUnnamedTilesHaveOverrides() {
        // §5 of the data notes: 56 tiles with no usable id, plus sh2-80 and sh2-308.
        REQUIRE_STELLARIUM();
        size_t overridden = 0;
        for (const auto& t : m_textures->tiles()) overridden += findDemoOverride(t.imageUrl) ? 1 : 0;
        QCOMPARE(overridden, size_t{58});
        QCOMPARE(demoOverrides().size(), size_t{34});
    }

    void everyStellariumPhotoMatchesTheReferenceLabels() {
        REQUIRE_STELLARIUM();
        const auto expected = readExpected();
        QCOMPARE(expected.size(), size_t{555});
        const NebulaMatcher matcher(catalog(), *m_names);
        std::map<std::string, size_t> classes;
        QStringList mismatches;
        for (const NebulaTile& tile : m_textures->tiles()) {
            const auto image = matcher.match(tile, kNebulae);
            const auto it = expected.find(tile.imageUrl);
            if (!image || it == expected.end()) {
                mismatches << QString::fromStdString(tile.imageUrl + (image ? ": not in the reference" : ": unmatched"));
                continue;
            }
            const ExpectedRow& want = it->second;
            auto check = [&](bool ok, const std::string& what) {
                if (!ok) mismatches << QString::fromStdString(tile.imageUrl + ": " + what + " in \"" + image->caption + "\"");
            };
            check(image->label == want.label, "label " + image->label + " != " + want.label);
            // The reference lists at most four designations.
            if (!want.ids.empty()) check(joined(image->ids, 4) == want.ids, "ids " + joined(image->ids, 4) + " != " + want.ids);
            if (!want.name.empty()) check(image->name == want.name, "name " + image->name + " != " + want.name);
            if (!want.ids.empty() && isGalaxyType(catalog().find(image->ids.front())->type))
                check(image->morphology == want.morphology, "morphology " + image->morphology + " != " + want.morphology);
            check(!image->credit.empty(), "no credit");
            check(image->caption.rfind("a telescope image of ", 0) == 0, "caption");
            check(image->path == kNebulae + "/" + tile.imageUrl, "path " + image->path);
            ++classes[image->label];
        }
        QVERIFY2(mismatches.isEmpty(), qPrintable(mismatches.join('\n')));
        // The class counts of the data notes, with the two Sh 2 "stars" as emission nebulae.
        QCOMPARE(classes["spiral galaxy"], size_t{149});
        QCOMPARE(classes["globular cluster"], size_t{86});
        QCOMPARE(classes["planetary nebula"], size_t{66});
        QCOMPARE(classes["open cluster"], size_t{57});
        QCOMPARE(classes["emission nebula"], size_t{52});
        QCOMPARE(classes["Magellanic Cloud field"], size_t{21});
        QCOMPARE(classes["supernova remnant"], size_t{9});
    }

    void captionsFromMetadata() {
        REQUIRE_STELLARIUM();
        const NebulaMatcher matcher(catalog(), *m_names);
        auto caption = [&](const char* file) {
            return QString::fromStdString(matcher.match(*m_textures->find(file), kNebulae)->caption);
        };
        QCOMPARE(caption("m31.png"),
                 QStringLiteral("a telescope image of Andromeda Galaxy (M 31 / NGC 224 / UGC 454), a spiral galaxy (Hubble type SA(s)b)"));
        QCOMPARE(caption("m1dumont.png"), QStringLiteral("a telescope image of Crab Nebula (M 1 / NGC 1952 / Sh 2-244), a supernova remnant"));
        QCOMPARE(caption("m2.png"), QStringLiteral("a telescope image of M 2 (NGC 7089 / Mel 235), a globular cluster"));
        QCOMPARE(caption("m57dumont.png"), QStringLiteral("a telescope image of Ring Nebula (M 57 / NGC 6720 / PGC 3517795), a planetary nebula"));
        QCOMPARE(caption("u5373.png"),
                 QStringLiteral("a telescope image of Sextans B (UGC 5373 / PGC 28913), an irregular galaxy (morphological T-type 10)"));
        QCOMPARE(caption("lmc_03.png"), QStringLiteral("a telescope image of a field in the Large Magellanic Cloud, a Magellanic Cloud field"));
        QCOMPARE(caption("sh2-308.png"),
                 QStringLiteral("a telescope image of Dolphin Nebula (Sh 2-308 / RCW 11 / LBN 1052), an emission nebula"));
        QVERIFY(caption("u10214.png").endsWith(", part of an interacting system"));  // Tadpole Galaxy
        QCOMPARE(QString::fromStdString(DemoCaption::telescopeImage({"", {}, "open cluster", "", ""})),
                 QStringLiteral("a telescope image of an open cluster"));
    }

    void corruptCatalogDatIsAClearError() {
        REQUIRE_STELLARIUM();
        QTemporaryDir dir;
        const std::string full = inflatedCatalog();
        const std::string path = dir.filePath("catalog.dat").toStdString();
        const QString name = QString::fromStdString(path);
        // Truncated in the middle of a record.
        writeGzip(path, full.substr(0, 100003));
        QVERIFY(errorOf([&] { DsoCatalog::read(path); }).startsWith(name + ": truncated"));
        // A truncated gzip stream (the compressed file cut short).
        writeFile(path, readFile(kNebulae + "/catalog.dat").substr(0, 50000));
        QVERIFY(errorOf([&] { DsoCatalog::read(path); }).startsWith(name + ": "));
        // Not gzip at all.
        writeFile(path, "this is not a catalogue\n");
        QVERIFY(errorOf([&] { DsoCatalog::read(path); }).startsWith(name + ": "));
        // Empty gzip, garbage inside gzip, a string length word that is absurd.
        writeGzip(path, "");
        QVERIFY(errorOf([&] { DsoCatalog::read(path); }).startsWith(name + ": "));
        writeGzip(path, std::string(5000, '\xff'));
        QVERIFY(errorOf([&] { DsoCatalog::read(path); }).startsWith(name + ": "));
        std::string badString = full.substr(0, 2000);
        badString[0] = '\x7f';  // the version string's length becomes ~2 GB
        writeGzip(path, badString);
        QVERIFY(errorOf([&] { DsoCatalog::read(path); }).contains("corrupt string length"));
        // Shifted by one byte: record boundaries lost.
        writeGzip(path, full.substr(0, 26) + full.substr(27, 300000));
        QVERIFY(!errorOf([&] { DsoCatalog::read(path); }).isEmpty());
        QVERIFY(errorOf([&] { DsoCatalog::read(dir.filePath("missing.dat").toStdString()); }).contains("missing.dat"));
    }

    void corruptCatalogDatStopsTheBuild() {
        REQUIRE_STELLARIUM();
        QTemporaryDir dir;
        const std::string full = inflatedCatalog();
        const std::string root = fakeStellarium(dir, [&](const std::string& path) { writeGzip(path, full.substr(0, 4321)); });
        DemoBuildOptions options;
        options.stellariumRoot = root;
        options.kstarsRoot = dir.filePath("no-kstars").toStdString();
        options.outDir = dir.filePath("out").toStdString();
        const QString error = errorOf([&] { DemoCatalogBuilder(options).build(); });
        QVERIFY2(error.startsWith(QString::fromStdString(root + "/nebulae/default/catalog.dat: ")), qPrintable(error));
        QVERIFY(!fs::exists(dir.filePath("out/catalog.sqlite").toStdString()));
    }

    void missingStellariumNamesThePackage() {
        QTemporaryDir dir;
        DemoBuildOptions options;
        options.stellariumRoot = dir.filePath("nowhere").toStdString();
        options.outDir = dir.filePath("out").toStdString();
        const QString error = errorOf([&] { DemoCatalogBuilder(options).build(); });
        QVERIFY2(error.contains("stellarium-data") && error.contains("apt-get install"), qPrintable(error));
    }

    void solarSystemBodiesFromTheIni() {
        REQUIRE_STELLARIUM();
        const auto bodies = SolarSystemBodies::read(kStellarium + "/data/ssystem_major.ini");
        const SolarSystemBody* jupiter = bodies.find("jupiter");
        QVERIFY(jupiter);
        QCOMPARE(QString::fromStdString(jupiter->type), QStringLiteral("planet"));
        QCOMPARE(QString::fromStdString(jupiter->texture), QStringLiteral("jupiter.png"));
        QVERIFY(jupiter->textureNote.find("Jónsson") != std::string::npos);  // Latin-1 in the file, UTF-8 here
        const SolarSystemBody* saturn = bodies.find("saturn");
        QVERIFY(saturn->ringOuterKm > saturn->ringInnerKm && saturn->ringInnerKm > saturn->radiusKm);
        QCOMPARE(QString::fromStdString(bodies.find("io")->parent), QStringLiteral("Jupiter"));
        QCOMPARE(QString::fromStdString(bodies.find("moon")->parent), QStringLiteral("Earth"));
        QVERIFY(bodies.find("phobos")->hasShapeModel);
        QCOMPARE(QString::fromStdString(bodies.find("pluto")->type), QStringLiteral("dwarf planet"));
    }

    void plannedRendersCoverPlanetsAndMoons() {
        REQUIRE_STELLARIUM();
        const auto planned = SolarSystemImages::plannedRenders(kStellarium, "/tmp/r", 6, 128);
        std::map<std::string, size_t> byLabel;
        std::map<std::string, std::string> captionOf;
        for (const auto& p : planned) {
            ++byLabel[p.image.label];
            captionOf[fs::path(p.image.path).filename().string()] = p.image.caption;
            QVERIFY(p.render);
        }
        QCOMPARE(byLabel["planet"], size_t{8 * 6});  // Mercury .. Neptune, Earth included
        QCOMPARE(byLabel["moon"], size_t{6});
        QCOMPARE(byLabel["sun"], size_t{6});
        QCOMPARE(byLabel["dwarf planet"], size_t{6});
        QVERIFY(byLabel["planetary moon"] >= 15 * 6);
        QVERIFY(!captionOf.count("phobos-0.png"));  // irregular, has a shape model
        QVERIFY(!captionOf.count("adrastea-0.png"));  // generic lune.png map
        QCOMPARE(QString::fromStdString(captionOf["io-0.png"]), QStringLiteral("a rendered view of Io, a moon of Jupiter, fully illuminated"));
        QCOMPARE(QString::fromStdString(captionOf["saturn-3.png"]),
                 QStringLiteral("a rendered view of Saturn, a planet with its rings, 50% illuminated"));
        QCOMPARE(QString::fromStdString(captionOf["moon-0.png"]), QStringLiteral("a rendered view of the Moon, a full moon 100% illuminated"));
        QCOMPARE(QString::fromStdString(captionOf["moon-2.png"]),
                 QStringLiteral("a rendered view of the Moon, a first quarter moon 50% illuminated"));
    }

    void kstarsMoonPhases() {
        if (!fs::is_directory(kKstars + "/textures")) QSKIP("kstars-data is not installed");
        const auto images = SolarSystemImages::kstarsImages(kKstars);
        QCOMPARE(images.size(), size_t{9 + 36});
        std::map<std::string, std::string> caption;
        for (const auto& i : images) caption[fs::path(i.path).filename().string()] = i.caption;
        QCOMPARE(QString::fromStdString(caption["moon00.png"]), QStringLiteral("a telescope image of the Moon, a new moon 0% illuminated"));
        QCOMPARE(QString::fromStdString(caption["moon09.png"]),
                 QStringLiteral("a telescope image of the Moon, a first quarter moon 50% illuminated"));
        QCOMPARE(QString::fromStdString(caption["moon18.png"]), QStringLiteral("a telescope image of the Moon, a full moon 100% illuminated"));
        QCOMPARE(QString::fromStdString(caption["moon27.png"]),
                 QStringLiteral("a telescope image of the Moon, a last quarter moon 50% illuminated"));
        QCOMPARE(QString::fromStdString(caption["moon04.png"]),
                 QStringLiteral("a telescope image of the Moon, a waxing crescent moon 12% illuminated"));
        QCOMPARE(QString::fromStdString(caption["jupiter.png"]), QStringLiteral("a telescope image of Jupiter, a planet"));
        QCOMPARE(QString::fromStdString(caption["pluto.png"]), QStringLiteral("a telescope image of Pluto, a dwarf planet"));
        QVERIFY(SolarSystemImages::kstarsImages("/nonexistent/kstars").empty());
    }

    void sphereRendererGeometry() {
        const Image map = testMap(64, 32);
        SphereRenderer renderer(map, SphereShading::LommelSeeliger);
        // Central meridian at longitude -90: the red hemisphere faces us, fully lit.
        const Raster8 red = renderer.render({-90, 0, 0, 0, 0}, 100);
        QCOMPARE(red.width, 100);
        QCOMPARE(red.channels, 3);
        QVERIFY(pixel(red, 50, 50)[0] > 190 && pixel(red, 50, 50)[2] < 10);
        QCOMPARE(int(pixel(red, 0, 0)[0]) + pixel(red, 0, 0)[1] + pixel(red, 0, 0)[2], 0);  // black sky
        // Longitude 0 faces us: red on the left (west), blue on the right.
        const Raster8 both = renderer.render({0, 0, 0, 0, 0}, 100);
        QVERIFY(pixel(both, 30, 50)[0] > 150 && pixel(both, 70, 50)[2] > 150);
        // Phase 90 with the Sun on the right: the left half is dark.
        const Raster8 half = renderer.render({0, 0, 0, 90, 0}, 100);
        QVERIFY(pixel(half, 30, 50)[0] == 0);
        QVERIFY(pixel(half, 70, 50)[2] > 100);
        // Rolled by 180 degrees the picture turns over: blue on the left.
        const Raster8 rolled = renderer.render({0, 0, 180, 0, 0}, 100);
        QVERIFY(pixel(rolled, 30, 50)[2] > 150);
        // The same view twice gives the same bytes (rebuilds keep files).
        QVERIFY(renderer.render({33, 12, 7, 40, 180}, 64).pixels == renderer.render({33, 12, 7, 40, 180}, 64).pixels);
    }

    void sphereRendererLimbDarkeningAndRings() {
        Image white;
        white.width = 16;
        white.height = 8;
        white.planes = 1;
        white.data.assign(16 * 8, 250.0f);
        SphereRenderer sun(white, SphereShading::Emissive);
        const Raster8 s = sun.render({0, 0, 0, 0, 0}, 101);
        QVERIFY(pixel(s, 50, 50)[0] > 240);
        QVERIFY(pixel(s, 50, 50)[0] > pixel(s, 50, 8)[0] + 60);  // darker towards the limb

        Image ring;
        ring.width = 8;
        ring.height = 1;
        ring.planes = 1;
        ring.data.assign(8, 100.0f);
        ring.alpha.assign(8, 255.0f);
        SphereRenderer saturn(white, SphereShading::Lambert);
        saturn.setRings(ring, 1.5, 2.0);
        const Raster8 r = saturn.render({0, 20, 0, 0, 0}, 200);
        // The ring crosses the picture's horizontal midline outside the disk.
        const int ringX = 100 + static_cast<int>(1.75 / (2.0 / 0.9) * 100);
        QVERIFY(pixel(r, ringX, 100)[0] > 50);
        QCOMPARE(int(pixel(r, 2, 2)[0]), 0);
        QVERIFY(errorOf([&] { saturn.setRings(ring, 0.5, 2.0); }).contains("rings"));
    }

    void subsetIndicesAreSpreadAndStable() {
        QCOMPARE(DemoCatalogBuilder::subsetIndices(10, 0).size(), size_t{10});
        QCOMPARE(DemoCatalogBuilder::subsetIndices(10, 20).size(), size_t{10});
        const auto s = DemoCatalogBuilder::subsetIndices(100, 4);
        QCOMPARE(s, (std::vector<size_t>{0, 25, 50, 75}));
    }

    void subsetBuildIsLabelledAndIdempotent() {
        REQUIRE_STELLARIUM();
        QTemporaryDir dir;
        DemoBuildOptions options;
        options.outDir = dir.filePath("demo").toStdString();
        options.limit = 40;
        options.renderSize = 96;
        const DemoBuildReport first = DemoCatalogBuilder(options).build();
        QCOMPARE(first.images, size_t{40});
        QCOMPARE(first.added, size_t{40});
        QCOMPARE(first.catalogPath, options.outDir + "/catalog.sqlite");
        QVERIFY(first.unmatched.empty());
        QVERIFY(first.rendered > 0);
        QVERIFY(first.classes.count("spiral galaxy") && first.classes.count("planetary moon"));
        size_t total = 0;
        for (const auto& [label, n] : first.classes) total += n;
        QCOMPARE(total, size_t{40});
        // The roots to index: the subset's files, never a folder holding unlabelled images.
        QCOMPARE(first.roots.size() - 1, size_t{40} - first.sources.at("stellarium-render"));
        QVERIFY(std::find(first.roots.begin(), first.roots.end(), options.outDir + "/renders") != first.roots.end());

        {
            Catalog catalog(first.catalogPath, Catalog::Mode::ReadOnly);
            const auto images = catalog.allImages();
            QCOMPARE(images.size(), size_t{40});
            QCOMPARE(catalog.countImages(ImageStatus::Pending), int64_t{40});
            for (const auto& image : images) {
                QVERIFY2(fs::is_regular_file(image.path), image.path.c_str());
                QVERIFY(image.credit && !image.credit->empty());
                const auto labels = catalog.labels(image.id);
                QCOMPARE(labels.size(), size_t{1});
                QCOMPARE(QString::fromStdString(labels[0].source), QStringLiteral("import"));
                QCOMPARE(labels[0].probability, 1.0);
                size_t imported = 0;
                for (const auto& c : catalog.captions(image.id)) imported += c.source == "import" ? 1 : 0;
                QCOMPARE(imported, size_t{1});
            }
            const auto m1 = catalog.imageByPath(kNebulae + "/m1dumont.png");
            QVERIFY(m1);
            QCOMPARE(QString::fromStdString(*m1->credit), QStringLiteral("Stephane Dumont"));
            QCOMPARE(QString::fromStdString(*m1->object), QStringLiteral("Crab Nebula"));
            QVERIFY(std::abs(*m1->ra - 83.63) < 0.05);
        }
        // A render is a real picture the indexer can read.
        std::string render;
        for (const auto& entry : fs::directory_iterator(options.outDir + "/renders")) render = entry.path().string();
        const LoadedImage loaded = loadImage(render);
        QCOMPARE(loaded.image.width, 96);
        const auto mtime = fs::last_write_time(render);

        // Again: nothing added, nothing rewritten.
        const DemoBuildReport second = DemoCatalogBuilder(options).build();
        QCOMPARE(second.added, size_t{0});
        QCOMPARE(second.updated, size_t{0});
        QCOMPARE(second.unchanged, size_t{40});
        QCOMPARE(second.rendered, size_t{0});
        QVERIFY(fs::last_write_time(render) == mtime);
        Catalog catalog(first.catalogPath);
        QCOMPARE(catalog.allImages().size(), size_t{40});

        // An indexed row keeps its status; a changed credit is updated in place.
        auto row = catalog.imageByPath(kNebulae + "/m1dumont.png");
        row->status = ImageStatus::Ok;
        row->credit = "someone else";
        catalog.updateImage(*row);
        catalog.replaceLabels(row->id, "import", std::nullopt, {{"wrong label", 1.0}});
        const DemoBuildReport third = DemoCatalogBuilder(options).build();
        QCOMPARE(third.added, size_t{0});
        QCOMPARE(third.updated, size_t{1});
        row = catalog.imageByPath(kNebulae + "/m1dumont.png");
        QCOMPARE(row->status, ImageStatus::Ok);
        QCOMPARE(QString::fromStdString(*row->credit), QStringLiteral("Stephane Dumont"));
        QCOMPARE(QString::fromStdString(catalog.labels(row->id).at(0).label), QStringLiteral("supernova remnant"));
        QCOMPARE(catalog.allImages().size(), size_t{40});
    }
};

QTEST_GUILESS_MAIN(TestDemo)
#include "tst_demo.moc"
