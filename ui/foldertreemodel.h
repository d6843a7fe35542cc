#pragma once

#include <QStandardItemModel>
#include <string>
#include <utility>
#include <vector>

namespace cosmoclip {

/// The folder tree of the browser, built from the folders of the catalog's images: "All images" at
/// the top, then the folders below the common root, each with the number of images in it and below.
/// Rebuilt only when the set of folders or their counts change.
class FolderTreeModel final : public QStandardItemModel {
    Q_OBJECT
public:
    static constexpr int FolderPathRole = Qt::UserRole + 1;  ///< "" for "All images"
    static constexpr int CountRole = Qt::UserRole + 2;

    explicit FolderTreeModel(QObject* parent = nullptr);

    /// `folders`: folder -> images directly in it (sorted by folder). Returns whether the tree changed.
    bool setFolders(const std::vector<std::pair<std::string, int64_t>>& folders);
    QModelIndex indexOfFolder(const QString& folder) const;

private:
    std::vector<std::pair<std::string, int64_t>> m_folders;
};

}  // namespace cosmoclip
