#include "catalogbrowser.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QStackedWidget>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>
#include <map>
#include <set>

#include "displaytext.h"
#include "foldertreemodel.h"
#include "imagegridmodel.h"
#include "labelbars.h"
#include "thumbnailcache.h"
#include "thumbnaildelegate.h"

namespace cosmoclip {

namespace {

struct SortEntry {
    const char* label;
    ImageGridModel::SortKey key;
};
constexpr SortEntry kSorts[] = {
    {QT_TRANSLATE_NOOP("cosmoclip::CatalogBrowser", "Path"), ImageGridModel::SortKey::Path},
    {QT_TRANSLATE_NOOP("cosmoclip::CatalogBrowser", "Name"), ImageGridModel::SortKey::Name},
    {QT_TRANSLATE_NOOP("cosmoclip::CatalogBrowser", "Date (newest)"), ImageGridModel::SortKey::Date},
    {QT_TRANSLATE_NOOP("cosmoclip::CatalogBrowser", "Score"), ImageGridModel::SortKey::Score},
};

QLabel* caption(const QString& text, QWidget* buddy) {
    auto* label = new QLabel(text);
    label->setBuddy(buddy);
    return label;
}

}  // namespace

CatalogBrowser::CatalogBrowser(QWidget* parent)
    : QWidget(parent),
      m_thumbnails(new ThumbnailCache(this)),
      m_model(new ImageGridModel(m_thumbnails, this)),
      m_delegate(new ThumbnailDelegate(this)),
      m_folders(new FolderTreeModel(this)),
      m_folderView(new QTreeView),
      m_pages(new QStackedWidget),
      m_welcome(new QLabel),
      m_grid(new QListView),
      m_resultsBar(new QWidget),
      m_resultsInfo(new QLabel),
      m_back(new QToolButton),
      m_labelFilter(new QComboBox),
      m_headerFilter(new QLineEdit),
      m_sort(new QComboBox),
      m_count(new QLabel),
      m_summaryBox(new QWidget),
      m_summaryTitle(new QLabel),
      m_summary(new LabelBars) {
    setObjectName(QStringLiteral("catalogBrowser"));

    // The grid: uniform cells and batched layout keep 100k rows cheap; the delegate's fixed size
    // means laying out asks the model for nothing.
    m_grid->setObjectName(QStringLiteral("imageGrid"));
    m_grid->setViewMode(QListView::IconMode);
    m_grid->setMovement(QListView::Static);
    m_grid->setResizeMode(QListView::Adjust);
    m_grid->setUniformItemSizes(true);
    m_grid->setLayoutMode(QListView::Batched);
    m_grid->setBatchSize(2000);
    m_grid->setWrapping(true);
    m_grid->setSpacing(2);
    m_grid->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_grid->setDragEnabled(true);
    m_grid->setDragDropMode(QAbstractItemView::DragOnly);
    m_grid->setMouseTracking(true);
    m_grid->setContextMenuPolicy(Qt::CustomContextMenu);
    m_grid->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_grid->setItemDelegate(m_delegate);
    m_grid->setModel(m_model);

    m_folderView->setObjectName(QStringLiteral("folderTree"));
    m_folderView->setModel(m_folders);
    m_folderView->setHeaderHidden(true);
    m_folderView->setUniformRowHeights(true);
    m_folderView->setEditTriggers(QAbstractItemView::NoEditTriggers);

    m_welcome->setObjectName(QStringLiteral("welcome"));
    m_welcome->setAlignment(Qt::AlignCenter);
    m_welcome->setWordWrap(true);
    m_welcome->setText(tr("<p><b>No catalog open</b></p><p>Open a catalog (Ctrl+Shift+O) or create one "
                          "(Ctrl+Shift+N), then drop image files or folders on the window.</p>"));
    m_pages->addWidget(m_welcome);
    m_pages->addWidget(m_grid);

    // Results strip: what the ranking answers, and the way back to the whole catalog.
    m_resultsBar->setObjectName(QStringLiteral("resultsBar"));
    m_resultsInfo->setObjectName(QStringLiteral("resultsInfo"));
    m_resultsInfo->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // a long query never widens the grid
    m_back->setObjectName(QStringLiteral("clearResults"));
    m_back->setText(tr("Back to catalog"));
    m_back->setToolTip(tr("Show the whole catalog again (Esc)"));
    auto* resultsLayout = new QHBoxLayout(m_resultsBar);
    resultsLayout->setContentsMargins(6, 2, 6, 2);
    resultsLayout->addWidget(m_resultsInfo, 1);
    resultsLayout->addWidget(m_back);
    m_resultsBar->hide();

    m_labelFilter->setObjectName(QStringLiteral("labelFilter"));
    m_labelFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_labelFilter->setToolTip(tr("Only images whose best label (the chip under the thumbnail) is this one"));
    m_headerFilter->setObjectName(QStringLiteral("headerFilter"));
    m_headerFilter->setClearButtonEnabled(true);
    m_headerFilter->setMinimumWidth(140);
    m_headerFilter->setPlaceholderText(tr("Header: object=M51 telescope=\u2026 or any text"));
    m_headerFilter->setToolTip(tr("Words that must all match: KEY=VALUE compares a header key exactly (object, "
                                  "telescope, instrument, filter, format, date-obs); other words are looked for "
                                  "in those values and the file name."));
    m_sort->setObjectName(QStringLiteral("sortCombo"));
    for (const SortEntry& s : kSorts) m_sort->addItem(tr(s.label), int(s.key));
    m_count->setObjectName(QStringLiteral("imageCount"));
    auto* filters = new QHBoxLayout;
    filters->setContentsMargins(6, 2, 6, 2);
    filters->addWidget(caption(tr("&Label"), m_labelFilter));
    filters->addWidget(m_labelFilter);
    filters->addWidget(m_headerFilter, 1);
    filters->addWidget(caption(tr("S&ort"), m_sort));
    filters->addWidget(m_sort);
    filters->addWidget(m_count);

    m_summaryBox->setObjectName(QStringLiteral("labelSummaryBox"));
    m_summary->setObjectName(QStringLiteral("labelSummary"));
    m_summary->setMaximumRows(8);
    m_summary->setToolTip(tr("Images per best label; click a label to show only its images"));
    auto* closeSummary = new QToolButton;
    closeSummary->setText(QStringLiteral("\u2715"));
    closeSummary->setToolTip(tr("Hide the label summary"));
    closeSummary->setAutoRaise(true);
    auto* summaryHead = new QHBoxLayout;
    summaryHead->addWidget(m_summaryTitle, 1);
    summaryHead->addWidget(closeSummary);
    auto* summaryLayout = new QVBoxLayout(m_summaryBox);
    summaryLayout->setContentsMargins(6, 0, 6, 4);
    summaryLayout->addLayout(summaryHead);
    summaryLayout->addWidget(m_summary);
    m_summaryBox->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_resultsBar);
    layout->addLayout(filters);
    layout->addWidget(m_summaryBox);
    layout->addWidget(m_pages, 1);

    connect(m_grid->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex& current) {
        emit currentImageChanged(current.isValid() ? current.data(ImageGridModel::ImageIdRole).toLongLong() : 0);
    });
    connect(m_grid, &QListView::customContextMenuRequested, this, &CatalogBrowser::showContextMenu);
    connect(m_model, &ImageGridModel::rowsRecomputed, this, &CatalogBrowser::updateCount);
    connect(m_back, &QToolButton::clicked, this, &CatalogBrowser::clearResults);
    connect(closeSummary, &QToolButton::clicked, m_summaryBox, &QWidget::hide);
    connect(m_summary, &LabelBars::labelClicked, this, [this](const QString& label) {
        m_labelFilter->setCurrentIndex(std::max(0, m_labelFilter->findData(label)));
    });
    connect(m_labelFilter, &QComboBox::currentIndexChanged, this, &CatalogBrowser::applyFilters);
    auto* headerDelay = new QTimer(this);  // filter after typing pauses, not per key
    headerDelay->setSingleShot(true);
    headerDelay->setInterval(200);
    connect(m_headerFilter, &QLineEdit::textChanged, headerDelay, qOverload<>(&QTimer::start));
    connect(headerDelay, &QTimer::timeout, this, &CatalogBrowser::applyFilters);
    connect(m_sort, &QComboBox::currentIndexChanged, this, [this] {
        m_model->setSortKey(ImageGridModel::SortKey(m_sort->currentData().toInt()));
    });
    connect(m_folderView->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex& i) {
        m_folder = i.isValid() ? i.data(FolderTreeModel::FolderPathRole).toString() : QString();
        applyFilters();
    });
    updateLabelFilter();
    clearCatalog();
}

CatalogBrowser::~CatalogBrowser() = default;

void CatalogBrowser::setCatalog(const QString& catalogPath) {
    m_thumbnails->clear();
    m_thumbnails->setDiskFolder(ThumbnailCache::diskFolderFor(catalogPath));
    m_classifiedLabels.clear();
    m_summaryBox->hide();
    m_resultsBar->hide();
    m_pages->setCurrentWidget(m_grid);
}

void CatalogBrowser::clearCatalog() {
    m_model->setSnapshot(nullptr);
    m_folders->setFolders({});
    m_thumbnails->clear();
    m_thumbnails->setDiskFolder({});
    m_summaryBox->hide();
    m_resultsBar->hide();
    m_pages->setCurrentWidget(m_welcome);
    updateLabelFilter();
}

void CatalogBrowser::setSnapshot(std::shared_ptr<const CatalogSnapshot> snapshot) {
    if (!snapshot) {
        clearCatalog();
        return;
    }
    m_pages->setCurrentWidget(m_grid);
    const QString folder = m_folder;
    if (m_folders->setFolders(snapshot->folders)) {
        m_folderView->expandToDepth(1);
        const QModelIndex i = m_folders->indexOfFolder(folder);
        const QSignalBlocker block(m_folderView->selectionModel());
        m_folderView->setCurrentIndex(i.isValid() ? i : m_folders->index(0, 0));
    }
    m_model->setSnapshot(std::move(snapshot));
    updateLabelFilter();
}

void CatalogBrowser::showResults(const QString& title, const std::vector<SearchHit>& hits) {
    m_model->setResults(hits);
    {
        const QSignalBlocker block(m_sort);
        m_sort->setCurrentIndex(m_sort->findData(int(ImageGridModel::SortKey::Score)));
    }
    m_resultsInfo->setText(tr("\u201c%1\u201d \u2014 %2 ranked by similarity").arg(title, imageCountText(qint64(hits.size()))));
    m_resultsInfo->setToolTip(m_resultsInfo->text());
    m_resultsBar->show();
    m_grid->scrollToTop();
}

void CatalogBrowser::clearResults() {
    if (!m_model->showsResults()) return;
    m_model->clearResults();
    const QSignalBlocker block(m_sort);
    m_sort->setCurrentIndex(m_sort->findData(int(m_model->sortKey())));
    m_resultsBar->hide();
    emit resultsCleared();
}

void CatalogBrowser::showClassification(const QStringList& labels, const BestLabelMap& best) {
    m_model->setBestLabels(best);
    m_classifiedLabels = labels;
    std::map<QString, int> counts;
    for (const QString& l : labels) counts[l] = 0;
    for (const auto& [id, label] : best) ++counts[QString::fromStdString(label.label)];
    std::vector<std::pair<int, QString>> order;
    for (const auto& [label, count] : counts) order.emplace_back(-count, label);
    std::sort(order.begin(), order.end());
    QVector<LabelBars::Entry> entries;
    const double total = std::max<size_t>(1, best.size());
    for (const auto& [negCount, label] : order)
        entries.push_back({label, -negCount / total, imageCountText(-negCount), {}});
    m_summary->setEntries(entries);
    m_summaryTitle->setText(tr("Best label of %1").arg(imageCountText(qint64(best.size()))));
    m_summaryBox->show();
    updateLabelFilter();
}

std::vector<int64_t> CatalogBrowser::selectedImageIds() const {
    std::vector<int64_t> ids;
    for (const QModelIndex& i : m_grid->selectionModel()->selectedIndexes())
        ids.push_back(i.data(ImageGridModel::ImageIdRole).toLongLong());
    std::sort(ids.begin(), ids.end());
    return ids;
}

int64_t CatalogBrowser::currentImageId() const {
    const QModelIndex i = m_grid->currentIndex();
    return i.isValid() ? i.data(ImageGridModel::ImageIdRole).toLongLong() : 0;
}

void CatalogBrowser::selectImage(int64_t imageId) {
    const int row = m_model->rowOfImage(imageId);
    if (row < 0) return;
    const QModelIndex i = m_model->index(row);
    m_grid->selectionModel()->setCurrentIndex(i, QItemSelectionModel::ClearAndSelect);
    m_grid->scrollTo(i);
}

std::optional<std::unordered_set<int64_t>> CatalogBrowser::filteredIds() const {
    return m_model->filteredIds();
}

void CatalogBrowser::setNightVision(bool on) {
    m_delegate->setNightVision(on);
    m_grid->viewport()->update();
}

void CatalogBrowser::applyFilters() {
    const int64_t current = currentImageId();
    ImageFilter filter;
    filter.setFolder(m_folder);
    filter.setLabel(m_labelFilter->currentData().toString());
    filter.setHeaderText(m_headerFilter->text());
    m_headerFilter->setStyleSheet(filter.problem().isEmpty() ? QString() : QStringLiteral("color: #ff8080"));
    m_headerFilter->setToolTip(filter.problem().isEmpty() ? m_headerFilter->placeholderText() : filter.problem());
    m_model->setFilter(filter);
    if (current) {
        const QSignalBlocker block(m_grid->selectionModel());  // the same image stays; nothing to reload
        const int row = m_model->rowOfImage(current);
        if (row >= 0) m_grid->selectionModel()->setCurrentIndex(m_model->index(row), QItemSelectionModel::ClearAndSelect);
    }
}

void CatalogBrowser::updateLabelFilter() {
    std::set<QString> names;
    if (const auto snapshot = m_model->snapshot())
        for (const std::string& l : snapshot->labelNames) names.insert(QString::fromStdString(l));
    for (const QString& l : m_classifiedLabels) names.insert(l);
    const QString current = m_labelFilter->currentData().toString();
    const QSignalBlocker block(m_labelFilter);
    m_labelFilter->clear();
    m_labelFilter->addItem(tr("All labels"), QString());
    for (const QString& l : names) m_labelFilter->addItem(l, l);
    m_labelFilter->setCurrentIndex(std::max(0, m_labelFilter->findData(current)));
}

void CatalogBrowser::updateCount() {
    const auto snapshot = m_model->snapshot();
    if (!snapshot) {
        m_count->clear();
        return;
    }
    const int shown = m_model->rowCount();
    const int total = int(snapshot->images.size());
    m_count->setText(m_model->showsResults() || shown != total ? tr("%1 of %2").arg(shown).arg(total)
                                                               : imageCountText(total));
}

void CatalogBrowser::showContextMenu(const QPoint& pos) {
    const QModelIndex index = m_grid->indexAt(pos);
    if (!index.isValid()) return;
    const qint64 id = index.data(ImageGridModel::ImageIdRole).toLongLong();
    const QString path = index.data(ImageGridModel::PathRole).toString();
    const QString label = index.data(ImageGridModel::LabelRole).toString();
    QMenu menu(this);
    menu.addAction(tr("Find Similar"), this, [this, id] { emit findSimilarRequested(id); });
    menu.addAction(tr("Copy Path"), this, [path] { QApplication::clipboard()->setText(path); });
    if (!label.isEmpty()) {
        menu.addAction(tr("Show Only \u201c%1\u201d").arg(label), this, [this, label] {
            m_labelFilter->setCurrentIndex(std::max(0, m_labelFilter->findData(label)));
        });
    }
    menu.exec(m_grid->viewport()->mapToGlobal(pos));
}

}  // namespace cosmoclip
