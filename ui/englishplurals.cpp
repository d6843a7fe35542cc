// English plural forms for every program that links cosmoclip_ui (the app and its tests): texts
// with counts are written once, tr("%n image(s)", nullptr, n), and cosmoclip_en.qm (only the
// numerus messages, `lupdate -pluralonly`) turns them into "1 image" / "2 images". Without it
// English would read "1 image(s)".
//
// This file is linked into each program directly, not through the static library (see
// ui/CMakeLists.txt): nothing calls it, so an archive member would be left out. It therefore uses Qt
// only. Language::install() puts another language's translator above this one.
#include <QCoreApplication>
#include <QTranslator>

namespace {

void installEnglishPlurals() {
    auto* translator = new QTranslator(QCoreApplication::instance());
    if (translator->load(QStringLiteral(":/i18n/cosmoclip_en.qm"))) {
        QCoreApplication::installTranslator(translator);
    } else {
        delete translator;
    }
}

}  // namespace

Q_COREAPP_STARTUP_FUNCTION(installEnglishPlurals)
