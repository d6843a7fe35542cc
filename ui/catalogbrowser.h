#pragma once

#include <QWidget>
#include <memory>
#include <optional>
#include <unordered_set>
#include <vector>

#include "catalogsnapshot.h"
#include "retrieval/searchfilter.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QStackedWidget;
class QToolButton;
class QTreeView;

namespace cosmoclip {

class FolderTreeModel;
class ImageGridModel;
class LabelBars;
class ThumbnailCache;
class ThumbnailDelegate;

/// The catalog browser: the virtualised thumbnail grid (a QListView over ImageGridModel; thumbnails
/// made on demand by ThumbnailCache), its filters (label, header text, and the folder tree, which
/// lives in a dock the window places), the sort order, the summary of the last labelling as chips
/// with bars, and the "results" strip while a search's ranking is shown.
class CatalogBrowser final : public QWidget {
    Q_OBJECT
public:
    explicit CatalogBrowser(QWidget* parent = nullptr);
    ~CatalogBrowser() override;

    ImageGridModel* model() const { return m_model; }
    QListView* grid() const { return m_grid; }
    QTreeView* folderView() const { return m_folderView; }
    ThumbnailCache* thumbnails() const { return m_thumbnails; }
    LabelBars* summary() const { return m_summary; }
    QComboBox* labelFilter() const { return m_labelFilter; }
    QLineEdit* headerFilter() const { return m_headerFilter; }
    QComboBox* sortCombo() const { return m_sort; }
    QLabel* resultsInfo() const { return m_resultsInfo; }

    /// A catalog is open: thumbnails go to CATALOG.thumbs; the grid replaces the welcome text.
    void setCatalog(const QString& catalogPath);
    void clearCatalog();
    void setSnapshot(std::shared_ptr<const CatalogSnapshot> snapshot);
    /// Shows a ranking (best first, scores on the thumbnails) until clearResults().
    void showResults(const QString& title, const std::vector<SearchHit>& hits);
    void clearResults();
    /// Shows fresh zero-shot labels on the thumbnails and their counts in the summary.
    void showClassification(const QStringList& labels, const BestLabelMap& best);

    std::vector<int64_t> selectedImageIds() const;
    /// The current image, 0 when none.
    int64_t currentImageId() const;
    void selectImage(int64_t imageId);
    /// The images the filters let through; nullopt without filters.
    std::optional<std::unordered_set<int64_t>> filteredIds() const;
    void setNightVision(bool on);

signals:
    void currentImageChanged(qint64 imageId);
    void findSimilarRequested(qint64 imageId);
    void resultsCleared();

private:
    void applyFilters();
    void updateLabelFilter();
    void updateCount();
    void showContextMenu(const QPoint& pos);

    ThumbnailCache* m_thumbnails;
    ImageGridModel* m_model;
    ThumbnailDelegate* m_delegate;
    FolderTreeModel* m_folders;
    QTreeView* m_folderView;
    QStackedWidget* m_pages;
    QLabel* m_welcome;
    QListView* m_grid;
    QWidget* m_resultsBar;
    QLabel* m_resultsInfo;
    QToolButton* m_back;
    QComboBox* m_labelFilter;
    QLineEdit* m_headerFilter;
    QComboBox* m_sort;
    QLabel* m_count;
    QWidget* m_summaryBox;
    QLabel* m_summaryTitle;
    LabelBars* m_summary;
    QStringList m_classifiedLabels;
    QString m_folder;
};

}  // namespace cosmoclip
