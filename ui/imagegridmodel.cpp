#include "imagegridmodel.h"

#include <QFileInfo>
#include <QMimeData>
#include <QUrl>
#include <algorithm>

#include "thumbnailcache.h"

namespace cosmoclip {

namespace {

// More separate insert/remove runs than this in one snapshot change: a reset is cheaper.
constexpr size_t kMaxIncrementalRuns = 2000;

QString fileName(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return QString::fromStdString(slash == std::string::npos ? path : path.substr(slash + 1));
}

}  // namespace

ImageGridModel::ImageGridModel(ThumbnailCache* thumbnails, QObject* parent)
    : QAbstractListModel(parent), m_thumbnails(thumbnails) {
    m_thumbnailRefresh.setSingleShot(true);
    m_thumbnailRefresh.setInterval(30);
    connect(&m_thumbnailRefresh, &QTimer::timeout, this, [this] {
        // One range repaints the view's visible items only; no per-key row bookkeeping needed.
        if (!m_ids.empty()) emit dataChanged(index(0), index(int(m_ids.size()) - 1), {Qt::DecorationRole});
    });
    connect(m_thumbnails, &ThumbnailCache::thumbnailReady, this, [this] {
        if (!m_thumbnailRefresh.isActive()) m_thumbnailRefresh.start();
    });
}

void ImageGridModel::setSnapshot(std::shared_ptr<const CatalogSnapshot> snapshot) {
    const bool sameCatalog = m_snapshot && snapshot && m_snapshot->catalogPath == snapshot->catalogPath;
    if (!sameCatalog) {
        m_labelOverlay.clear();
        m_showResults = false;
        m_scores.clear();
        m_resultOrder.clear();
    }
    m_snapshot = std::move(snapshot);
    applyRows(computeRows(), sameCatalog);
}

void ImageGridModel::setFilter(const ImageFilter& filter) {
    m_filter = filter;
    applyRows(computeRows(), false);
}

void ImageGridModel::setSortKey(SortKey key) {
    if (key == m_sort) return;
    m_sort = key;
    applyRows(computeRows(), false);
}

void ImageGridModel::setResults(const std::vector<SearchHit>& hits) {
    if (!m_showResults) m_sortBeforeResults = m_sort == SortKey::Score ? SortKey::Path : m_sort;
    m_showResults = true;
    m_sort = SortKey::Score;
    m_scores.clear();
    m_resultOrder.clear();
    for (const SearchHit& hit : hits) {
        m_scores[hit.id] = hit.score;
        m_resultOrder.push_back(hit.id);
    }
    applyRows(computeRows(), false);
}

void ImageGridModel::clearResults() {
    if (!m_showResults) return;
    m_showResults = false;
    m_scores.clear();
    m_resultOrder.clear();
    m_sort = m_sortBeforeResults;
    applyRows(computeRows(), false);
}

std::optional<float> ImageGridModel::score(int64_t imageId) const {
    const auto it = m_scores.find(imageId);
    if (it == m_scores.end()) return std::nullopt;
    return it->second;
}

void ImageGridModel::setBestLabels(const BestLabelMap& labels) {
    for (const auto& [id, label] : labels) m_labelOverlay[id] = label;
    if (!m_filter.label().isEmpty()) {
        applyRows(computeRows(), true);
    } else if (!m_ids.empty()) {
        emit dataChanged(index(0), index(int(m_ids.size()) - 1), {LabelRole, LabelProbabilityRole, LabelSourceRole});
    }
}

CatalogSnapshot::BestLabel ImageGridModel::bestLabel(int64_t imageId) const {
    if (const auto it = m_labelOverlay.find(imageId); it != m_labelOverlay.end()) return it->second;
    if (!m_snapshot) return {};
    const long long i = m_snapshot->indexOf(imageId);
    return i < 0 ? CatalogSnapshot::BestLabel{} : m_snapshot->bestLabels[size_t(i)];
}

int ImageGridModel::rowOfImage(int64_t imageId) const {
    const auto it = m_rowOfId.find(imageId);
    return it == m_rowOfId.end() ? -1 : it->second;
}

const ImageRecord* ImageGridModel::image(int64_t imageId) const {
    return record(imageId);
}

const ImageRecord* ImageGridModel::record(int64_t imageId) const {
    if (!m_snapshot) return nullptr;
    const long long i = m_snapshot->indexOf(imageId);
    return i < 0 ? nullptr : &m_snapshot->images[size_t(i)];
}

std::optional<std::unordered_set<int64_t>> ImageGridModel::filteredIds() const {
    if (m_filter.isEmpty() || !m_snapshot) return std::nullopt;
    std::unordered_set<int64_t> ids;
    for (const ImageRecord& r : m_snapshot->images)
        if (m_filter.accepts(r, bestLabel(r.id).label)) ids.insert(r.id);
    return ids;
}

std::vector<int64_t> ImageGridModel::computeRows() const {
    std::vector<int64_t> rows;
    if (!m_snapshot) return rows;
    const bool filtered = !m_filter.isEmpty();
    const bool byLabel = !m_filter.label().isEmpty();
    auto accepted = [this, filtered, byLabel](const ImageRecord& r) {
        return !filtered || m_filter.accepts(r, byLabel ? bestLabel(r.id).label : std::string());
    };
    if (m_showResults) {
        for (int64_t id : m_resultOrder)
            if (const ImageRecord* r = record(id); r && accepted(*r)) rows.push_back(id);
    } else {
        rows.reserve(m_snapshot->images.size());
        for (const ImageRecord& r : m_snapshot->images)
            if (accepted(r)) rows.push_back(r.id);  // the snapshot is in path order
    }
    // Keys computed once per row, not once per comparison (100k names would allocate millions).
    auto sortBy = [this, &rows](auto key) {
        using Key = decltype(key(ImageRecord{}));
        std::vector<std::pair<Key, int64_t>> keyed;
        keyed.reserve(rows.size());
        for (int64_t id : rows) keyed.emplace_back(key(*record(id)), id);
        std::sort(keyed.begin(), keyed.end());
        for (size_t i = 0; i < rows.size(); ++i) rows[i] = keyed[i].second;
    };
    switch (m_sort) {
    case SortKey::Path:
        if (m_showResults) sortBy([](const ImageRecord& r) { return r.path; });
        break;
    case SortKey::Name:
        sortBy([](const ImageRecord& r) { return fileName(r.path).toLower(); });
        break;
    case SortKey::Date:
        // DATE-OBS when the header has one (ISO 8601 sorts as text), else the file's time; newest first.
        sortBy([](const ImageRecord& r) { return std::make_pair(r.dateObs.value_or(std::string()), r.mtimeNs); });
        std::reverse(rows.begin(), rows.end());
        break;
    case SortKey::Score:
        break;  // results are already best first; without results the catalog order stays
    }
    return rows;
}

void ImageGridModel::applyRows(std::vector<int64_t> rows, bool incremental) {
    if (!(incremental && applyIncrementally(rows))) {
        beginResetModel();
        m_ids = std::move(rows);
        endResetModel();
    }
    m_rowOfId.clear();
    m_rowOfId.reserve(m_ids.size());
    for (size_t i = 0; i < m_ids.size(); ++i) m_rowOfId.emplace(m_ids[i], int(i));
    emit rowsRecomputed();
}

// The usual change while indexing: the old rows are a subsequence of the new ones (images were only
// added). One merge walk, no hashing: inserts the runs of new ids where they fall.
bool ImageGridModel::insertOnly(const std::vector<int64_t>& rows) {
    size_t i = 0;
    size_t runs = 0;
    bool inRun = false;
    for (size_t j = 0; j < rows.size(); ++j) {
        const bool old = i < m_ids.size() && rows[j] == m_ids[i];
        if (old) ++i;
        if (!old && !inRun) ++runs;
        inRun = !old;
    }
    if (i < m_ids.size() || runs > kMaxIncrementalRuns) return false;
    size_t row = 0, j = 0;
    while (j < rows.size()) {
        if (row < m_ids.size() && m_ids[row] == rows[j]) {
            ++row, ++j;
            continue;
        }
        size_t end = j;
        while (end < rows.size() && (row >= m_ids.size() || rows[end] != m_ids[row])) ++end;
        beginInsertRows({}, int(row), int(row + end - j) - 1);
        m_ids.insert(m_ids.begin() + long(row), rows.begin() + long(j), rows.begin() + long(end));
        endInsertRows();
        row += end - j;
        j = end;
    }
    return true;
}

// Walks the old and new row lists together: ids only in the old list are removed, ids only in the
// new one inserted, in runs. Fails (the caller resets) when common ids changed order.
bool ImageGridModel::applyIncrementally(const std::vector<int64_t>& rows) {
    if (insertOnly(rows)) return true;
    const std::unordered_set<int64_t> inNew(rows.begin(), rows.end());
    const std::unordered_set<int64_t> inOld(m_ids.begin(), m_ids.end());
    // Dry run: common ids must keep their order, and the number of runs must be sensible.
    size_t runs = 0;
    {
        size_t i = 0, j = 0;
        while (i < m_ids.size() || j < rows.size()) {
            if (i < m_ids.size() && j < rows.size() && m_ids[i] == rows[j]) {
                ++i, ++j;
            } else if (i < m_ids.size() && !inNew.count(m_ids[i])) {
                while (i < m_ids.size() && !inNew.count(m_ids[i])) ++i;
                ++runs;
            } else if (j < rows.size() && !inOld.count(rows[j])) {
                while (j < rows.size() && !inOld.count(rows[j])) ++j;
                ++runs;
            } else {
                return false;
            }
        }
    }
    if (runs > kMaxIncrementalRuns) return false;
    size_t row = 0, j = 0;
    while (row < m_ids.size() || j < rows.size()) {
        if (row < m_ids.size() && j < rows.size() && m_ids[row] == rows[j]) {
            ++row, ++j;
        } else if (row < m_ids.size() && !inNew.count(m_ids[row])) {
            size_t end = row;
            while (end < m_ids.size() && !inNew.count(m_ids[end])) ++end;
            beginRemoveRows({}, int(row), int(end) - 1);
            m_ids.erase(m_ids.begin() + long(row), m_ids.begin() + long(end));
            endRemoveRows();
        } else {
            size_t end = j;
            while (end < rows.size() && !inOld.count(rows[end])) ++end;
            beginInsertRows({}, int(row), int(row + end - j) - 1);
            m_ids.insert(m_ids.begin() + long(row), rows.begin() + long(j), rows.begin() + long(end));
            endInsertRows();
            row += end - j;
            j = end;
        }
    }
    return true;
}

int ImageGridModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_ids.size());
}

QVariant ImageGridModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= int(m_ids.size())) return {};
    const int64_t id = m_ids[size_t(index.row())];
    const ImageRecord* r = record(id);
    if (!r) return {};
    switch (role) {
    case Qt::DisplayRole:
        return fileName(r->path);
    case Qt::ToolTipRole: {
        QString tip = QString::fromStdString(r->path);
        tip += QStringLiteral("\n%1 \u00d7 %2 %3").arg(r->width).arg(r->height).arg(QString::fromStdString(r->format).toUpper());
        if (r->object) tip += QStringLiteral("\nOBJECT %1").arg(QString::fromStdString(*r->object));
        if (const auto s = score(id)) tip += tr("\nscore %1").arg(double(*s), 0, 'f', 4);
        const auto label = bestLabel(id);
        if (!label.label.empty())
            tip += tr("\n%1 (%2 %)").arg(QString::fromStdString(label.label)).arg(label.probability * 100, 0, 'f', 1);
        return tip;
    }
    case Qt::DecorationRole: {
        const QImage image = m_thumbnails->thumbnail(QString::fromStdString(r->contentHash), QString::fromStdString(r->path));
        return image.isNull() ? QVariant() : QVariant(image);
    }
    case ImageIdRole:
        return qlonglong(id);
    case PathRole:
        return QString::fromStdString(r->path);
    case ThumbnailKeyRole:
        return QString::fromStdString(r->contentHash);
    case ThumbnailFailedRole:
        return m_thumbnails->hasFailed(QString::fromStdString(r->contentHash));
    case ScoreRole:
        if (const auto s = score(id)) return double(*s);
        return {};
    case LabelRole:
        return QString::fromStdString(bestLabel(id).label);
    case LabelProbabilityRole:
        return bestLabel(id).probability;
    case LabelSourceRole:
        return QString::fromStdString(bestLabel(id).source);
    default:
        return {};
    }
}

Qt::ItemFlags ImageGridModel::flags(const QModelIndex& index) const {
    Qt::ItemFlags f = QAbstractListModel::flags(index);
    if (index.isValid()) f |= Qt::ItemIsDragEnabled;
    return f;
}

QStringList ImageGridModel::mimeTypes() const {
    return {QStringLiteral("text/uri-list")};
}

// Dragging thumbnails out hands the files to other programs (a FITS viewer, a file manager).
QMimeData* ImageGridModel::mimeData(const QModelIndexList& indexes) const {
    QList<QUrl> urls;
    for (const QModelIndex& i : indexes) urls.push_back(QUrl::fromLocalFile(i.data(PathRole).toString()));
    auto* mime = new QMimeData;
    mime->setUrls(urls);
    return mime;
}

}  // namespace cosmoclip
