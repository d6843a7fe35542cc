#include "language.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QPointer>
#include <QSettings>
#include <QTranslator>

namespace cosmoclip {

namespace {

const QString kLanguageKey = QStringLiteral("ui/language");
const QString kSystem = QStringLiteral("system");
const QString kEnglish = QStringLiteral("en");

// The translators of the current language, owned by the application object.
QPointer<QTranslator> g_app;
QPointer<QTranslator> g_qt;
QString g_current = kEnglish;

void drop(QPointer<QTranslator>& translator) {
    if (!translator) return;
    QCoreApplication::removeTranslator(translator);
    delete translator;
}

// Qt's own strings for `code`: Qt's translations folder first, then one beside the binary (where
// windeployqt and relocatable packages put them).
QTranslator* loadQtTranslator(const QString& code) {
    auto* translator = new QTranslator(QCoreApplication::instance());
    const QStringList folders = {QLibraryInfo::path(QLibraryInfo::TranslationsPath),
                                 QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("translations"))};
    for (const QString& folder : folders) {
        if (translator->load(QStringLiteral("qtbase_") + code, folder)) return translator;
    }
    delete translator;
    return nullptr;
}

}  // namespace

QStringList Language::available() {
    return {kEnglish, QStringLiteral("ru")};
}

QString Language::nativeName(const QString& code) {
    if (code == QLatin1String("ru")) return QStringLiteral("\u0420\u0443\u0441\u0441\u043a\u0438\u0439");
    if (code == kEnglish) return QStringLiteral("English");
    return code;
}

QString Language::choice() {
    const QString stored = QSettings().value(kLanguageKey, kSystem).toString();
    return available().contains(stored) ? stored : kSystem;
}

void Language::setChoice(const QString& choice) {
    QSettings().setValue(kLanguageKey, available().contains(choice) ? choice : kSystem);
}

QString Language::resolve(const QString& choice) {
    if (available().contains(choice)) return choice;
    if (choice != kSystem) return kEnglish;
    for (const QString& ui : QLocale::system().uiLanguages()) {
        const QString code = ui.section(QLatin1Char('-'), 0, 0).toLower();
        if (available().contains(code)) return code;
    }
    return kEnglish;
}

bool Language::install(const QString& code) {
    drop(g_app);
    drop(g_qt);
    g_current = kEnglish;
    // English is the source language: the plural forms are installed at start, nothing else is needed.
    if (code == kEnglish || !available().contains(code)) return code == kEnglish;
    auto* app = new QTranslator(QCoreApplication::instance());
    if (!app->load(QStringLiteral(":/i18n/cosmoclip_") + code + QStringLiteral(".qm"))) {
        delete app;
        return false;
    }
    QCoreApplication::installTranslator(app);
    g_app = app;
    if (QTranslator* qt = loadQtTranslator(code)) {
        QCoreApplication::installTranslator(qt);
        g_qt = qt;
    }
    g_current = code;
    return true;
}

QString Language::current() {
    return g_current;
}

}  // namespace cosmoclip
