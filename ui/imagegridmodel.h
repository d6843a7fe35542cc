#pragma once

#include <QAbstractListModel>
#include <QTimer>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "catalogsnapshot.h"
#include "imagefilter.h"
#include "retrieval/searchfilter.h"

namespace cosmoclip {

class ThumbnailCache;

/// The rows of the thumbnail grid: image ids of a CatalogSnapshot that pass the filters, in the
/// chosen order, or the ranked results of a search with their scores. Rows are only ids; everything
/// else is looked up when a view asks, and the thumbnail is asked of the ThumbnailCache only for the
/// rows a view paints. A new snapshot (while indexing) inserts and removes rows in place instead of
/// resetting, so scrolling and selection stay where they are.
class ImageGridModel final : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        ImageIdRole = Qt::UserRole + 1,
        PathRole,
        ThumbnailKeyRole,
        ThumbnailFailedRole,
        ScoreRole,  ///< float; invalid outside results
        LabelRole,
        LabelProbabilityRole,
        LabelSourceRole,
    };
    enum class SortKey { Path, Name, Date, Score };

    explicit ImageGridModel(ThumbnailCache* thumbnails, QObject* parent = nullptr);

    void setSnapshot(std::shared_ptr<const CatalogSnapshot> snapshot);
    std::shared_ptr<const CatalogSnapshot> snapshot() const { return m_snapshot; }
    void setFilter(const ImageFilter& filter);
    const ImageFilter& filter() const { return m_filter; }
    void setSortKey(SortKey key);
    SortKey sortKey() const { return m_sort; }

    /// Shows only `hits`, best first (the sort becomes Score); clearResults() returns to the catalog.
    void setResults(const std::vector<SearchHit>& hits);
    void clearResults();
    bool showsResults() const { return m_showResults; }
    std::optional<float> score(int64_t imageId) const;

    /// Best labels just computed (a classification), shown until the next catalog; they stand in
    /// for the snapshot's until it has been read again.
    void setBestLabels(const BestLabelMap& labels);
    CatalogSnapshot::BestLabel bestLabel(int64_t imageId) const;

    int64_t imageIdAt(int row) const { return m_ids[size_t(row)]; }
    int rowOfImage(int64_t imageId) const;
    const ImageRecord* image(int64_t imageId) const;
    const std::vector<int64_t>& rowIds() const { return m_ids; }
    /// The images the filters let through (all of the catalog, not just the results); nullopt
    /// without filters. A search's allowed ids.
    std::optional<std::unordered_set<int64_t>> filteredIds() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;

signals:
    /// Rows were recomputed (filter, sort, results, a new snapshot).
    void rowsRecomputed();

private:
    std::vector<int64_t> computeRows() const;
    void applyRows(std::vector<int64_t> rows, bool incremental);
    bool applyIncrementally(const std::vector<int64_t>& rows);
    bool insertOnly(const std::vector<int64_t>& rows);
    const ImageRecord* record(int64_t imageId) const;

    ThumbnailCache* m_thumbnails;
    std::shared_ptr<const CatalogSnapshot> m_snapshot;
    ImageFilter m_filter;
    SortKey m_sort = SortKey::Path;
    SortKey m_sortBeforeResults = SortKey::Path;
    bool m_showResults = false;
    std::vector<int64_t> m_resultOrder;
    std::unordered_map<int64_t, float> m_scores;
    BestLabelMap m_labelOverlay;
    std::vector<int64_t> m_ids;  // row -> image id
    std::unordered_map<int64_t, int> m_rowOfId;
    QTimer m_thumbnailRefresh;   // coalesces thumbnails arriving together into one repaint
};

}  // namespace cosmoclip
