#include "foldertreemodel.h"

#include <QDir>
#include <map>
#include <memory>

namespace cosmoclip {

namespace {

struct Node {
    std::string path;
    int64_t count = 0;  // images here and below
    std::map<std::string, std::unique_ptr<Node>> children;
};

bool isUnder(const std::string& folder, const std::string& root) {
    const std::string prefix = root == "/" ? root : root + "/";
    return folder == root || folder.compare(0, prefix.size(), prefix) == 0;
}

std::string commonRoot(const std::vector<std::pair<std::string, int64_t>>& folders) {
    std::string root = folders.front().first;
    for (const auto& [folder, count] : folders) {
        (void)count;
        while (!root.empty() && !isUnder(folder, root)) {
            const size_t slash = root.find_last_of('/');
            root = slash == 0 || slash == std::string::npos ? (root == "/" ? std::string() : std::string("/")) : root.substr(0, slash);
        }
    }
    return root;
}

QStandardItem* makeItem(const QString& text, const std::string& path, int64_t count) {
    auto* item = new QStandardItem(QStringLiteral("%1  (%2)").arg(text).arg(count));
    item->setData(QString::fromStdString(path), FolderTreeModel::FolderPathRole);
    item->setData(qlonglong(count), FolderTreeModel::CountRole);
    item->setToolTip(path.empty() ? QString() : QDir::toNativeSeparators(QString::fromStdString(path)));
    item->setEditable(false);
    return item;
}

void addChildren(QStandardItem* parent, const Node& node) {
    for (const auto& [name, child] : node.children) {
        QStandardItem* item = makeItem(QString::fromStdString(name), child->path, child->count);
        addChildren(item, *child);
        parent->appendRow(item);
    }
}

}  // namespace

FolderTreeModel::FolderTreeModel(QObject* parent) : QStandardItemModel(parent) {
    setHorizontalHeaderLabels({tr("Folders")});
}

bool FolderTreeModel::setFolders(const std::vector<std::pair<std::string, int64_t>>& folders) {
    if (folders == m_folders && rowCount() > 0) return false;
    m_folders = folders;
    clear();
    setHorizontalHeaderLabels({tr("Folders")});
    int64_t total = 0;
    for (const auto& f : folders) total += f.second;
    QStandardItem* all = makeItem(tr("All images"), {}, total);
    appendRow(all);
    if (folders.empty()) return true;

    const std::string root = commonRoot(folders);
    Node top;
    top.path = root;
    for (const auto& [folder, count] : folders) {
        top.count += count;
        Node* node = &top;
        std::string rest = folder.size() > root.size() ? folder.substr(root.size() + (root == "/" ? 0 : 1)) : std::string();
        std::string path = root;
        size_t start = 0;
        while (start < rest.size()) {
            size_t end = rest.find('/', start);
            if (end == std::string::npos) end = rest.size();
            const std::string part = rest.substr(start, end - start);
            path += (path == "/" ? "" : "/") + part;
            auto& child = node->children[part];
            if (!child) {
                child = std::make_unique<Node>();
                child->path = path;
            }
            child->count += count;
            node = child.get();
            start = end + 1;
        }
    }
    QStandardItem* rootItem = makeItem(QDir::toNativeSeparators(QString::fromStdString(root)), root, top.count);
    addChildren(rootItem, top);
    all->appendRow(rootItem);
    return true;
}

QModelIndex FolderTreeModel::indexOfFolder(const QString& folder) const {
    const QModelIndexList found =
        match(index(0, 0), FolderPathRole, folder, 1, Qt::MatchExactly | Qt::MatchRecursive);
    return found.isEmpty() ? QModelIndex() : found.front();
}

}  // namespace cosmoclip
