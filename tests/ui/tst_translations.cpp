// The Russian translation is complete, up to date and in use:
//  - translations/cosmoclip_ru.ts: every message finished and non-empty, with the source's
//    placeholders (%1, %n) and as many & accelerators, three plural forms (Russian has three);
//    cosmoclip_en.ts: both English plural forms of every "%n ..." message;
//  - lupdate (Qt's, as CMake found it) over ui/ and app/gui/ finds no text that the committed files
//    lack: a tr() added without its translation fails here;
//  - with Russian installed, the main window (a catalog open, an image selected, labels computed),
//    the model manager, every page of the fine-tune wizard and the training dashboard after a tiny
//    run show no Latin word outside a short list of names, units and the user's own data.
#include <QAbstractItemModel>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QAction>
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDirIterator>
#include <QDockWidget>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>
#include <QValueAxis>
#include <QWizard>
#include <QXmlStreamReader>
#include <set>

#include "catalog/catalog.h"
#include "catalogbrowser.h"
#include "catalogcontroller.h"
#include "catalogfixture.h"
#include "finetunewizard.h"
#include "finetunewizardpage.h"
#include "hubdownloaddialog.h"
#include "imagegridmodel.h"
#include "language.h"
#include "mainwindow.h"
#include "modelmanagerdialog.h"
#include "querybar.h"
#include "trainingdashboard.h"

using namespace cosmoclip;

namespace {

const QString kSourceDir = QStringLiteral(COSMOCLIP_SOURCE_DIR);

struct TsMessage {
    QString context;
    QString source;
    QString comment;
    bool numerus = false;
    QString type;          // "unfinished", "vanished", "obsolete" or empty (finished)
    QStringList forms;     // the translation, or its plural forms
    QString key() const { return context + QLatin1Char('|') + source + QLatin1Char('|') + comment; }
    QString name() const { return context + QStringLiteral(": \"") + source + QLatin1Char('"'); }
};

struct TsFile {
    QString language;
    QList<TsMessage> messages;
    QString error;
};

TsFile readTs(const QString& path) {
    TsFile ts;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ts.error = path + QStringLiteral(": cannot open");
        return ts;
    }
    QXmlStreamReader xml(&file);
    QString context;
    TsMessage message;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement()) continue;
        const auto name = xml.name();
        if (name == QLatin1String("TS")) {
            ts.language = xml.attributes().value(QLatin1String("language")).toString();
        } else if (name == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (name == QLatin1String("message")) {
            message = TsMessage();
            message.context = context;
            message.numerus = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
        } else if (name == QLatin1String("source")) {
            message.source = xml.readElementText();
        } else if (name == QLatin1String("comment")) {
            message.comment = xml.readElementText();
        } else if (name == QLatin1String("translation")) {
            message.type = xml.attributes().value(QLatin1String("type")).toString();
            if (message.numerus) {
                while (xml.readNextStartElement()) message.forms << xml.readElementText();  // <numerusform>
            } else {
                message.forms << xml.readElementText();
            }
            ts.messages << message;
        }
    }
    if (xml.hasError()) ts.error = path + QStringLiteral(": ") + xml.errorString();
    return ts;
}

/// The placeholders of a text (%1 ... %99, %n), each once, sorted.
QStringList placeholders(const QString& text) {
    static const QRegularExpression re(QStringLiteral("%(\\d{1,2}|n)"));
    std::set<QString> found;
    for (const auto& m : re.globalMatch(text)) found.insert(m.captured(0));
    return QStringList(found.begin(), found.end());
}

/// Keyboard accelerators: single & not part of "&&" or an HTML entity (&lt;, &#8230;).
int accelerators(const QString& text) {
    static const QRegularExpression entity(QStringLiteral("^&(#\\d+|[a-zA-Z]+);"));
    int n = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] != QLatin1Char('&')) continue;
        if (i + 1 < text.size() && text[i + 1] == QLatin1Char('&')) {
            ++i;
            continue;
        }
        if (entity.match(QStringView(text).mid(i)).hasMatch()) continue;
        ++n;
    }
    return n;
}

/// What is wrong with one message of a file for `forms` plural forms, or nothing.
QStringList problems(const TsMessage& m, int forms) {
    QStringList out;
    if (!m.type.isEmpty()) out << m.name() + QStringLiteral(" is ") + m.type;
    if (m.numerus && m.forms.size() != forms)
        out << m.name() + QStringLiteral(" has %1 plural forms, not %2").arg(m.forms.size()).arg(forms);
    for (const QString& t : m.forms) {
        if (t.trimmed().isEmpty()) {
            out << m.name() + QStringLiteral(" has an empty translation");
            continue;
        }
        if (placeholders(t) != placeholders(m.source))
            out << m.name() + QStringLiteral(": placeholders %1 in \"%2\", the source has %3")
                                  .arg(placeholders(t).join(QLatin1Char(' ')), t, placeholders(m.source).join(QLatin1Char(' ')));
        if (accelerators(t) != accelerators(m.source))
            out << m.name() + QStringLiteral(": %1 accelerators (&) in \"%2\", the source has %3")
                                  .arg(accelerators(t)).arg(t).arg(accelerators(m.source));
    }
    return out;
}

QString tsPath(const QString& language) {
    return kSourceDir + QStringLiteral("/translations/cosmoclip_") + language + QStringLiteral(".ts");
}

// --- the sweep --------------------------------------------------------------------------------

/// Latin words a Russian window may show: names, units, formats, FITS keywords, metric names, the
/// header-filter and command syntax, keys on the keyboard.
const QStringList kAllowedWords = {
    QStringLiteral("CosmoCLIP"), QStringLiteral("cosmoclip"), QStringLiteral("CLIP"), QStringLiteral("OpenAI"),
    QStringLiteral("Hugging"), QStringLiteral("Face"), QStringLiteral("open_clip"), QStringLiteral("PyTorch"),
    QStringLiteral("TorchScript"), QStringLiteral("CUDA"), QStringLiteral("SHA-256"), QStringLiteral("ViT"),
    QStringLiteral("gelu"), QStringLiteral("quick_gelu"), QStringLiteral("SQLite"), QStringLiteral("English"),
    QStringLiteral("FITS"), QStringLiteral("PNG"), QStringLiteral("JPEG"), QStringLiteral("TIFF"), QStringLiteral("HDU"),
    QStringLiteral("BITPIX"), QStringLiteral("NAXIS3"), QStringLiteral("BLANK"), QStringLiteral("NaN"), QStringLiteral("RGB"),
    QStringLiteral("ZScale"), QStringLiteral("OBJECT"), QStringLiteral("TELESCOP"), QStringLiteral("INSTRUME"),
    QStringLiteral("FILTER"), QStringLiteral("DATE-OBS"), QStringLiteral("EXPTIME"), QStringLiteral("RA"), QStringLiteral("Dec"),
    QStringLiteral("uint8"), QStringLiteral("int16"), QStringLiteral("int32"), QStringLiteral("int64"), QStringLiteral("float32"),
    QStringLiteral("float64"), QStringLiteral("top-1"), QStringLiteral("top-5"), QStringLiteral("R@1"), QStringLiteral("R@5"),
    QStringLiteral("R@10"), QStringLiteral("zero-shot"), QStringLiteral("annotate"), QStringLiteral("finetune"),
    QStringLiteral("eval"), QStringLiteral("object"), QStringLiteral("telescope"), QStringLiteral("instrument"),
    QStringLiteral("filter"), QStringLiteral("format"), QStringLiteral("date-obs"), QStringLiteral("M51"),
    QStringLiteral("Ctrl"), QStringLiteral("Shift"), QStringLiteral("Alt"), QStringLiteral("Esc"), QStringLiteral("Enter"),
    QStringLiteral("PageUp"), QStringLiteral("PageDown"), QStringLiteral("last"), QStringLiteral("safetensors"),
    QStringLiteral("HF_TOKEN"), QStringLiteral("HF_ENDPOINT"), QStringLiteral("main")};
/// Phrases kept in English on purpose: example queries (CLIP reads English) and the caption template.
const QStringList kAllowedPhrases = {QStringLiteral("spiral galaxy"), QStringLiteral("planetary nebula"),
                                     QStringLiteral("globular cluster"), QStringLiteral("red emission nebula"),
                                     QStringLiteral("dust lanes"), QStringLiteral("a photo of a")};

class Sweep {
public:
    explicit Sweep(QStringList data) : m_data(std::move(data)) {}

    /// The Latin words of `text` that are not allowed, empty when all are.
    QStringList englishWords(QString text) const {
        static const QRegularExpression tags(QStringLiteral("<[^>]*>|&[a-zA-Z]+;|&#\\d+;"));
        static const QRegularExpression paths(QStringLiteral("\\S*[/\\\\]\\S*"));
        static const QRegularExpression files(QStringLiteral("[\\w\\-]*\\.(png|fits|fit|sqlite|db|json|txt|gz|pt|safetensors)\\b"));
        // The user's and the catalog's own words: “quoted” texts (captions), hashes, ISO dates.
        static const QRegularExpression data(QStringLiteral("\u201c[^\u201d]*\u201d|\\b[0-9a-f]{12,}\\b|\\d{4}-\\d\\d-\\d\\dT[\\d:]+"));
        // Words, not the exponent of a number (5e-05).
        static const QRegularExpression words(QStringLiteral("(?<![0-9A-Za-z_.])[A-Za-z][A-Za-z0-9_@\\-]*"));
        static const QRegularExpression keys(QStringLiteral("^([A-Z]|F\\d{1,2})$"));  // Ctrl+O, F11, N = 2
        text.remove(tags).remove(paths).remove(files).remove(data);
        for (const QString& p : kAllowedPhrases + m_data) text.remove(p);
        QStringList bad;
        for (const auto& m : words.globalMatch(text)) {
            const QString w = m.captured(0);
            if (!kAllowedWords.contains(w) && !keys.match(w).hasMatch()) bad << w;
        }
        return bad;
    }

    void check(const QString& where, const QString& text) {
        if (text.isEmpty()) return;
        ++m_checked;
        static const bool dump = qEnvironmentVariableIsSet("COSMOCLIP_SWEEP_DUMP");  // to read the screens' texts
        if (dump) qInfo("%s: %s", qPrintable(where), qPrintable(text));
        const QStringList bad = englishWords(text);
        if (!bad.isEmpty())
            m_found << QStringLiteral("%1: \"%2\" (%3)").arg(where, text.left(160), bad.join(QStringLiteral(", ")));
    }

    /// Every text of `root` and of its children that are visible with it.
    void widgetTree(QWidget* root, const QString& where) {
        QList<QWidget*> widgets = root->findChildren<QWidget*>();
        widgets.prepend(root);
        for (QWidget* w : widgets) {
            if (w != root && !w->isVisibleTo(root)) continue;
            const QString at = where + QLatin1Char('/') + (w->objectName().isEmpty() ? QString::fromLatin1(w->metaObject()->className()) : w->objectName());
            widget(w, at);
        }
        for (QAction* a : root->findChildren<QAction*>()) action(a, where);
    }

    void action(QAction* a, const QString& where) {
        const QString at = where + QStringLiteral("/action");
        check(at, a->text());
        if (a->toolTip() != QString(a->text()).remove(QLatin1Char('&'))) check(at + QStringLiteral(" tooltip"), a->toolTip());
        check(at + QStringLiteral(" status tip"), a->statusTip());
    }

    void widget(QWidget* w, const QString& at) {
        if (w->isWindow() || qobject_cast<QDockWidget*>(w)) check(at + QStringLiteral(" title"), w->windowTitle());
        check(at + QStringLiteral(" tooltip"), w->toolTip());
        check(at + QStringLiteral(" status tip"), w->statusTip());
        check(at + QStringLiteral(" what's this"), w->whatsThis());
        if (auto* l = qobject_cast<QLabel*>(w)) check(at, l->text());
        if (auto* b = qobject_cast<QAbstractButton*>(w)) check(at, b->text());
        if (auto* e = qobject_cast<QLineEdit*>(w)) check(at + QStringLiteral(" placeholder"), e->placeholderText());
        if (auto* e = qobject_cast<QPlainTextEdit*>(w)) check(at + QStringLiteral(" placeholder"), e->placeholderText());
        if (auto* g = qobject_cast<QGroupBox*>(w)) check(at, g->title());
        if (auto* p = qobject_cast<QProgressBar*>(w)) check(at, p->text());
        if (auto* s = qobject_cast<QSpinBox*>(w)) check(at, s->prefix() + s->suffix() + s->specialValueText());
        if (auto* c = qobject_cast<QComboBox*>(w))
            for (int i = 0; i < c->count(); ++i) check(at + QStringLiteral(" item"), c->itemText(i));
        if (auto* t = qobject_cast<QTabWidget*>(w))
            for (int i = 0; i < t->count(); ++i) check(at + QStringLiteral(" tab"), t->tabText(i) + QLatin1Char(' ') + t->tabToolTip(i));
        if (auto* m = qobject_cast<QMenu*>(w)) check(at + QStringLiteral(" menu"), m->title());
        if (auto* s = qobject_cast<QStatusBar*>(w)) check(at + QStringLiteral(" message"), s->currentMessage());
        if (auto* v = qobject_cast<QAbstractItemView*>(w)) model(v->model(), at);
        if (auto* c = qobject_cast<QChartView*>(w)) chart(c->chart(), at);
        if (auto* p = qobject_cast<QWizardPage*>(w)) check(at + QStringLiteral(" page"), p->title() + QLatin1Char(' ') + p->subTitle());
    }

    void model(const QAbstractItemModel* m, const QString& at, const QModelIndex& parent = {}, int depth = 0) {
        if (!m) return;
        if (!parent.isValid()) {
            for (int c = 0; c < m->columnCount(); ++c) check(at + QStringLiteral(" header"), m->headerData(c, Qt::Horizontal).toString());
            for (int r = 0; r < std::min(m->rowCount(), 100); ++r) check(at + QStringLiteral(" row header"), m->headerData(r, Qt::Vertical).toString());
        }
        for (int r = 0; r < std::min(m->rowCount(parent), 100); ++r) {
            for (int c = 0; c < m->columnCount(parent); ++c) {
                const QModelIndex i = m->index(r, c, parent);
                check(at + QStringLiteral(" cell"), i.data(Qt::DisplayRole).toString());
                check(at + QStringLiteral(" cell tooltip"), i.data(Qt::ToolTipRole).toString());
                if (c == 0 && depth < 4) model(m, at, i, depth + 1);
            }
        }
    }

    void chart(const QChart* c, const QString& at) {
        check(at + QStringLiteral(" chart"), c->title());
        for (const QAbstractAxis* axis : c->axes()) check(at + QStringLiteral(" axis"), axis->titleText());
        for (const QAbstractSeries* s : c->series()) check(at + QStringLiteral(" series"), s->name());
    }

    QStringList found() const { return m_found; }
    int checked() const { return m_checked; }

private:
    int m_checked = 0;
    QStringList m_data;  // the user's own words on screen: model, file and label names
    QStringList m_found;
};

}  // namespace

class TestTranslations : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_catalogPath;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("CosmoCLIP"));
        QCoreApplication::setApplicationName(QStringLiteral("CosmoCLIP-translation-tests"));
        QSettings().clear();
        QVERIFY(m_dir.isValid());
    }

    void cleanup() { Language::install(QStringLiteral("en")); }

    void russianFileIsComplete() {
        const TsFile ts = readTs(tsPath(QStringLiteral("ru")));
        QVERIFY2(ts.error.isEmpty(), qPrintable(ts.error));
        QCOMPARE(ts.language, QStringLiteral("ru_RU"));
        QVERIFY(ts.messages.size() > 300);
        QStringList found;
        for (const TsMessage& m : ts.messages) found += problems(m, 3);
        QVERIFY2(found.isEmpty(), qPrintable(found.join(QLatin1Char('\n'))));
    }

    void englishPluralsAreComplete() {
        const TsFile ts = readTs(tsPath(QStringLiteral("en")));
        QVERIFY2(ts.error.isEmpty(), qPrintable(ts.error));
        QStringList found;
        for (const TsMessage& m : ts.messages) {
            if (!m.numerus) found << m.name() + QStringLiteral(" is not a plural message (lupdate -pluralonly)");
            found += problems(m, 2);
        }
        QVERIFY2(found.isEmpty(), qPrintable(found.join(QLatin1Char('\n'))));
    }

    // lupdate over the sources, into a new file: each text must be translated in the committed files.
    void filesMatchTheSources() {
        const QString fresh = m_dir.filePath(QStringLiteral("fresh_ru.ts"));
        QProcess lupdate;
        lupdate.setProcessChannelMode(QProcess::MergedChannels);
        lupdate.start(QStringLiteral(COSMOCLIP_LUPDATE),
                      {kSourceDir + QStringLiteral("/ui"), kSourceDir + QStringLiteral("/app/gui"), QStringLiteral("-locations"),
                       QStringLiteral("none"), QStringLiteral("-ts"), fresh});
        QVERIFY2(lupdate.waitForFinished(60000), COSMOCLIP_LUPDATE);
        const QString log = QString::fromLocal8Bit(lupdate.readAll());
        QVERIFY2(lupdate.exitStatus() == QProcess::NormalExit && lupdate.exitCode() == 0, qPrintable(log));
        // lupdate's diagnostics ("FILE:LINE: Class 'X' lacks Q_OBJECT macro", a tr() it cannot place)
        // mean texts filed under another context than the one the app asks for.
        static const QRegularExpression diagnostic(QStringLiteral("\\.(cpp|h):\\d+:|[Ww]arning|[Ee]rror"));
        QVERIFY2(!diagnostic.match(log).hasMatch(), qPrintable(log));
        const TsFile sources = readTs(fresh);
        QVERIFY2(sources.error.isEmpty(), qPrintable(sources.error));
        QVERIFY(sources.messages.size() > 300);

        QHash<QString, TsMessage> ru, en;
        for (const TsMessage& m : readTs(tsPath(QStringLiteral("ru"))).messages) ru.insert(m.key(), m);
        for (const TsMessage& m : readTs(tsPath(QStringLiteral("en"))).messages) en.insert(m.key(), m);
        QStringList missing;
        for (const TsMessage& m : sources.messages) {
            const auto it = ru.constFind(m.key());
            if (it == ru.constEnd() || !it->type.isEmpty())
                missing << QStringLiteral("cosmoclip_ru.ts lacks ") + m.name();
            if (m.numerus && (!en.contains(m.key()) || !en.value(m.key()).type.isEmpty()))
                missing << QStringLiteral("cosmoclip_en.ts lacks the plural forms of ") + m.name();
        }
        for (const QString& m : missing) qWarning("%s", qPrintable(m));
        QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("Run `ninja update_translations` and translate (translations/README.md):\n") +
                                               missing.join(QLatin1Char('\n'))));
    }

    // lupdate reads "\u201ca" as one longer escape where C++ reads \u201c then "a": the text it files
    // is not the one the app asks for. Such texts must write the character itself.
    void noEscapeThatLupdateMisreads() {
        static const QRegularExpression misread(QStringLiteral("\\\\u[0-9A-Fa-f]{4}[0-9A-Fa-f]"));
        static const QRegularExpression translated(QStringLiteral("\\btr\\(|translate\\(|QT_TR"));
        QStringList found;
        for (const QString& folder : {QStringLiteral("/ui"), QStringLiteral("/app/gui")}) {
            QDirIterator it(kSourceDir + folder, {QStringLiteral("*.cpp"), QStringLiteral("*.h")}, QDir::Files,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                QFile file(it.next());
                QVERIFY(file.open(QIODevice::ReadOnly));
                int line = 0;
                for (const QString& text : QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'))) {
                    ++line;
                    if (misread.match(text).hasMatch() && translated.match(text).hasMatch())
                        found << QStringLiteral("%1:%2: %3").arg(file.fileName()).arg(line).arg(text.trimmed());
                }
            }
        }
        QVERIFY2(found.isEmpty(), qPrintable(found.join(QLatin1Char('\n'))));
    }

    void translationsAreEmbeddedAndPluralsFollowTheLanguage() {
        // English plural forms come with the library, without Language::install().
        auto images = [](int n) { return QCoreApplication::translate("cosmoclip::DisplayText", "%n image(s)", nullptr, n); };
        QCOMPARE(images(1), QStringLiteral("1 image"));
        QCOMPARE(images(2), QStringLiteral("2 images"));
        QVERIFY(QFile::exists(QStringLiteral(":/i18n/cosmoclip_ru.qm")));
        QVERIFY(Language::install(QStringLiteral("ru")));
        QCOMPARE(Language::current(), QStringLiteral("ru"));
        QCOMPARE(images(1), QStringLiteral("1 изображение"));
        QCOMPARE(images(3), QStringLiteral("3 изображения"));
        QCOMPARE(images(5), QStringLiteral("5 изображений"));
        QCOMPARE(images(11), QStringLiteral("11 изображений"));
        QCOMPARE(images(21), QStringLiteral("21 изображение"));
        QCOMPARE(images(24), QStringLiteral("24 изображения"));
        QVERIFY(Language::install(QStringLiteral("en")));
        QCOMPARE(images(5), QStringLiteral("5 images"));
        QCOMPARE(Language::resolve(QStringLiteral("ru")), QStringLiteral("ru"));
        QCOMPARE(Language::resolve(QStringLiteral("xx")), QStringLiteral("en"));
        QVERIFY(Language::available().contains(Language::resolve(QStringLiteral("system"))));
    }

    void languageMenuStoresTheChoice() {
        MainWindow window;
        window.show();
        auto* menu = window.findChild<QMenu*>(QStringLiteral("languageMenu"));
        QVERIFY(menu);
        QCOMPARE(menu->actions().size(), 3);  // System, English, Russian
        QCOMPARE(Language::choice(), QStringLiteral("system"));
        QAction* russian = nullptr;
        for (QAction* a : menu->actions())
            if (a->data().toString() == QLatin1String("ru")) russian = a;
        QVERIFY(russian);
        russian->trigger();
        QCOMPARE(QSettings().value(QStringLiteral("ui/language")).toString(), QStringLiteral("ru"));
        QCOMPARE(Language::choice(), QStringLiteral("ru"));
        QVERIFY(russian->isChecked());
        // The note says the change comes at the next start, without blocking the window.
        auto* note = window.findChild<QMessageBox*>(QStringLiteral("languageNote"));
        QVERIFY(note);
        QVERIFY(note->text().contains(QStringLiteral("Русский")));
        note->close();
        QSettings().remove(QStringLiteral("ui/language"));
        QCOMPARE(Language::choice(), QStringLiteral("system"));
    }

    void windowsShowNoEnglish() {
        // A catalog the model knows: eight images in two labelled classes.
        const QString images = m_dir.filePath(QStringLiteral("sky"));
        QVERIFY(QDir().mkpath(images));
        for (int i = 0; i < 8; ++i) catalogfixture::writeSkyPng(QDir(images).filePath(QStringLiteral("s%1.png").arg(i)), i);
        m_catalogPath = m_dir.filePath(QStringLiteral("catalog.sqlite"));
        {
            const auto model = catalogfixture::loadModel(m_catalogPath);
            catalogfixture::index(m_catalogPath, *model, {images});
            Catalog catalog(QFile::encodeName(m_catalogPath).toStdString());
            int i = 0;
            for (const auto& image : catalog.allImages())
                catalog.replaceLabels(image.id, "user", std::nullopt, {{i++ % 2 ? "spiral galaxy" : "globular cluster", 1.0}});
        }
        QVERIFY(Language::install(QStringLiteral("ru")));
        Sweep sweep({QStringLiteral("model-hf"), QStringLiteral("catalog"), QStringLiteral("sky"), QStringLiteral("best")});

        MainWindow window;
        window.resize(1300, 850);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        sweep.widgetTree(&window, QStringLiteral("empty window"));
        window.openCatalog(m_catalogPath);
        QTRY_VERIFY_WITH_TIMEOUT(window.catalog()->model() != nullptr, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isBusy(), 30000);
        ImageGridModel* grid = window.browser()->model();
        QCOMPARE(grid->rowCount(), 8);
        window.browser()->selectImage(grid->imageIdAt(0));
        window.queryBar()->setText(QStringLiteral("spiral galaxy, globular cluster"));
        window.queryBar()->submit();
        QTRY_VERIFY_WITH_TIMEOUT(!window.isBusy(), 30000);
        window.browser()->selectImage(grid->imageIdAt(1));
        QTRY_VERIFY_WITH_TIMEOUT(!window.isBusy(), 30000);
        sweep.widgetTree(&window, QStringLiteral("main window"));

        window.showModelManager();
        QVERIFY(window.modelManager()->isVisible());
        sweep.widgetTree(window.modelManager(), QStringLiteral("model manager"));
        {
            HubDownloadDialog download(window.modelManager());
            download.show();
            download.repoEdit()->setText(QStringLiteral("no-owner"));  // the hint for a malformed name
            sweep.widgetTree(&download, QStringLiteral("hub download"));
        }

        window.showFineTuneWizard();
        FineTuneWizard* wizard = window.fineTuneWizard();
        QVERIFY(wizard);
        QTRY_VERIFY_WITH_TIMEOUT(wizard->examplesLoaded(), 30000);
        const QString out = m_dir.filePath(QStringLiteral("tuned"));
        for (int page = 0; page < 4; ++page) {
            if (wizard->currentId() == FineTuneWizard::SettingsPage) {
                wizard->epochsBox()->setValue(1);
                wizard->batchBox()->setValue(4);
                wizard->outputEdit()->setText(out);
            }
            if (wizard->currentId() == FineTuneWizard::SummaryPage)
                QTRY_VERIFY_WITH_TIMEOUT(!wizard->estimateLabel()->text().endsWith(QStringLiteral("\u2026")), 30000);
            sweep.widgetTree(wizard, QStringLiteral("wizard page %1").arg(wizard->currentId()));
            if (wizard->currentId() == FineTuneWizard::SummaryPage) break;
            QVERIFY2(wizard->currentPage()->isComplete(), qPrintable(wizard->wizardPage(FineTuneWizard::PageId(wizard->currentId()))->message()));
            wizard->next();
        }
        QCOMPARE(wizard->currentId(), int(FineTuneWizard::SummaryPage));
        wizard->accept();  // Start: the dashboard runs one epoch
        TrainingDashboard* dashboard = window.trainingDashboard();
        QVERIFY(dashboard->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(dashboard->isTraining(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!dashboard->isTraining(), 60000);
        sweep.widgetTree(dashboard, QStringLiteral("dashboard"));

        QVERIFY2(sweep.checked() > 300, qPrintable(QString::number(sweep.checked())));  // the sweep saw the screens
        const QStringList found = sweep.found();
        for (const QString& f : found) qWarning("%s", qPrintable(f));  // all of them: QVERIFY2 cuts its message
        QVERIFY2(found.isEmpty(), qPrintable(QStringLiteral("English on a Russian screen:\n") + found.join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
