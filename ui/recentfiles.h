#pragma once

#include <QObject>
#include <QStringList>

class QMenu;

namespace cosmoclip {

/// The "Open Recent" list: newest first, at most kMaxFiles, kept in QSettings under "recentFiles".
/// Fills `menu` and emits openRequested when an entry is chosen.
class RecentFiles final : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxFiles = 10;

    explicit RecentFiles(QMenu* menu, QObject* parent = nullptr);

    void add(const QString& path);
    QStringList files() const { return m_files; }

signals:
    void openRequested(const QString& path);

private:
    void clear();
    void save() const;
    void rebuildMenu();

    QMenu* m_menu;
    QStringList m_files;
};

}  // namespace cosmoclip
