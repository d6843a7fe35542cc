#include "recentfiles.h"

#include <QDir>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace cosmoclip {

namespace {
const QString kSettingsKey = QStringLiteral("recentFiles");
}

RecentFiles::RecentFiles(QMenu* menu, QObject* parent) : QObject(parent), m_menu(menu) {
    m_files = QSettings().value(kSettingsKey).toStringList();
    while (m_files.size() > kMaxFiles) m_files.removeLast();
    rebuildMenu();
}

void RecentFiles::add(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    m_files.removeAll(absolute);
    m_files.prepend(absolute);
    while (m_files.size() > kMaxFiles) m_files.removeLast();
    save();
    rebuildMenu();
}

void RecentFiles::clear() {
    m_files.clear();
    save();
    rebuildMenu();
}

void RecentFiles::save() const {
    QSettings().setValue(kSettingsKey, m_files);
}

void RecentFiles::rebuildMenu() {
    m_menu->clear();
    int number = 1;
    for (const QString& path : std::as_const(m_files)) {
        // "&1 name — folder": the number is the keyboard accelerator, the tooltip the full path.
        const QFileInfo info(path);
        QString text = QStringLiteral("%1 %2  \u2014  %3")
                           .arg(number <= 9 ? QStringLiteral("&%1").arg(number) : QString::number(number),
                                info.fileName(), QDir::toNativeSeparators(info.absolutePath()));
        QAction* action = m_menu->addAction(text);
        action->setToolTip(QDir::toNativeSeparators(path));
        connect(action, &QAction::triggered, this, [this, path] { emit openRequested(path); });
        ++number;
    }
    if (!m_files.isEmpty()) m_menu->addSeparator();
    QAction* clearAction = m_menu->addAction(tr("Clear Recent Files"), this, &RecentFiles::clear);
    clearAction->setEnabled(!m_files.isEmpty());
}

}  // namespace cosmoclip
