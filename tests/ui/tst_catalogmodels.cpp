// The browser's pieces without a model: the grid model over a snapshot (lazy thumbnails, in-place
// updates while indexing, filters, sorting, results), the folder tree, the query bar's rule and
// history, the label bars.
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMouseEvent>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>
#include <memory>

#include "catalogsnapshot.h"
#include "foldertreemodel.h"
#include "imagefilter.h"
#include "imagegridmodel.h"
#include "labelbars.h"
#include "querybar.h"
#include "queryhistory.h"
#include "thumbnailcache.h"
#include "thumbnaildelegate.h"

using namespace cosmoclip;

namespace {

ImageRecord fakeImage(int64_t id, const std::string& path) {
    ImageRecord r;
    r.id = id;
    r.path = path;
    r.contentHash = QStringLiteral("%1").arg(id, 64, 16, QLatin1Char('0')).toStdString();
    r.format = "png";
    r.status = ImageStatus::Ok;
    r.width = r.height = 64;
    return r;
}

/// Images `ids` at /sky/dirN/imgID.png (ten folders), in path order as the catalog reads them.
std::shared_ptr<CatalogSnapshot> makeSnapshot(const std::vector<int64_t>& ids) {
    auto s = std::make_shared<CatalogSnapshot>();
    s->catalogPath = "/sky/catalog.sqlite";
    std::vector<ImageRecord> images;
    for (int64_t id : ids)
        images.push_back(fakeImage(id, QStringLiteral("/sky/dir%1/img%2.png").arg(id % 10).arg(id, 6, 10, QLatin1Char('0')).toStdString()));
    std::sort(images.begin(), images.end(), [](const ImageRecord& a, const ImageRecord& b) { return a.path < b.path; });
    for (auto& r : images) {
        s->rowOfId.emplace(r.id, s->images.size());
        s->images.push_back(std::move(r));
        s->bestLabels.push_back({});
    }
    return s;
}

std::vector<int64_t> range(int64_t from, int64_t to) {
    std::vector<int64_t> ids;
    for (int64_t i = from; i < to; ++i) ids.push_back(i);
    return ids;
}

}  // namespace

class TestCatalogModels : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("CosmoCLIP"));
        QCoreApplication::setApplicationName(QStringLiteral("CosmoCLIP-model-tests"));
        QSettings().clear();
    }

    // 100k rows: laying out and painting the grid asks only for the thumbnails on screen.
    void thumbnailsAreRequestedOnlyForVisibleRows() {
        ThumbnailCache cache;
        ImageGridModel model(&cache);
        auto snapshot = makeSnapshot(range(1, 100001));
        QElapsedTimer timer;
        timer.start();
        model.setSnapshot(snapshot);
        const qint64 modelMs = timer.restart();
        QListView view;
        view.setViewMode(QListView::IconMode);
        view.setMovement(QListView::Static);
        view.setResizeMode(QListView::Adjust);
        view.setUniformItemSizes(true);
        view.setLayoutMode(QListView::Batched);
        view.setBatchSize(2000);
        view.setItemDelegate(new ThumbnailDelegate(&view));
        view.setModel(&model);
        view.resize(640, 480);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const qint64 viewMs = timer.elapsed();
        QTest::qWait(300);  // let batched layout and painting finish
        QCOMPARE(model.rowCount(), 100000);
        const int visible = (640 / 140 + 1) * (480 / 170 + 2);
        qInfo("100000 rows: model %lld ms, view shown in %lld ms; thumbnails asked for: %d",
              modelMs, viewMs, cache.requestCount() + cache.pendingCount());
        QVERIFY2(cache.requestCount() + cache.pendingCount() <= visible,
                 qPrintable(QStringLiteral("%1 thumbnails for ~%2 visible cells").arg(cache.requestCount()).arg(visible)));
        QVERIFY(cache.requestCount() > 0);
        // Scrolling to the end asks for the rows there, not for the ones in between.
        const int before = cache.requestCount() + cache.pendingCount();
        view.scrollToBottom();
        QTest::qWait(200);
        QVERIFY(cache.requestCount() + cache.pendingCount() - before <= 2 * visible);
        QTRY_VERIFY_WITH_TIMEOUT(cache.pendingCount() == 0, 10000);
        // Files that do not exist get the "unreadable" placeholder, not a retry.
        const QModelIndex last = model.index(model.rowCount() - 1);
        QVERIFY(last.data(ImageGridModel::ThumbnailFailedRole).toBool());
    }

    // While a big catalog is indexed, each new snapshot costs the GUI thread one pass over the rows.
    void growing100kSnapshotUpdatesInPlaceQuickly() {
        ThumbnailCache cache;
        ImageGridModel model(&cache);
        std::vector<int64_t> ids;
        // All in one folder (id % 10 == 0), the new ones falling between old ones in path order.
        for (int64_t i = 1; i <= 100000; ++i) ids.push_back(20 * i);
        model.setSnapshot(makeSnapshot(ids));
        for (int64_t i = 0; i < 500; ++i) ids.push_back(20 * 197 * i + 10);
        auto grown = makeSnapshot(ids);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QElapsedTimer timer;
        timer.start();
        model.setSnapshot(grown);
        const qint64 ms = timer.elapsed();
        qInfo("100000 -> 100500 rows (%d insert runs) in %lld ms", int(inserted.count()), ms);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(inserted.count(), 500);  // one run per new image: each lands between two old ones
        QCOMPARE(model.rowCount(), 100500);
        QVERIFY2(ms < 1000, qPrintable(QStringLiteral("%1 ms").arg(ms)));
        for (int row = 1; row < model.rowCount(); row += 997)
            QVERIFY(model.index(row - 1).data(ImageGridModel::PathRole).toString() <
                    model.index(row).data(ImageGridModel::PathRole).toString());
    }

    void newSnapshotInsertsAndRemovesRowsInPlace() {
        ThumbnailCache cache;
        ImageGridModel model(&cache);
        model.setSnapshot(makeSnapshot(range(1, 101)));
        QCOMPARE(model.rowCount(), 100);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QPersistentModelIndex kept = model.index(model.rowOfImage(42));
        std::vector<int64_t> ids = range(1, 151);                          // 50 new images
        ids.erase(std::remove(ids.begin(), ids.end(), 7), ids.end());     // one removed
        model.setSnapshot(makeSnapshot(ids));
        QCOMPARE(reset.count(), 0);
        QVERIFY(inserted.count() >= 1);
        QVERIFY(removed.count() >= 1);
        QCOMPARE(model.rowCount(), 149);
        QVERIFY(kept.isValid());
        QCOMPARE(kept.data(ImageGridModel::ImageIdRole).toLongLong(), 42);
        for (int row = 1; row < model.rowCount(); ++row)
            QVERIFY(model.index(row - 1).data(ImageGridModel::PathRole).toString() <
                    model.index(row).data(ImageGridModel::PathRole).toString());
        QCOMPARE(model.rowOfImage(7), -1);
        // Another catalog resets.
        auto other = makeSnapshot(range(1, 5));
        other->catalogPath = "/elsewhere.sqlite";
        model.setSnapshot(other);
        QCOMPARE(reset.count(), 1);
    }

    void filtersAndSorting() {
        ThumbnailCache cache;
        ImageGridModel model(&cache);
        auto s = makeSnapshot(range(1, 41));
        for (size_t i = 0; i < s->images.size(); ++i) {
            ImageRecord& r = s->images[i];
            if (r.id % 4 == 0) r.object = "M51";
            if (r.id % 5 == 0) r.telescope = "KPNO 0.9m";
            r.dateObs = QStringLiteral("2024-01-%1").arg(r.id % 28 + 1, 2, 10, QLatin1Char('0')).toStdString();
            s->bestLabels[i] = {r.id % 2 ? "galaxy" : "nebula", "zero-shot", 0.6};
        }
        model.setSnapshot(s);
        ImageFilter filter;
        filter.setFolder(QStringLiteral("/sky/dir3"));
        model.setFilter(filter);
        QCOMPARE(model.rowCount(), 4);  // ids 3, 13, 23, 33
        filter.setFolder({});
        filter.setLabel(QStringLiteral("galaxy"));
        model.setFilter(filter);
        QCOMPARE(model.rowCount(), 20);
        filter.setLabel({});
        filter.setHeaderText(QStringLiteral("object=m51"));
        model.setFilter(filter);
        QCOMPARE(model.rowCount(), 10);
        filter.setHeaderText(QStringLiteral("TELESCOP=\"kpno 0.9M\""));  // FITS spelling, quotes, any case
        QVERIFY(filter.problem().isEmpty());
        model.setFilter(filter);
        QCOMPARE(model.rowCount(), 8);
        filter.setHeaderText(QStringLiteral("kpno object=M51"));  // free word and key together: ids 20, 40
        model.setFilter(filter);
        QCOMPARE(model.rowCount(), 2);
        QVERIFY(model.filteredIds()->count(20) && model.filteredIds()->count(40));
        filter.setHeaderText(QStringLiteral("colour=red"));
        QVERIFY(filter.problem().contains(QStringLiteral("colour")));
        model.setFilter(ImageFilter());
        QVERIFY(!model.filteredIds());

        model.setSortKey(ImageGridModel::SortKey::Date);
        QVERIFY(model.image(model.imageIdAt(0))->dateObs >= model.image(model.imageIdAt(1))->dateObs);
        model.setSortKey(ImageGridModel::SortKey::Name);
        QCOMPARE(model.index(0).data(Qt::DisplayRole).toString(), QStringLiteral("img000001.png"));

        // Results: hit order, scores, the sort becomes Score; clearing restores the catalog.
        model.setResults({{17, 0.9f}, {3, 0.8f}, {999, 0.7f}, {25, 0.1f}});
        QCOMPARE(model.rowCount(), 3);  // 999 is not in the catalog
        QCOMPARE(model.imageIdAt(0), 17);
        QCOMPARE(model.sortKey(), ImageGridModel::SortKey::Score);
        QCOMPARE(float(model.index(1).data(ImageGridModel::ScoreRole).toDouble()), 0.8f);
        model.clearResults();
        QCOMPARE(model.rowCount(), 40);
        QCOMPARE(model.sortKey(), ImageGridModel::SortKey::Name);
        QVERIFY(!model.index(0).data(ImageGridModel::ScoreRole).isValid());

        // Fresh labels overlay the snapshot's.
        model.setBestLabels({{1, {"cluster", "zero-shot", 0.9}}});
        QCOMPARE(model.index(model.rowOfImage(1)).data(ImageGridModel::LabelRole).toString(), QStringLiteral("cluster"));
    }

    void folderTreeCountsImagesBelowEachFolder() {
        FolderTreeModel tree;
        QVERIFY(tree.setFolders({{"/data/sky", 2}, {"/data/sky/night1", 5}, {"/data/sky/night2/raw", 3}}));
        QVERIFY(!tree.setFolders({{"/data/sky", 2}, {"/data/sky/night1", 5}, {"/data/sky/night2/raw", 3}}));
        const QModelIndex all = tree.index(0, 0);
        QCOMPARE(all.data(FolderTreeModel::CountRole).toLongLong(), 10);
        QCOMPARE(all.data(FolderTreeModel::FolderPathRole).toString(), QString());
        const QModelIndex root = tree.index(0, 0, all);
        QCOMPARE(root.data(FolderTreeModel::FolderPathRole).toString(), QStringLiteral("/data/sky"));
        QCOMPARE(root.data(FolderTreeModel::CountRole).toLongLong(), 10);
        QCOMPARE(tree.indexOfFolder(QStringLiteral("/data/sky/night2")).data(FolderTreeModel::CountRole).toLongLong(), 3);
        QCOMPARE(tree.indexOfFolder(QStringLiteral("/data/sky/night2/raw")).data(FolderTreeModel::CountRole).toLongLong(), 3);
        QVERIFY(tree.setFolders({{"/a/x", 1}, {"/b", 1}}));  // only "/" in common
        QCOMPARE(tree.indexOfFolder(QStringLiteral("/")).data(FolderTreeModel::CountRole).toLongLong(), 2);
        QVERIFY(tree.indexOfFolder(QStringLiteral("/a/x")).isValid());
    }

    void queryBarRuleCommasMeanLabels() {
        QVERIFY(QueryBar::isLabelQuery(QStringLiteral("spiral galaxy, planetary nebula")));
        QVERIFY(!QueryBar::isLabelQuery(QStringLiteral("edge-on spiral + 2:dust lane")));
        QCOMPARE(QueryBar::splitLabels(QStringLiteral(" a ,b,, a,  c d ,")), QStringList({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c d")}));
        QueryBar bar;
        QVERIFY(bar.lineEdit()->placeholderText().contains(QStringLiteral("commas")));
        QVERIFY(bar.lineEdit()->toolTip().contains(QStringLiteral("With commas")));
        QSignalSpy labels(&bar, &QueryBar::labelsRequested);
        QSignalSpy search(&bar, &QueryBar::searchRequested);
        QSignalSpy cleared(&bar, &QueryBar::cleared);
        bar.setText(QStringLiteral("galaxy, nebula"));
        QCOMPARE(bar.findChild<QLabel*>(QStringLiteral("queryMode"))->text(), QStringLiteral("Labels (2)"));
        QTest::keyClick(bar.lineEdit(), Qt::Key_Return);
        QCOMPARE(labels.count(), 1);
        QCOMPARE(labels.at(0).at(0).toStringList(), QStringList({QStringLiteral("galaxy"), QStringLiteral("nebula")}));
        bar.setText(QStringLiteral("a faint galaxy"));
        QCOMPARE(bar.findChild<QLabel*>(QStringLiteral("queryMode"))->text(), QStringLiteral("Search"));
        bar.submit();
        QCOMPARE(search.count(), 1);
        QCOMPARE(search.at(0).at(0).toString(), QStringLiteral("a faint galaxy"));
        bar.setText(QString());
        bar.submit();
        QCOMPARE(cleared.count(), 1);
        // History: newest first, no repeats, kept for the next session.
        QCOMPARE(bar.history()->queries(), QStringList({QStringLiteral("a faint galaxy"), QStringLiteral("galaxy, nebula")}));
        bar.setText(QStringLiteral("galaxy, nebula"));
        bar.submit();
        QCOMPARE(QueryHistory().queries(), QStringList({QStringLiteral("galaxy, nebula"), QStringLiteral("a faint galaxy")}));
    }

    void labelBarsReportClicks() {
        LabelBars bars;
        bars.setEntries({{QStringLiteral("galaxy"), 0.7, QStringLiteral("70.0 %"), {}},
                         {QStringLiteral("nebula"), 0.3, QStringLiteral("30.0 %"), {}}});
        bars.resize(300, bars.sizeHint().height());
        bars.show();
        QVERIFY(QTest::qWaitForWindowExposed(&bars));
        QSignalSpy clicked(&bars, &LabelBars::labelClicked);
        const int rowHeight = bars.fontMetrics().height() + 8;
        QTest::mouseClick(&bars, Qt::LeftButton, {}, QPoint(20, 2 + rowHeight + rowHeight / 2));
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.at(0).at(0).toString(), QStringLiteral("nebula"));
    }
};

QTEST_MAIN(TestCatalogModels)
#include "tst_catalogmodels.moc"
