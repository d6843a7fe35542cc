#pragma once

#include <QString>
#include <QStringList>

namespace cosmoclip {

/// The language of the window: the user's choice (QSettings `ui/language`: "system", "en", "ru"),
/// what "system" means here, and the translators that carry it out. The app's translations are
/// compiled into the binary (`:/i18n/cosmoclip_CODE.qm`, from translations/cosmoclip_CODE.ts), so an
/// installed or moved binary finds them; Qt's own (`qtbase_CODE.qm`, standard dialogs and context
/// menus) are read from Qt's translations folder or a `translations` folder beside the binary when
/// there. English needs no file beyond the plural forms, which every program linking cosmoclip_ui
/// gets at start (englishplurals.cpp).
class Language {
public:
    /// The languages the app has a translation for: "en", "ru".
    static QStringList available();
    /// A language's name in that language ("English", "Русский"): how a menu offers it.
    static QString nativeName(const QString& code);

    /// The stored choice: "system" (the default) or a code of available().
    static QString choice();
    static void setChoice(const QString& choice);
    /// The language a choice means: "system" is the first of the system's UI languages that the
    /// app has, else English; an unknown code is English too.
    static QString resolve(const QString& choice);

    /// Installs the translators for `code` (replacing those of an earlier call) and returns whether
    /// the app's translation was found. Call once QCoreApplication exists, before building widgets:
    /// texts are translated as widgets are made.
    static bool install(const QString& code);
    /// The language install() set ("en" before any call).
    static QString current();
};

}  // namespace cosmoclip
