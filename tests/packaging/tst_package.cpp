// The packages as users get them (packaging/): cpack builds the .deb and the .tar.gz of this build
// tree; the .deb is unpacked with dpkg-deb -x into a scratch root and run from there: --version,
// an embed whose built-in model must come from inside that root (not from the source tree the
// binaries were built from) and must give the build tree's vectors, the GUI opening a file given
// on its command line (as the .desktop entry's "Exec=cosmoclip-gui %F" does). The installed
// desktop entry, AppStream metainfo and MIME package go through the freedesktop validators; the
// .deb's Depends must name LibTorch, Qt, OpenCV, CFITSIO, SQLite and OpenBLAS.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <vector>

#include "clirunner.h"

namespace {

const QString kAppId = QStringLiteral("org.cosmoclip.CosmoCLIP");

struct Run {
    int exitCode = -1;
    bool ok = false;  // finished by itself, no crash
    QString out;
    QString err;
};

// An environment in which nothing points at a model: the package must find its own.
QProcessEnvironment cleanEnvironment(const QString& scratch) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("COSMOCLIP_DEFAULT_MODEL"));
    env.remove(QStringLiteral("COSMOCLIP_BUILTIN_MODEL"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), scratch + QStringLiteral("/config"));  // QSettings of the GUI
    env.insert(QStringLiteral("XDG_DATA_HOME"), scratch + QStringLiteral("/data"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), scratch + QStringLiteral("/cache"));
    return env;
}

Run run(const QString& program, const QStringList& args, const QProcessEnvironment& env, int timeoutMs = 120000) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    Run r;
    if (!p.waitForStarted(10000)) {
        r.err = p.errorString();
        return r;
    }
    const bool finished = p.waitForFinished(timeoutMs);
    if (!finished) {
        p.kill();
        p.waitForFinished();
    }
    r.ok = finished && p.exitStatus() == QProcess::NormalExit;
    r.exitCode = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QString tool(const char* name) { return QStandardPaths::findExecutable(QString::fromLatin1(name)); }

bool isInside(const QString& path, const QString& root) {
    const QString p = QFileInfo(path).canonicalFilePath(), r = QFileInfo(root).canonicalFilePath();
    return !p.isEmpty() && !r.isEmpty() && p.startsWith(r + QLatin1Char('/'));
}

std::vector<double> embedding(const nlohmann::json& item) { return item.at("embedding").get<std::vector<double>>(); }

double cosine(const std::vector<double>& a, const std::vector<double>& b) {
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        ab += a[i] * b[i];
        aa += a[i] * a[i];
        bb += b[i] * b[i];
    }
    return ab / std::sqrt(aa * bb);
}

}  // namespace

class TestPackage : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_deb, m_tgz;
    QString m_root;     // the .deb unpacked
    QString m_tarRoot;  // the .tar.gz unpacked (its top folder)
    QProcessEnvironment m_env;

    QString usr(const QString& relative) const { return m_root + QStringLiteral("/usr/") + relative; }

    // A 96x80 RGB PNG and a 64x48 8-bit FITS image with a bright blob, written here.
    QString writePng() const {
        QImage image(96, 80, QImage::Format_RGB888);
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x) image.setPixel(x, y, qRgb(x * 2, y * 3, (x + y) % 256));
        const QString file = m_dir.filePath(QStringLiteral("gradient.png"));
        return image.save(file) ? file : QString();
    }

    QString writeFits() const {
        const int w = 64, h = 48;
        QByteArray bytes;
        for (const QString& card : {QStringLiteral("SIMPLE  =                    T"), QStringLiteral("BITPIX  =                    8"),
                                    QStringLiteral("NAXIS   =                    2"), QStringLiteral("NAXIS1  =                   64"),
                                    QStringLiteral("NAXIS2  =                   48"), QStringLiteral("END")})
            bytes += card.leftJustified(80, QLatin1Char(' ')).toLatin1();
        bytes = bytes.leftJustified(2880, ' ');
        QByteArray data(w * h, '\0');
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const double d2 = (x - 30.0) * (x - 30.0) + (y - 20.0) * (y - 20.0);
                data[y * w + x] = static_cast<char>(static_cast<unsigned char>(10 + 240 * std::exp(-d2 / 60.0)));
            }
        bytes += data.leftJustified(((data.size() + 2879) / 2880) * 2880, '\0');
        const QString file = m_dir.filePath(QStringLiteral("blob.fits"));
        QFile f(file);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size()) return {};
        return file;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        if (tool("dpkg-deb").isEmpty()) QSKIP("dpkg-deb is not installed: no .deb to check");
        m_env = cleanEnvironment(m_dir.path());

        // cpack first builds the "preinstall" target: up to date after a full build.
        const QString out = m_dir.filePath(QStringLiteral("packages"));
        QElapsedTimer timer;
        timer.start();
        const Run cpack = run(QStringLiteral(COSMOCLIP_CPACK),
                              {QStringLiteral("--config"), QStringLiteral(COSMOCLIP_BINARY_DIR "/CPackConfig.cmake"),
                               QStringLiteral("-G"), QStringLiteral("DEB;TGZ"), QStringLiteral("-B"), out},
                              QProcessEnvironment::systemEnvironment(), 500000);
        QVERIFY2(cpack.ok && cpack.exitCode == 0, qPrintable(cpack.out + cpack.err));
        qInfo("cpack -G DEB;TGZ: %.1f s", timer.elapsed() / 1000.0);
        const QDir dir(out);
        const QStringList debs = dir.entryList({QStringLiteral("cosmoclip_*.deb")}, QDir::Files);
        const QStringList tgzs = dir.entryList({QStringLiteral("cosmoclip-*.tar.gz")}, QDir::Files);
        QCOMPARE(debs.size(), 1);
        QCOMPARE(tgzs.size(), 1);
        m_deb = dir.filePath(debs.first());
        m_tgz = dir.filePath(tgzs.first());
        QVERIFY2(debs.first().startsWith(QStringLiteral("cosmoclip_" COSMOCLIP_VERSION "_")), qPrintable(debs.first()));

        m_root = m_dir.filePath(QStringLiteral("root"));
        const Run x = run(tool("dpkg-deb"), {QStringLiteral("-x"), m_deb, m_root}, m_env);
        QVERIFY2(x.ok && x.exitCode == 0, qPrintable(x.err));

        const QString tarDir = m_dir.filePath(QStringLiteral("tar"));
        QVERIFY(QDir().mkpath(tarDir));
        const Run t = run(tool("tar"), {QStringLiteral("-xzf"), m_tgz, QStringLiteral("-C"), tarDir}, m_env);
        QVERIFY2(t.ok && t.exitCode == 0, qPrintable(t.err));
        const QStringList top = QDir(tarDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QCOMPARE(top.size(), 1);
        m_tarRoot = QDir(tarDir).filePath(top.first());
    }

    void debDependsOnTheRuntimeLibraries() {
        const Run info = run(tool("dpkg-deb"), {QStringLiteral("-f"), m_deb, QStringLiteral("Depends")}, m_env);
        QVERIFY2(info.ok && info.exitCode == 0, qPrintable(info.err));
        const QString depends = info.out.simplified();
        qInfo("Depends: %s", qPrintable(depends));
        // Package names carry sonames (libtorch1.13, libopencv-core406, libcfitsio10): match their stems.
        for (const char* stem : {"libtorch", "libqt6core6", "libqt6gui6", "libqt6widgets6", "libqt6charts6",
                                 "libopencv-core", "libopencv-imgcodecs", "libcfitsio", "libsqlite3-0",
                                 "libopenblas0-pthread", "qt6-qpa-plugins", "libc6"}) {
            const QRegularExpression re(QStringLiteral("(^|[ ,|])%1[^ ,|]*").arg(QRegularExpression::escape(QLatin1String(stem))));
            QVERIFY2(depends.contains(re), stem);
        }
    }

    void layoutIsComplete() {
        QStringList expected = {QStringLiteral("bin/cosmoclip"), QStringLiteral("bin/cosmoclip-gui"),
                                QStringLiteral("share/applications/%1.desktop").arg(kAppId),
                                QStringLiteral("share/metainfo/%1.metainfo.xml").arg(kAppId),
                                QStringLiteral("share/mime/packages/%1.xml").arg(kAppId),
                                QStringLiteral("share/icons/hicolor/scalable/apps/%1.svg").arg(kAppId)};
        for (const int px : {16, 24, 32, 48, 64, 128, 256})
            expected << QStringLiteral("share/icons/hicolor/%1x%1/apps/%2.png").arg(px).arg(kAppId);
        for (const char* f : {"model.safetensors", "config.json", "vocab.json", "merges.txt", "preprocessor_config.json",
                              "prompt_templates.txt", "README.md", "eval-test.json"})
            expected << QStringLiteral("share/cosmoclip/models/cosmoclip-default/") + QLatin1String(f);
        for (const QString& e : expected) QVERIFY2(QFileInfo::exists(usr(e)), qPrintable(e));
        for (const char* exe : {"bin/cosmoclip", "bin/cosmoclip-gui"})
            QVERIFY2(QFileInfo(usr(QLatin1String(exe))).isExecutable(), exe);
        // Each PNG is the size its folder says.
        for (const int px : {16, 48, 256}) {
            const QImage icon(usr(QStringLiteral("share/icons/hicolor/%1x%1/apps/%2.png").arg(px).arg(kAppId)));
            QCOMPARE(icon.size(), QSize(px, px));
        }
        // The archive holds the same tree without the /usr prefix.
        for (const char* f : {"bin/cosmoclip", "bin/cosmoclip-gui", "share/cosmoclip/models/cosmoclip-default/model.safetensors"})
            QVERIFY2(QFileInfo::exists(m_tarRoot + QLatin1Char('/') + QLatin1String(f)), f);
    }

    void installedCliPrintsItsVersion() {
        const Run r = run(usr(QStringLiteral("bin/cosmoclip")), {QStringLiteral("--version")}, m_env);
        QVERIFY2(r.ok && r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out.trimmed(), QStringLiteral("cosmoclip " COSMOCLIP_VERSION));
    }

    void installedCliEmbedsWithItsOwnModel() {
        const QString png = writePng(), fits = writeFits();
        QVERIFY(!png.isEmpty() && !fits.isEmpty());
        const QStringList args = {QStringLiteral("embed"), QStringLiteral("--image"), png, QStringLiteral("--image"), fits,
                                  QStringLiteral("--text"), QStringLiteral("a spiral galaxy"), QStringLiteral("--json")};
        const Run r = run(usr(QStringLiteral("bin/cosmoclip")), args, m_env);
        QVERIFY2(r.ok && r.exitCode == 0, qPrintable(r.err));
        const nlohmann::json installed = nlohmann::json::parse(r.out.toStdString(), nullptr, false);
        QVERIFY2(!installed.is_discarded(), qPrintable(r.out.left(400)));
        // The built-in model of the unpacked package, not the source tree's copy compiled in as a fallback.
        const QString modelPath = QString::fromStdString(installed["model"]["path"].get<std::string>());
        QVERIFY2(isInside(modelPath, m_root), qPrintable(modelPath));
        QCOMPARE(QFileInfo(modelPath).canonicalFilePath(),
                 QFileInfo(usr(QStringLiteral("share/cosmoclip/models/cosmoclip-default"))).canonicalFilePath());
        const int dim = installed["model"]["embed_dim"].get<int>();
        QVERIFY(dim > 0);
        QCOMPARE(installed["images"].size(), size_t(2));
        QCOMPARE(installed["texts"].size(), size_t(1));

        // The same vectors as the build tree's binary with the source tree's model.
        const CliResult built = runCli(args);
        QVERIFY2(built.exitCode == 0, qPrintable(built.err));
        const nlohmann::json reference = built.json();
        for (const char* kind : {"images", "texts"}) {
            for (size_t i = 0; i < installed[kind].size(); ++i) {
                const std::vector<double> a = embedding(installed[kind][i]), b = embedding(reference[kind][i]);
                QCOMPARE(int(a.size()), dim);
                double norm = 0;
                for (const double v : a) norm += v * v;
                QVERIFY2(std::abs(std::sqrt(norm) - 1.0) < 1e-4, "embeddings are L2-normalised");
                QVERIFY2(cosine(a, b) > 0.99999, kind);
            }
        }
    }

    void unpackedArchiveRunsFromAnywhere() {
        const QString cli = m_tarRoot + QStringLiteral("/bin/cosmoclip");
        Run r = run(cli, {QStringLiteral("--version")}, m_env);
        QVERIFY2(r.ok && r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out.trimmed(), QStringLiteral("cosmoclip " COSMOCLIP_VERSION));
        r = run(cli, {QStringLiteral("embed"), QStringLiteral("--text"), QStringLiteral("a planetary nebula"), QStringLiteral("--json")},
                m_env);
        QVERIFY2(r.ok && r.exitCode == 0, qPrintable(r.err));
        const nlohmann::json j = nlohmann::json::parse(r.out.toStdString(), nullptr, false);
        QVERIFY(!j.is_discarded());
        const QString modelPath = QString::fromStdString(j["model"]["path"].get<std::string>());
        QVERIFY2(isInside(modelPath, m_tarRoot), qPrintable(modelPath));
    }

    void installedGuiOpensAFileFromItsCommandLine() {
        const QString gui = usr(QStringLiteral("bin/cosmoclip-gui"));
        Run r = run(gui, {QStringLiteral("--version")}, m_env);
        QVERIFY2(r.ok && r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral(COSMOCLIP_VERSION)), qPrintable(r.out));
        // As a file manager runs the .desktop entry; --screenshot exits 0 once the image is shown.
        const QString fits = writeFits(), shot = m_dir.filePath(QStringLiteral("opened.png"));
        r = run(gui, {fits, QStringLiteral("--screenshot"), shot, QStringLiteral("--size"), QStringLiteral("640x480")}, m_env);
        QVERIFY2(r.ok && r.exitCode == 0, qPrintable(r.err));
        QVERIFY(!QImage(shot).isNull());
    }

    void installedGuiUsesItsOwnModel() {
        // A new catalog has no model: the window takes the built-in one, which it registers there.
        const QString catalog = m_dir.filePath(QStringLiteral("gui.sqlite")), shot = m_dir.filePath(QStringLiteral("models.png"));
        const Run r = run(usr(QStringLiteral("bin/cosmoclip-gui")),
                          {QStringLiteral("--catalog"), catalog, QStringLiteral("--dialog"), QStringLiteral("models"),
                           QStringLiteral("--screenshot"), shot},
                          m_env);
        QVERIFY2(r.ok && r.exitCode == 0, qPrintable(r.err));
        QByteArray bytes;
        for (const QString& suffix : {QString(), QStringLiteral("-wal")}) {
            QFile f(catalog + suffix);
            if (f.open(QIODevice::ReadOnly)) bytes += f.readAll();
        }
        const QByteArray model =
            QFile::encodeName(QFileInfo(usr(QStringLiteral("share/cosmoclip/models/cosmoclip-default"))).canonicalFilePath());
        QVERIFY2(bytes.contains(model), "the catalog names the package's model");
        QVERIFY2(!bytes.contains(QByteArrayLiteral(COSMOCLIP_SOURCE_DIR "/models/")), "not the source tree's");
    }

    void desktopEntryValidates() {
        const QString validator = tool("desktop-file-validate");
        if (validator.isEmpty()) QSKIP("desktop-file-validate is not installed (package desktop-file-utils)");
        const QString file = usr(QStringLiteral("share/applications/%1.desktop").arg(kAppId));
        const Run r = run(validator, {file}, m_env);
        QVERIFY2(r.ok && r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY2(!(r.out + r.err).contains(QStringLiteral("error:")), qPrintable(r.out + r.err));
        // What it names is installed: the program (Exec and TryExec), the icon, the MIME types.
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(f.readAll());
        QVERIFY(text.contains(QStringLiteral("\nExec=cosmoclip-gui %F\n")));
        QVERIFY(text.contains(QStringLiteral("\nIcon=%1\n").arg(kAppId)));
        QVERIFY(text.contains(QStringLiteral("application/fits;")));
        QVERIFY(text.contains(QStringLiteral("image/fits;")));
        QVERIFY(text.contains(QStringLiteral("application/x-compressed-fits;")));
    }

    void metainfoValidates() {
        const QString validator = tool("appstreamcli");
        if (validator.isEmpty()) QSKIP("appstreamcli is not installed (package appstream)");
        const QString file = usr(QStringLiteral("share/metainfo/%1.metainfo.xml").arg(kAppId));
        const Run r = run(validator, {QStringLiteral("validate"), QStringLiteral("--no-net"), file}, m_env);
        QVERIFY2(r.ok && r.exitCode == 0, qPrintable(r.out + r.err));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(f.readAll());
        QVERIFY2(text.contains(QStringLiteral("<release version=\"" COSMOCLIP_VERSION "\"")), "release of this version");
        QVERIFY(text.contains(QStringLiteral("<launchable type=\"desktop-id\">%1.desktop</launchable>").arg(kAppId)));
        QVERIFY(!text.contains(QLatin1Char('@')));  // every @VAR@ configured
    }

    void mimePackageAddsFitsNames() {
        const QString updater = tool("update-mime-database");
        if (updater.isEmpty()) QSKIP("update-mime-database is not installed (package shared-mime-info)");
        const QString system = QStringLiteral("/usr/share/mime/packages/freedesktop.org.xml");
        if (!QFileInfo::exists(system)) QSKIP("no freedesktop.org.xml to merge with");
        // A private MIME database from the system's definitions plus the package's.
        const QString db = m_dir.filePath(QStringLiteral("mime"));
        QVERIFY(QDir().mkpath(db + QStringLiteral("/packages")));
        QVERIFY(QFile::copy(system, db + QStringLiteral("/packages/freedesktop.org.xml")));
        QVERIFY(QFile::copy(usr(QStringLiteral("share/mime/packages/%1.xml").arg(kAppId)),
                            db + QStringLiteral("/packages/%1.xml").arg(kAppId)));
        // It reports invalid entries on stderr only (exit status 0), and notes a folder outside
        // the XDG search path there too: point the search path at the private database.
        QProcessEnvironment env = m_env;
        env.insert(QStringLiteral("XDG_DATA_DIRS"), m_dir.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.path());
        const Run r = run(updater, {db}, env);
        QVERIFY2(r.ok && r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.err.trimmed().isEmpty(), qPrintable(r.err));
        QFile globs(db + QStringLiteral("/globs2"));
        QVERIFY(globs.open(QIODevice::ReadOnly));
        const QString g = QString::fromUtf8(globs.readAll());
        for (const char* line : {"application/fits:*.fits\n", "application/fits:*.fit\n", "application/fits:*.fts\n",
                                 "application/fits:*.fits.fz\n", "application/x-compressed-fits:*.fits.gz\n"})
            QVERIFY2(g.contains(QLatin1String(line)), line);
        QFile sub(db + QStringLiteral("/subclasses"));
        QVERIFY(sub.open(QIODevice::ReadOnly));
        QVERIFY(QString::fromUtf8(sub.readAll()).contains(QStringLiteral("application/x-compressed-fits application/gzip")));
    }
};

QTEST_GUILESS_MAIN(TestPackage)
#include "tst_package.moc"
