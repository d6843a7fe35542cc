// The catalog side of the window end to end: catalogs indexed here through core with the reference
// model are opened in a real MainWindow, and what the window shows and stores (labels, rankings,
// captions, dropped files) is checked against core computing the same thing on its own.
#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>
#include <cmath>
#include <memory>

#include "catalog/catalog.h"
#include "catalog/catalogsearch.h"
#include "catalogbrowser.h"
#include "catalogcontroller.h"
#include "catalogfixture.h"
#include "errorbanner.h"
#include "foldertreemodel.h"
#include "imagedetailspanel.h"
#include "imagedocument.h"
#include "imagegridmodel.h"
#include "imageview.h"
#include "labelbars.h"
#include "mainwindow.h"
#include "model/textembedding.h"
#include "modelmanagerdialog.h"
#include "querybar.h"
#include "queryhistory.h"
#include "retrieval/prompttemplates.h"
#include "retrieval/queryparser.h"
#include "retrieval/zeroshotclassifier.h"
#include "thumbnailcache.h"

using namespace cosmoclip;

class TestCatalogWindow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void openingShowsImagesFoldersAndModel();
    void thumbnailsAreMadeOnDemandAndKeptOnDisk();
    void labelQueryStoresAndShowsZeroShotLabels();
    void labelQueryOnTheSelectionOnly();
    void searchPhraseRanksLikeCatalogSearch();
    void findSimilarLeavesTheImageOut();
    void filtersNarrowTheGridAndTheSearch();
    void droppedFilesAreIndexedThenLabelled();
    void captionEditIsStored();
    void errorsAppearInWords();
    void modelManagerShowsTheCard();
    void switchingToAnOpenAiPtEmbedsOnDemand();
    void nightVisionDrawsRedOnly();
    void shortcutsAndSettings();

private:
    void openCatalog(const QString& path, bool create = false);
    void waitIdle();
    Catalog readCatalog() const { return Catalog(QFile::encodeName(m_catalogPath).toStdString(), Catalog::Mode::ReadOnly); }
    std::vector<SearchHit> expectedRanking(const std::vector<float>& query, const SearchFilter& filter = {});
    ImageGridModel* grid() const { return m_window->browser()->model(); }
    QAction* action(const QString& text) const;

    QTemporaryDir m_dir;
    QString m_catalogPath;
    LoadedModelPtr m_model;  // core's own copy of the reference model, for expected values
    std::unique_ptr<MainWindow> m_window;
};

void TestCatalogWindow::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("CosmoCLIP"));
    QCoreApplication::setApplicationName(QStringLiteral("CosmoCLIP-catalog-tests"));
    QVERIFY(m_dir.isValid());
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("sky/a")));
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("sky/b")));
    for (int i = 0; i < 12; ++i)
        catalogfixture::writeSkyPng(m_dir.filePath(QStringLiteral("sky/%1/s%2.png").arg(i < 6 ? 'a' : 'b').arg(i, 2, 10, QLatin1Char('0'))), i);
    m_catalogPath = m_dir.filePath(QStringLiteral("catalog.sqlite"));
    m_model = catalogfixture::loadModel(m_catalogPath);
    catalogfixture::index(m_catalogPath, *m_model, {m_dir.filePath(QStringLiteral("sky"))});
    // Catalogs without a model of their own open with this one, as the command line does.
    qputenv("COSMOCLIP_DEFAULT_MODEL", QFile::encodeName(catalogfixture::modelDir()));
}

void TestCatalogWindow::init() {
    QSettings().clear();
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1200, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestCatalogWindow::cleanup() {
    m_window.reset();
}

void TestCatalogWindow::waitIdle() {
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->catalog()->isBusy(), 30000);
}

void TestCatalogWindow::openCatalog(const QString& path, bool create) {
    m_window->openCatalog(path, create);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->catalog()->model() != nullptr, 30000);
    waitIdle();
    QVERIFY(m_window->catalog()->snapshot());
}

QAction* TestCatalogWindow::action(const QString& text) const {
    for (QAction* a : m_window->findChildren<QAction*>())
        if (a->text().remove(QLatin1Char('&')) == text) return a;
    return nullptr;
}

std::vector<SearchHit> TestCatalogWindow::expectedRanking(const std::vector<float>& query, const SearchFilter& filter) {
    Catalog catalog(QFile::encodeName(m_catalogPath).toStdString());
    CatalogSearch search(catalog, m_model->record);
    return search.search(query.data(), 200, filter, SearchMode::Auto, false);
}

void TestCatalogWindow::openingShowsImagesFoldersAndModel() {
    openCatalog(m_catalogPath);
    QCOMPARE(grid()->rowCount(), 12);
    QVERIFY(m_window->browser()->isVisible());
    QVERIFY(m_window->queryBar()->isVisible());
    // The folder tree: all images, the common root, then a and b with six each.
    auto* folders = qobject_cast<FolderTreeModel*>(m_window->browser()->folderView()->model());
    QVERIFY(folders);
    QCOMPARE(folders->index(0, 0).data(FolderTreeModel::CountRole).toLongLong(), 12);
    const QModelIndex a = folders->indexOfFolder(QDir(m_dir.filePath(QStringLiteral("sky/a"))).absolutePath());
    QVERIFY(a.isValid());
    QCOMPARE(a.data(FolderTreeModel::CountRole).toLongLong(), 6);
    // The model the catalog was indexed with is active and chosen in the toolbar.
    QCOMPARE(m_window->catalog()->model()->record.id, m_model->record.id);
    QCOMPARE(m_window->modelCombo()->currentText(), QStringLiteral("model-hf"));
    QCOMPARE(QSettings().value(QStringLiteral("catalog/last")).toString(), QFileInfo(m_catalogPath).absoluteFilePath());
    QVERIFY2(m_window->windowTitle().contains(QStringLiteral("catalog.sqlite")), qPrintable(m_window->windowTitle()));

    // Selecting a thumbnail shows the image in the viewer and its details.
    m_window->browser()->selectImage(grid()->imageIdAt(3));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->view()->image().size(), QSize(96, 96), 15000);
    QCOMPARE(m_window->document()->path(), grid()->index(3).data(ImageGridModel::PathRole).toString());
    QCOMPARE(m_window->details()->imageId(), grid()->imageIdAt(3));
}

void TestCatalogWindow::thumbnailsAreMadeOnDemandAndKeptOnDisk() {
    openCatalog(m_catalogPath);
    ThumbnailCache* thumbnails = m_window->browser()->thumbnails();
    QTRY_VERIFY_WITH_TIMEOUT(thumbnails->requestCount() > 0 && thumbnails->pendingCount() == 0, 20000);
    const QModelIndex first = grid()->index(0);
    m_window->browser()->grid()->scrollTo(first);
    QTRY_VERIFY_WITH_TIMEOUT(!first.data(Qt::DecorationRole).value<QImage>().isNull(), 10000);
    QCOMPARE(first.data(Qt::DecorationRole).value<QImage>().size(), QSize(96, 96));  // smaller than kSide: as is

    // Named by content hash beside the catalog, so another session (or a moved file) reuses it.
    const QString key = first.data(ImageGridModel::ThumbnailKeyRole).toString();
    QCOMPARE(key.size(), 64);
    const QString onDisk = ThumbnailCache::diskFolderFor(m_catalogPath) + QLatin1Char('/') + key + QStringLiteral(".png");
    QVERIFY2(QFileInfo::exists(onDisk), qPrintable(onDisk));
    ThumbnailCache fresh;
    fresh.setDiskFolder(ThumbnailCache::diskFolderFor(m_catalogPath));
    QVERIFY(fresh.thumbnail(key, QStringLiteral("/no/such/source.png")).isNull());  // queued
    QTRY_VERIFY_WITH_TIMEOUT(!fresh.thumbnail(key, QStringLiteral("/no/such/source.png")).isNull(), 10000);
    QVERIFY(!fresh.hasFailed(key));
}

void TestCatalogWindow::labelQueryStoresAndShowsZeroShotLabels() {
    openCatalog(m_catalogPath);
    const QString text = QStringLiteral("spiral galaxy, planetary nebula, globular cluster");
    QueryBar* bar = m_window->queryBar();
    bar->setText(text);
    QCOMPARE(bar->findChild<QLabel*>(QStringLiteral("queryMode"))->text(), QStringLiteral("Labels (3)"));
    bar->submit();
    waitIdle();
    const QStringList labels = {QStringLiteral("spiral galaxy"), QStringLiteral("planetary nebula"), QStringLiteral("globular cluster")};
    QCOMPARE(m_window->catalog()->labelSet(), labels);

    // The same probabilities as core's classifier with the default templates (= cosmoclip classify --db).
    Catalog catalog = readCatalog();
    const ZeroShotClassifier classifier(
        {"spiral galaxy", "planetary nebula", "globular cluster"}, templateSet(kDefaultTemplateSet),
        [this](const std::vector<std::string>& texts) { return encodeTextStrings(*m_model->encoder, *m_model->tokenizer, texts); });
    const EmbeddingMatrix m = catalog.embeddings(m_model->record.id);
    QCOMPARE(m.imageIds.size(), size_t(12));
    const auto expected = classifier.classify(m.vectors.data(), m.imageIds.size(), m_model->encoder->logitScale());
    for (size_t i = 0; i < m.imageIds.size(); ++i) {
        const auto stored = catalog.labels(m.imageIds[i]);
        QCOMPARE(stored.size(), size_t(3));
        double sum = 0;
        size_t best = 0;
        for (size_t k = 1; k < 3; ++k)
            if (expected[i * 3 + k] > expected[i * 3 + best]) best = k;
        for (const LabelRecord& l : stored) {
            QCOMPARE(l.source, std::string("zero-shot"));
            QCOMPARE(l.modelId.value_or(-1), m_model->record.id);
            const auto k = size_t(labels.indexOf(QString::fromStdString(l.label)));
            QVERIFY(k < 3);
            QVERIFY(std::abs(l.probability - expected[i * 3 + k]) < 1e-9);
            sum += l.probability;
        }
        QVERIFY(std::abs(sum - 1.0) < 1e-9);
        // The chip under the thumbnail is the most probable label.
        const int row = grid()->rowOfImage(m.imageIds[i]);
        QCOMPARE(grid()->index(row).data(ImageGridModel::LabelRole).toString(), labels[qsizetype(best)]);
        QVERIFY(std::abs(grid()->index(row).data(ImageGridModel::LabelProbabilityRole).toDouble() - expected[i * 3 + best]) < 1e-9);
    }
    // The summary: one chip per label with its share of the images.
    const auto summary = m_window->browser()->summary()->entries();
    QCOMPARE(summary.size(), 3);
    double shares = 0;
    for (const auto& e : summary) shares += e.fraction;
    QVERIFY(std::abs(shares - 1.0) < 1e-9);
    QVERIFY(m_window->browser()->summary()->isVisible());
    // The details panel shows all three with bars, best first.
    m_window->browser()->selectImage(m.imageIds[0]);
    const auto bars = m_window->details()->labelBars()->entries();
    QCOMPARE(bars.size(), 3);
    QVERIFY(bars[0].fraction >= bars[1].fraction && bars[1].fraction >= bars[2].fraction);
    QVERIFY(bars[0].value.endsWith(QStringLiteral(" %")));
}

void TestCatalogWindow::labelQueryOnTheSelectionOnly() {
    openCatalog(m_catalogPath);
    QListView* view = m_window->browser()->grid();
    view->selectionModel()->select(grid()->index(1), QItemSelectionModel::Select);
    view->selectionModel()->select(grid()->index(7), QItemSelectionModel::Select);
    const std::vector<int64_t> chosen = {grid()->imageIdAt(1), grid()->imageIdAt(7)};
    QueryBar* bar = m_window->queryBar();
    bar->setScope(QueryBar::Scope::Selection);
    bar->setText(QStringLiteral("red star, blue star,"));
    QCOMPARE(QueryBar::splitLabels(bar->text()), QStringList({QStringLiteral("red star"), QStringLiteral("blue star")}));
    bar->submit();
    waitIdle();
    Catalog catalog = readCatalog();
    for (int row = 0; row < grid()->rowCount(); ++row) {
        const int64_t id = grid()->imageIdAt(row);
        bool hasRed = false;
        for (const LabelRecord& l : catalog.labels(id)) hasRed = hasRed || l.label == "red star";
        QCOMPARE(hasRed, std::find(chosen.begin(), chosen.end(), id) != chosen.end());
    }
}

void TestCatalogWindow::searchPhraseRanksLikeCatalogSearch() {
    openCatalog(m_catalogPath);
    const QString text = QStringLiteral("a bright red nebula - 0.5:faint stars");
    QueryBar* bar = m_window->queryBar();
    bar->setText(text);
    QCOMPARE(bar->findChild<QLabel*>(QStringLiteral("queryMode"))->text(), QStringLiteral("Search"));
    bar->submit();
    waitIdle();
    QVERIFY(grid()->showsResults());
    QVERIFY(m_window->browser()->resultsInfo()->text().contains(text));

    const auto terms = parseQuery(text.toStdString());
    std::vector<float> vectors;
    for (const auto& t : terms) {
        const auto v = encodeTextStrings(*m_model->encoder, *m_model->tokenizer, {t.text});
        vectors.insert(vectors.end(), v.begin(), v.end());
    }
    const auto expected = expectedRanking(combineQuery(terms, vectors, size_t(m_model->encoder->embedDim())));
    QCOMPARE(expected.size(), size_t(12));
    QCOMPARE(grid()->rowCount(), 12);
    for (int row = 0; row < 12; ++row) {
        QCOMPARE(grid()->imageIdAt(row), expected[size_t(row)].id);
        QCOMPARE(float(grid()->index(row).data(ImageGridModel::ScoreRole).toDouble()), expected[size_t(row)].score);
    }
    QCOMPARE(ImageGridModel::SortKey(m_window->browser()->sortCombo()->currentData().toInt()), ImageGridModel::SortKey::Score);
    // History: the query comes back first in the completer's list, also in a new window.
    QCOMPARE(bar->history()->queries().value(0), text);
    QCOMPARE(QueryHistory().queries().value(0), text);

    // Esc returns to the catalog in path order, without scores.
    QTest::keyClick(m_window.get(), Qt::Key_Escape);
    QVERIFY(!grid()->showsResults());
    QCOMPARE(grid()->rowCount(), 12);
    QVERIFY(!grid()->index(0).data(ImageGridModel::ScoreRole).isValid());
    QVERIFY(grid()->index(0).data(ImageGridModel::PathRole).toString() < grid()->index(1).data(ImageGridModel::PathRole).toString());
}

void TestCatalogWindow::findSimilarLeavesTheImageOut() {
    openCatalog(m_catalogPath);
    const int64_t id = grid()->imageIdAt(4);
    m_window->browser()->selectImage(id);
    QVERIFY(m_window->details()->findSimilarButton()->isEnabled());
    QTest::mouseClick(m_window->details()->findSimilarButton(), Qt::LeftButton);
    waitIdle();
    QVERIFY(grid()->showsResults());
    QCOMPARE(grid()->rowCount(), 11);
    QCOMPARE(grid()->rowOfImage(id), -1);
    SearchFilter filter;
    filter.excludeId = id;
    const auto expected = expectedRanking(readCatalog().embedding(id, m_model->record.id), filter);
    QCOMPARE(expected.size(), size_t(11));
    for (int row = 0; row < 11; ++row) QCOMPARE(grid()->imageIdAt(row), expected[size_t(row)].id);
    QVERIFY(m_window->browser()->resultsInfo()->text().contains(QStringLiteral("Similar to s04.png")));
}

void TestCatalogWindow::filtersNarrowTheGridAndTheSearch() {
    openCatalog(m_catalogPath);
    CatalogBrowser* browser = m_window->browser();
    const QString folderB = QDir(m_dir.filePath(QStringLiteral("sky/b"))).absolutePath();
    auto* folders = qobject_cast<FolderTreeModel*>(browser->folderView()->model());
    browser->folderView()->setCurrentIndex(folders->indexOfFolder(folderB));
    QCOMPARE(grid()->rowCount(), 6);
    for (int row = 0; row < 6; ++row) QVERIFY(grid()->index(row).data(ImageGridModel::PathRole).toString().startsWith(folderB));
    // A search ranks only the filtered images.
    m_window->queryBar()->setText(QStringLiteral("globular cluster"));
    m_window->queryBar()->submit();
    waitIdle();
    QCOMPARE(grid()->rowCount(), 6);
    for (int row = 0; row < 6; ++row) QVERIFY(grid()->index(row).data(ImageGridModel::PathRole).toString().startsWith(folderB));
    // Header text: file names and header values; an unknown KEY= is explained.
    m_window->queryBar()->setText(QString());
    m_window->queryBar()->submit();
    browser->folderView()->setCurrentIndex(folders->index(0, 0));
    browser->headerFilter()->setText(QStringLiteral("s1"));
    QTRY_COMPARE(grid()->rowCount(), 2);  // s10, s11
    browser->headerFilter()->setText(QStringLiteral("format=png s03"));
    QTRY_COMPARE(grid()->rowCount(), 1);
    browser->headerFilter()->setText(QStringLiteral("colour=red"));
    QTRY_VERIFY(browser->headerFilter()->toolTip().contains(QStringLiteral("unknown key")));
}

void TestCatalogWindow::droppedFilesAreIndexedThenLabelled() {
    const QString path = m_dir.filePath(QStringLiteral("dropped.sqlite"));
    openCatalog(path, true);
    QCOMPARE(grid()->rowCount(), 0);
    m_window->catalog()->setLabelSet({QStringLiteral("galaxy"), QStringLiteral("nebula")});
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("drop/folder")));
    for (int i = 0; i < 3; ++i)
        catalogfixture::writeSkyPng(m_dir.filePath(QStringLiteral("drop/folder/d%1.png").arg(i)), 100 + i);
    const QString single = m_dir.filePath(QStringLiteral("drop/single.png"));
    catalogfixture::writeSkyPng(single, 200);
    QSignalSpy inserted(grid(), &QAbstractItemModel::rowsInserted);

    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(m_dir.filePath(QStringLiteral("drop/folder"))), QUrl::fromLocalFile(single)});
    const QPointF where(300, 300);
    QDragEnterEvent enter(where.toPoint(), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(m_window.get(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(where, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(m_window.get(), &drop);
    QVERIFY(drop.isAccepted());
    QVERIFY(m_window->catalog()->isBusy());  // the IndexJob runs; the window is not waiting for it
    QTRY_COMPARE_WITH_TIMEOUT(grid()->rowCount(), 4, 30000);
    waitIdle();
    QVERIFY(inserted.count() >= 1);  // rows were inserted into the grid, not reset

    Catalog catalog(QFile::encodeName(path).toStdString(), Catalog::Mode::ReadOnly);
    QCOMPARE(catalog.countImages(ImageStatus::Ok), 4);
    const ModelRecord model = m_window->catalog()->model()->record;
    for (const ImageRecord& r : catalog.allImages()) {
        QVERIFY(catalog.hasEmbedding(r.id, model.id));
        // Labelled against the current label set once indexed.
        const auto labels = catalog.labels(r.id);
        QCOMPARE(labels.size(), size_t(2));
        QCOMPARE(labels[0].source, std::string("zero-shot"));
        QCOMPARE(grid()->index(grid()->rowOfImage(r.id)).data(ImageGridModel::LabelRole).toString(),
                 QString::fromStdString(labels[0].label));
    }
}

void TestCatalogWindow::captionEditIsStored() {
    openCatalog(m_catalogPath);
    const int64_t id = grid()->imageIdAt(2);
    m_window->browser()->selectImage(id);
    ImageDetailsPanel* details = m_window->details();
    QCOMPARE(details->imageId(), id);
    QVERIFY(!details->saveButton()->isEnabled());
    const QString caption = QStringLiteral("Two bright stars beside a faint red smudge");
    details->captionEdit()->setPlainText(caption);
    QVERIFY(details->saveButton()->isEnabled());
    QTest::mouseClick(details->saveButton(), Qt::LeftButton);
    waitIdle();
    bool stored = false;
    for (const CaptionRecord& c : readCatalog().captions(id)) stored = stored || (c.source == "user" && c.text == caption.toStdString());
    QVERIFY(stored);
    // Another image and back: the caption is read from the catalog again.
    m_window->browser()->selectImage(grid()->imageIdAt(5));
    QVERIFY(details->captionEdit()->toPlainText() != caption);
    m_window->browser()->selectImage(id);
    QCOMPARE(details->captionEdit()->toPlainText(), caption);
    QVERIFY(!details->saveButton()->isEnabled());
}

void TestCatalogWindow::errorsAppearInWords() {
    const QString junk = m_dir.filePath(QStringLiteral("notes.sqlite"));
    {
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("these are my observing notes, not a catalog\n");
    }
    m_window->openCatalog(junk);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->banner()->isVisible(), 15000);
    QVERIFY2(m_window->banner()->text().contains(QStringLiteral("notes.sqlite")), qPrintable(m_window->banner()->text()));
    QVERIFY(!m_window->catalog()->hasCatalog());

    openCatalog(m_catalogPath);
    const QString broken = m_dir.filePath(QStringLiteral("broken.png"));
    {
        QFile f(broken);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("\x89PNG\r\n\x1a\n but then nothing");
    }
    m_window->addToCatalog({broken});
    waitIdle();
    QTRY_VERIFY(m_window->banner()->isVisible());
    QVERIFY2(m_window->banner()->text().contains(QStringLiteral("1 file could not be added")), qPrintable(m_window->banner()->text()));
    QVERIFY2(m_window->banner()->text().contains(QStringLiteral("broken.png")), qPrintable(m_window->banner()->text()));
    QCOMPARE(grid()->rowCount(), 12);
    // A query the parser refuses is explained, not thrown.
    m_window->queryBar()->setText(QStringLiteral("nebula + 0:stars"));
    m_window->queryBar()->submit();
    waitIdle();
    QVERIFY2(m_window->banner()->text().contains(QStringLiteral("Search failed")), qPrintable(m_window->banner()->text()));
}

void TestCatalogWindow::modelManagerShowsTheCard() {
    openCatalog(m_catalogPath);
    ModelManagerDialog* dialog = m_window->modelManager();
    dialog->show();
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    QCOMPARE(dialog->table()->rowCount(), 1);
    dialog->table()->selectRow(0);
    const QString card = dialog->cardText();
    QVERIFY2(card.contains(QStringLiteral("Architecture: ViT")), qPrintable(card));
    QVERIFY2(card.contains(QStringLiteral("embedding 64")), qPrintable(card));
    QVERIFY2(card.contains(QStringLiteral("Embedding: 64 dimensions, input 64")), qPrintable(card));
    QVERIFY2(card.contains(QStringLiteral("Images embedded: 12 of 12")), qPrintable(card));
    QVERIFY2(card.contains(QDir::toNativeSeparators(QFileInfo(catalogfixture::modelDir()).absoluteFilePath())), qPrintable(card));
    QVERIFY(dialog->table()->item(0, 0)->text().contains(QStringLiteral("\u25cf")));  // the active one
    dialog->close();
}

void TestCatalogWindow::switchingToAnOpenAiPtEmbedsOnDemand() {
    const QString path = m_dir.filePath(QStringLiteral("switch.sqlite"));
    openCatalog(path, true);
    m_window->addToCatalog({m_dir.filePath(QStringLiteral("sky/a"))});
    waitIdle();
    QCOMPARE(grid()->rowCount(), 6);
    const QString pt = QStringLiteral(COSMOCLIP_SHARED_DIR "/clip-reference/model-openai.pt");
    m_window->catalog()->loadModel(pt);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->catalog()->model()->path == QFileInfo(pt).absoluteFilePath(), 30000);
    waitIdle();
    QCOMPARE(m_window->modelCombo()->currentText(), QStringLiteral("model-openai.pt"));
    QCOMPARE(m_window->modelCombo()->findData(QFileInfo(catalogfixture::modelDir()).absoluteFilePath()) >= 0, true);

    // The new model has no vectors yet: the search embeds the catalog with it first.
    m_window->queryBar()->setText(QStringLiteral("spiral galaxy"));
    m_window->queryBar()->submit();
    waitIdle();
    const LoadedModelPtr active = m_window->catalog()->model();
    Catalog catalog(QFile::encodeName(path).toStdString());
    QCOMPARE(catalog.pathsWithoutEmbedding(active->record.id).size(), size_t(0));
    const auto query = encodeTextStrings(*active->encoder, *active->tokenizer, {"spiral galaxy"});
    CatalogSearch search(catalog, active->record);
    const auto expected = search.search(query.data(), 200);
    QCOMPARE(grid()->rowCount(), 6);
    for (int row = 0; row < 6; ++row) QCOMPARE(grid()->imageIdAt(row), expected[size_t(row)].id);

    ModelManagerDialog* dialog = m_window->modelManager();
    QTRY_COMPARE(dialog->table()->rowCount(), 2);
    for (int row = 0; row < 2; ++row) QCOMPARE(dialog->table()->item(row, 3)->text(), QStringLiteral("6 of 6"));
}

void TestCatalogWindow::nightVisionDrawsRedOnly() {
    const QString file = m_dir.filePath(QStringLiteral("teal.png"));
    QImage picture(40, 30, QImage::Format_RGB888);
    picture.fill(QColor(40, 200, 180));
    QVERIFY(picture.save(file));
    m_window->openFile(file);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->view()->image().size(), QSize(40, 30), 15000);
    auto centre = [this] {
        const QImage shot = m_window->view()->grab().toImage();
        return shot.pixelColor(shot.width() / 2, shot.height() / 2);
    };
    QVERIFY(centre().green() > 150);
    m_window->setNightVision(true);
    const QColor red = centre();
    QCOMPARE(red.green(), 0);
    QCOMPARE(red.blue(), 0);
    QVERIFY(red.red() > 20);
    const QColor window = QApplication::palette().color(QPalette::WindowText);
    QVERIFY(window.red() > 3 * window.green() && window.red() > 3 * window.blue());
    QVERIFY(QSettings().value(QStringLiteral("appearance/nightVision")).toBool());
    m_window->setNightVision(false);
    QVERIFY(centre().green() > 150);
}

void TestCatalogWindow::shortcutsAndSettings() {
    openCatalog(m_catalogPath);
    m_window->activateWindow();
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(m_window->queryBar()->lineEdit()->hasFocus());
    QAction* fineTune = action(QStringLiteral("Fine-tune\u2026"));
    QVERIFY(fineTune);
    QVERIFY(fineTune->isEnabled());  // the wizard itself is tested in tst_finetune
    QVERIFY(!fineTune->toolTip().isEmpty());
    QCOMPARE(action(QStringLiteral("New Catalog\u2026"))->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    QCOMPARE(action(QStringLiteral("Full Screen"))->shortcut(), QKeySequence(Qt::Key_F11));
    // The model chosen for a catalog is remembered for it.
    const QVariantMap models = QSettings().value(QStringLiteral("catalog/models")).toMap();
    QCOMPARE(models.value(QFileInfo(m_catalogPath).absoluteFilePath()).toString(), QFileInfo(catalogfixture::modelDir()).absoluteFilePath());
    // A new window reopens the last catalog when asked to.
    m_window.reset();
    m_window = std::make_unique<MainWindow>();
    m_window->show();
    m_window->restoreLastCatalog();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->catalog()->model() != nullptr, 30000);
    QCOMPARE(m_window->catalog()->catalogPath(), QFileInfo(m_catalogPath).absoluteFilePath());
    waitIdle();
}

QTEST_MAIN(TestCatalogWindow)
#include "tst_catalogwindow.moc"
