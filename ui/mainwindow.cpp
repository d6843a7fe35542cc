#include "mainwindow.h"

#include <QAbstractButton>
#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSettings>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStandardItemModel>
#include <QStatusBar>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>
#include <algorithm>
#include <optional>

#include "catalogbrowser.h"
#include "catalogcontroller.h"
#include "common/version.h"
#include "displaytext.h"
#include "errorbanner.h"
#include "finetunewizard.h"
#include "foldertreemodel.h"
#include "headerdock.h"
#include "imagedetailspanel.h"
#include "imagedocument.h"
#include "imagegridmodel.h"
#include "imageview.h"
#include "jobstatuswidget.h"
#include "language.h"
#include "modelmanagerdialog.h"
#include "nightvision.h"
#include "planeselector.h"
#include "querybar.h"
#include "recentfiles.h"
#include "thumbnailcache.h"
#include "trainingdashboard.h"

namespace cosmoclip {

namespace {

struct StretchEntry {
    const char* label;
    StretchKind kind;
};

// The order of the stretch selector.
constexpr StretchEntry kStretches[] = {
    {QT_TRANSLATE_NOOP("cosmoclip::MainWindow", "Auto"), StretchKind::Auto},
    {QT_TRANSLATE_NOOP("cosmoclip::MainWindow", "Linear"), StretchKind::Linear},
    {QT_TRANSLATE_NOOP("cosmoclip::MainWindow", "Percentile 99.5 %"), StretchKind::Percentile},
    {QT_TRANSLATE_NOOP("cosmoclip::MainWindow", "ZScale"), StretchKind::ZScale},
    {QT_TRANSLATE_NOOP("cosmoclip::MainWindow", "Asinh"), StretchKind::Asinh},
    {QT_TRANSLATE_NOOP("cosmoclip::MainWindow", "Log"), StretchKind::Log},
    {QT_TRANSLATE_NOOP("cosmoclip::MainWindow", "Sqrt"), StretchKind::Sqrt},
    {QT_TRANSLATE_NOOP("cosmoclip::MainWindow", "Histogram equalisation"), StretchKind::HistEq},
    {QT_TRANSLATE_NOOP("cosmoclip::MainWindow", "None"), StretchKind::None},
};

const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
const QString kStateKey = QStringLiteral("mainWindow/state");
const QString kLastDirKey = QStringLiteral("mainWindow/lastDirectory");
const QString kSplitterKey = QStringLiteral("mainWindow/splitter");
const QString kLastCatalogDirKey = QStringLiteral("catalog/lastDirectory");
const QString kNightVisionKey = QStringLiteral("appearance/nightVision");

QString catalogFilter() {
    return MainWindow::tr("CosmoCLIP catalogs (*.sqlite *.db);;All files (*)");
}

QString fileFilter() {
    return MainWindow::tr(
        "Images (*.fits *.fit *.fts *.fz *.gz *.png *.jpg *.jpeg *.tif *.tiff);;"
        "FITS (*.fits *.fit *.fts *.fz *.gz);;"
        "PNG, JPEG, TIFF (*.png *.jpg *.jpeg *.tif *.tiff);;"
        "All files (*)");
}

QStringList localFiles(const QMimeData* mime) {
    QStringList files;
    if (!mime || !mime->hasUrls()) return files;
    for (const QUrl& url : mime->urls()) {
        if (url.isLocalFile()) files << url.toLocalFile();
    }
    return files;
}

QString catalogDir() {
    return QSettings().value(kLastCatalogDirKey, QDir::homePath()).toString();
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_doc(new ImageDocument(this)),
      m_view(new ImageView),
      m_banner(new ErrorBanner),
      m_headerDock(new HeaderDock(this)) {
    m_catalog = new CatalogController(this);
    setWindowTitle(QStringLiteral("CosmoCLIP"));
    setAcceptDrops(true);
    m_view->setObjectName(QStringLiteral("imageView"));
    createCatalogWidgets();

    auto* central = new QWidget;
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    layout->addWidget(m_splitter, 1);
    setCentralWidget(central);
    addDockWidget(Qt::LeftDockWidgetArea, m_foldersDock);
    addDockWidget(Qt::RightDockWidgetArea, m_detailsDock);
    addDockWidget(Qt::RightDockWidgetArea, m_headerDock);
    tabifyDockWidget(m_detailsDock, m_headerDock);

    createActions();
    createCatalogActions();
    createMenus();
    createToolBar();
    createStatusBar();
    connectDocument();
    connectCatalog();
    restoreSettings();
    m_view->setFocus();
}

MainWindow::~MainWindow() = default;

// The browser sits left of the viewer in a splitter; both stay visible, so picking a thumbnail shows
// the image at once. Without a catalog only the viewer shows, as before catalogs existed.
void MainWindow::createCatalogWidgets() {
    m_browser = new CatalogBrowser;
    m_queryBar = new QueryBar;
    m_details = new ImageDetailsPanel;
    m_splitter = new QSplitter(Qt::Horizontal);
    m_splitter->setObjectName(QStringLiteral("browserSplitter"));
    m_splitter->addWidget(m_browser);
    m_splitter->addWidget(m_view);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setChildrenCollapsible(false);

    m_foldersDock = new QDockWidget(tr("Folders"), this);
    m_foldersDock->setObjectName(QStringLiteral("foldersDock"));
    m_foldersDock->setWidget(m_browser->folderView());
    m_detailsDock = new QDockWidget(tr("Image"), this);
    m_detailsDock->setObjectName(QStringLiteral("detailsDock"));
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(m_details);
    m_detailsDock->setWidget(scroll);
    showCatalogUi(false);
}

void MainWindow::showCatalogUi(bool on) {
    m_browser->setVisible(on);
    if (m_queryToolBar) m_queryToolBar->setVisible(on);
    m_foldersDock->setVisible(on);
    m_detailsDock->setVisible(on);
    if (on) m_detailsDock->raise();
}

void MainWindow::createActions() {
    m_openAction = new QAction(tr("&Open\u2026"), this);
    m_openAction->setShortcut(QKeySequence::Open);
    m_openAction->setToolTip(tr("Open a FITS, PNG, JPEG or TIFF file (Ctrl+O)"));
    connect(m_openAction, &QAction::triggered, this, &MainWindow::chooseFile);

    m_quitAction = new QAction(tr("&Quit"), this);
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);

    m_fitAction = new QAction(tr("&Fit"), this);
    m_fitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    m_fitAction->setToolTip(tr("Fit the image to the window (Ctrl+0)"));
    connect(m_fitAction, &QAction::triggered, m_view, &ImageView::zoomToFit);

    m_actualSizeAction = new QAction(tr("&1:1"), this);
    m_actualSizeAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    m_actualSizeAction->setToolTip(tr("One image pixel per screen pixel (Ctrl+1)"));
    connect(m_actualSizeAction, &QAction::triggered, m_view, &ImageView::zoomToActualSize);

    // Ctrl+= as well, so that zooming in needs no Shift on most keyboards.
    m_zoomInAction = new QAction(tr("Zoom &In"), this);
    m_zoomInAction->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::Key_Plus), QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    m_zoomInAction->setToolTip(tr("Zoom in (Ctrl++)"));
    connect(m_zoomInAction, &QAction::triggered, m_view, &ImageView::zoomIn);

    m_zoomOutAction = new QAction(tr("Zoom &Out"), this);
    m_zoomOutAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Minus));
    m_zoomOutAction->setToolTip(tr("Zoom out (Ctrl+-)"));
    connect(m_zoomOutAction, &QAction::triggered, m_view, &ImageView::zoomOut);

    m_nextPlaneAction = new QAction(tr("&Next Plane"), this);
    m_nextPlaneAction->setShortcut(QKeySequence(Qt::Key_PageDown));
    connect(m_nextPlaneAction, &QAction::triggered, this, [this] { stepPlane(+1); });
    m_previousPlaneAction = new QAction(tr("&Previous Plane"), this);
    m_previousPlaneAction->setShortcut(QKeySequence(Qt::Key_PageUp));
    connect(m_previousPlaneAction, &QAction::triggered, this, [this] { stepPlane(-1); });

    m_aboutAction = new QAction(tr("&About CosmoCLIP"), this);
    m_aboutAction->setMenuRole(QAction::AboutRole);
    connect(m_aboutAction, &QAction::triggered, this, [this] {
        QMessageBox::about(
            this, tr("About CosmoCLIP"),
            tr("<b>CosmoCLIP %1</b><p>Vision-language search and labelling for sky images.</p>")
                .arg(QString::fromLatin1(kVersion)));
    });
}

void MainWindow::createCatalogActions() {
    m_newCatalogAction = new QAction(tr("&New Catalog\u2026"), this);
    m_newCatalogAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    m_newCatalogAction->setToolTip(tr("Create an empty catalog file (Ctrl+Shift+N)"));
    connect(m_newCatalogAction, &QAction::triggered, this, &MainWindow::chooseNewCatalog);

    m_openCatalogAction = new QAction(tr("Open &Catalog\u2026"), this);
    m_openCatalogAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_openCatalogAction->setToolTip(tr("Open a catalog file (Ctrl+Shift+O)"));
    connect(m_openCatalogAction, &QAction::triggered, this, &MainWindow::chooseCatalog);

    m_addFolderAction = new QAction(tr("Add &Folder to Catalog\u2026"), this);
    m_addFolderAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_addFolderAction->setToolTip(tr("Index a folder of images into the catalog (Ctrl+I); dropping folders works too"));
    connect(m_addFolderAction, &QAction::triggered, this, &MainWindow::chooseFolderToAdd);
    m_addFilesAction = new QAction(tr("Add Files to Catalog\u2026"), this);
    m_addFilesAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I));
    connect(m_addFilesAction, &QAction::triggered, this, &MainWindow::chooseFilesToAdd);

    m_findAction = new QAction(tr("&Find\u2026"), this);
    m_findAction->setShortcut(QKeySequence::Find);
    m_findAction->setToolTip(tr("Type labels with commas, or a search phrase (Ctrl+F)"));
    connect(m_findAction, &QAction::triggered, this, [this] {
        if (!m_catalog->hasCatalog()) {
            onCatalogError(tr("No catalog to search"), tr("Open a catalog (Ctrl+Shift+O) or create one (Ctrl+Shift+N) first."));
            return;
        }
        m_queryBar->focusQuery();
    });
    m_findSimilarAction = new QAction(tr("Find &Similar"), this);
    m_findSimilarAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    m_findSimilarAction->setToolTip(tr("Rank the catalog by similarity to the selected image (Ctrl+Shift+F)"));
    connect(m_findSimilarAction, &QAction::triggered, this, &MainWindow::findSimilarToCurrent);
    m_backAction = new QAction(tr("&Back to Catalog"), this);
    m_backAction->setShortcut(QKeySequence(Qt::Key_Escape));
    connect(m_backAction, &QAction::triggered, m_browser, &CatalogBrowser::clearResults);

    m_fullScreenAction = new QAction(tr("F&ull Screen"), this);
    m_fullScreenAction->setShortcut(QKeySequence(Qt::Key_F11));
    m_fullScreenAction->setCheckable(true);
    connect(m_fullScreenAction, &QAction::toggled, this, [this](bool on) {
        if (on) {
            showFullScreen();
        } else {
            showNormal();
        }
    });
    m_nightAction = new QAction(tr("&Night Vision"), this);
    m_nightAction->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_N));
    m_nightAction->setCheckable(true);
    m_nightAction->setToolTip(tr("Red on black, images in red only: keeps your eyes dark-adapted at the telescope "
                                 "(Ctrl+Alt+N)"));
    connect(m_nightAction, &QAction::toggled, this, &MainWindow::setNightVision);

    m_modelManagerAction = new QAction(tr("&Models\u2026"), this);
    m_modelManagerAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
    m_modelManagerAction->setToolTip(tr("The catalog's models, their cards, and the active one (Ctrl+Shift+M)"));
    connect(m_modelManagerAction, &QAction::triggered, this, &MainWindow::showModelManager);
    m_addModelFolderAction = new QAction(tr("Add Model &Folder\u2026"), this);
    connect(m_addModelFolderAction, &QAction::triggered, this, [this] { modelManager()->chooseFolder(); });
    m_addModelPtAction = new QAction(tr("Add OpenAI &.pt File\u2026"), this);
    connect(m_addModelPtAction, &QAction::triggered, this, [this] { modelManager()->choosePtFile(); });
    m_fineTuneAction = new QAction(tr("&Fine-tune\u2026"), this);
    m_fineTuneAction->setToolTip(tr("Teach a model the catalog's labels and captions (as `cosmoclip finetune`)"));
    m_fineTuneAction->setStatusTip(m_fineTuneAction->toolTip());
    connect(m_fineTuneAction, &QAction::triggered, this, &MainWindow::showFineTuneWizard);
    m_dashboardAction = new QAction(tr("&Training Dashboard"), this);
    m_dashboardAction->setToolTip(tr("The running fine-tune and the catalog's past runs"));
    connect(m_dashboardAction, &QAction::triggered, this, &MainWindow::showTrainingDashboard);
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_newCatalogAction);
    file->addAction(m_openCatalogAction);
    file->addAction(m_addFolderAction);
    file->addAction(m_addFilesAction);
    file->addSeparator();
    file->addAction(m_openAction);
    QMenu* recent = file->addMenu(tr("Open &Recent"));
    m_recent = new RecentFiles(recent, this);
    connect(m_recent, &RecentFiles::openRequested, this, &MainWindow::openFile);
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu* edit = menuBar()->addMenu(tr("&Search"));
    edit->addAction(m_findAction);
    edit->addAction(m_findSimilarAction);
    edit->addAction(m_backAction);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_fitAction);
    view->addAction(m_actualSizeAction);
    view->addAction(m_zoomInAction);
    view->addAction(m_zoomOutAction);
    view->addSeparator();
    view->addAction(m_nextPlaneAction);
    view->addAction(m_previousPlaneAction);
    view->addSeparator();
    QAction* headerToggle = m_headerDock->toggleViewAction();
    headerToggle->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_H));
    view->addAction(headerToggle);
    view->addAction(m_foldersDock->toggleViewAction());
    view->addAction(m_detailsDock->toggleViewAction());
    view->addSeparator();
    view->addAction(m_fullScreenAction);
    view->addAction(m_nightAction);
    view->addSeparator();
    createLanguageMenu(view);

    QMenu* model = menuBar()->addMenu(tr("&Model"));
    model->addAction(m_modelManagerAction);
    model->addAction(m_addModelFolderAction);
    model->addAction(m_addModelPtAction);
    model->addSeparator();
    model->addAction(m_fineTuneAction);
    model->addAction(m_dashboardAction);
    model->setToolTipsVisible(true);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_aboutAction);
}

// View › Language: the stored choice; the window's texts are made once, so a change applies at the
// next start.
void MainWindow::createLanguageMenu(QMenu* view) {
    QMenu* menu = view->addMenu(tr("&Language"));
    menu->setObjectName(QStringLiteral("languageMenu"));
    auto* group = new QActionGroup(menu);
    const QString chosen = Language::choice();
    QStringList choices = {QStringLiteral("system")};
    choices += Language::available();
    for (const QString& choice : choices) {
        const QString text = choice == QLatin1String("system")
                                 ? tr("&System (%1)").arg(Language::nativeName(Language::resolve(choice)))
                                 : Language::nativeName(choice);
        QAction* action = menu->addAction(text);
        action->setData(choice);
        action->setCheckable(true);
        action->setChecked(choice == chosen);
        group->addAction(action);
        connect(action, &QAction::triggered, this, [this, choice] { chooseLanguage(choice); });
    }
}

void MainWindow::chooseLanguage(const QString& choice) {
    Language::setChoice(choice);
    const QString language = Language::resolve(choice);
    if (language == Language::current()) {
        statusBar()->showMessage(tr("Language: %1").arg(Language::nativeName(language)), 5000);
        return;
    }
    const QString note = tr("CosmoCLIP will be in %1 from its next start.").arg(Language::nativeName(language));
    statusBar()->showMessage(note, 10000);
    auto* box = new QMessageBox(QMessageBox::Information, tr("Language"), note, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("languageNote"));
    box->button(QMessageBox::Ok)->setText(tr("OK"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();  // not modal to the event loop: nothing waits for it
}

void MainWindow::createToolBar() {
    QToolBar* bar = addToolBar(tr("Image"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->setMovable(false);
    bar->addAction(m_openAction);
    bar->addSeparator();

    auto* hduBox = new QWidget;
    auto* hduLayout = new QHBoxLayout(hduBox);
    hduLayout->setContentsMargins(6, 0, 6, 0);
    m_hduCombo = new QComboBox;
    m_hduCombo->setObjectName(QStringLiteral("hduCombo"));
    m_hduCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_hduCombo->setToolTip(tr("Header/data unit shown (tables cannot be displayed)"));
    auto* hduLabel = new QLabel(tr("&HDU"));
    hduLabel->setBuddy(m_hduCombo);
    hduLayout->addWidget(hduLabel);
    hduLayout->addWidget(m_hduCombo);
    m_hduAction = bar->addWidget(hduBox);
    m_hduAction->setVisible(false);
    connect(m_hduCombo, &QComboBox::currentIndexChanged, this, &MainWindow::onHduActivated);

    auto* stretchBox = new QWidget;
    auto* stretchLayout = new QHBoxLayout(stretchBox);
    stretchLayout->setContentsMargins(6, 0, 6, 0);
    m_stretchCombo = new QComboBox;
    m_stretchCombo->setObjectName(QStringLiteral("stretchCombo"));
    for (const StretchEntry& entry : kStretches) m_stretchCombo->addItem(tr(entry.label), int(entry.kind));
    auto* stretchLabel = new QLabel(tr("&Stretch"));
    stretchLabel->setBuddy(m_stretchCombo);
    stretchLayout->addWidget(stretchLabel);
    stretchLayout->addWidget(m_stretchCombo);
    bar->addWidget(stretchBox);
    connect(m_stretchCombo, &QComboBox::currentIndexChanged, this, [this] {
        m_stretchChosen = true;
        requestRender();
    });

    m_planeSelector = new PlaneSelector;
    m_planeAction = bar->addWidget(m_planeSelector);
    m_planeAction->setVisible(false);
    connect(m_planeSelector, &PlaneSelector::planeChanged, this, [this] {
        requestRender();
        updateReadout();
    });

    bar->addSeparator();
    bar->addAction(m_fitAction);
    bar->addAction(m_actualSizeAction);
    bar->addAction(m_zoomInAction);
    bar->addAction(m_zoomOutAction);

    // The model chooser: the catalog's models, then the ways to add one.
    bar->addSeparator();
    auto* modelBox = new QWidget;
    auto* modelLayout = new QHBoxLayout(modelBox);
    modelLayout->setContentsMargins(6, 0, 6, 0);
    m_modelCombo = new QComboBox;
    m_modelCombo->setObjectName(QStringLiteral("modelCombo"));
    m_modelCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_modelCombo->setToolTip(tr("The model that embeds, labels and searches the catalog"));
    auto* modelLabel = new QLabel(tr("&Model"));
    modelLabel->setBuddy(m_modelCombo);
    modelLayout->addWidget(modelLabel);
    modelLayout->addWidget(m_modelCombo);
    bar->addWidget(modelBox);
    connect(m_modelCombo, &QComboBox::activated, this, &MainWindow::onModelComboActivated);
    fillModelCombo();

    // The query bar on a row of its own, across the whole window.
    addToolBarBreak();
    m_queryToolBar = addToolBar(tr("Query"));
    m_queryToolBar->setObjectName(QStringLiteral("queryToolBar"));
    m_queryToolBar->setMovable(false);
    m_queryToolBar->addWidget(m_queryBar);
}

void MainWindow::createStatusBar() {
    m_busy = new QProgressBar;
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(100);
    m_busy->setMaximumHeight(14);
    m_busy->setTextVisible(false);
    m_busy->hide();
    m_readout = new QLabel;
    m_readout->setObjectName(QStringLiteral("pixelReadout"));
    m_readout->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_readout->setMinimumWidth(m_readout->fontMetrics().horizontalAdvance(QLatin1Char('0')) * 44);
    m_info = new QLabel;
    m_info->setObjectName(QStringLiteral("imageInfo"));
    m_zoomLabel = new QLabel;
    m_zoomLabel->setObjectName(QStringLiteral("zoomLabel"));
    m_zoomLabel->setMinimumWidth(m_zoomLabel->fontMetrics().horizontalAdvance(tr("Zoom %1 %").arg(6400)));
    m_jobStatus = new JobStatusWidget;
    statusBar()->addPermanentWidget(m_jobStatus);
    statusBar()->addPermanentWidget(m_busy);
    statusBar()->addPermanentWidget(m_readout);
    statusBar()->addPermanentWidget(m_info);
    statusBar()->addPermanentWidget(m_zoomLabel);
    connect(m_view, &ImageView::hoveredPixel, this, [this](int x, int y) {
        m_hovered = QPoint(x, y);
        updateReadout();
    });
    connect(m_view, &ImageView::hoverLeft, this, [this] {
        m_hovered = QPoint(-1, -1);
        updateReadout();
    });
    connect(m_view, &ImageView::zoomChanged, this, [this](double zoom) {
        m_zoomLabel->setText(tr("Zoom %1 %").arg(QString::number(zoom * 100.0, 'f', zoom < 0.1 ? 1 : 0)));
    });
}

void MainWindow::connectDocument() {
    connect(m_doc, &ImageDocument::loadStarted, this, [this](const QString& path) {
        statusBar()->showMessage(tr("Loading %1\u2026").arg(QFileInfo(path).fileName()));
    });
    connect(m_doc, &ImageDocument::loaded, this, &MainWindow::onLoaded);
    connect(m_doc, &ImageDocument::rendered, this, &MainWindow::onPictureRendered);
    connect(m_doc, &ImageDocument::loadFailed, this, &MainWindow::onLoadFailed);
    connect(m_doc, &ImageDocument::renderFailed, this, &MainWindow::onRenderFailed);
    connect(m_doc, &ImageDocument::busyChanged, m_busy, &QWidget::setVisible);
}

void MainWindow::restoreSettings() {
    QSettings settings;
    if (!restoreGeometry(settings.value(kGeometryKey).toByteArray())) resize(1280, 820);
    if (!restoreState(settings.value(kStateKey).toByteArray())) {
        // First run: room for key, value and the start of the comment.
        resizeDocks({m_headerDock}, {std::min(340, width() / 3)}, Qt::Horizontal);
        // The folder tree's first row, "All images  (12345)", whole in the window's language.
        const int allImages = fontMetrics().horizontalAdvance(FolderTreeModel::tr("All images") + QStringLiteral("  (00000)"));
        resizeDocks({m_foldersDock}, {std::max(180, allImages + 40)}, Qt::Horizontal);
    }
    if (!m_splitter->restoreState(settings.value(kSplitterKey).toByteArray())) m_splitter->setSizes({560, 440});
    showCatalogUi(false);  // until a catalog opens, whatever the last session showed
    if (settings.value(kNightVisionKey, false).toBool()) m_nightAction->setChecked(true);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    settings.setValue(kSplitterKey, m_splitter->saveState());
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->source()) return;  // thumbnails dragged within the window are not new files
    if (!localFiles(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

// With a catalog open, dropped files and folders are added to it (and labelled with the current
// labels); without one, a dropped file is opened in the viewer.
void MainWindow::dropEvent(QDropEvent* event) {
    if (event->source()) return;
    const QStringList paths = localFiles(event->mimeData());
    if (paths.isEmpty()) return;
    event->acceptProposedAction();
    if (m_catalog->hasCatalog()) {
        addToCatalog(paths);
    } else {
        openFile(paths.first());
    }
}

void MainWindow::chooseFile() {
    QSettings settings;
    const QString dir = settings.value(kLastDirKey, QDir::homePath()).toString();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Image"), dir, fileFilter());
    if (path.isEmpty()) return;
    settings.setValue(kLastDirKey, QFileInfo(path).absolutePath());
    openFile(path);
}

void MainWindow::openFile(const QString& path) {
    m_stretchChosen = false;
    m_doc->open(path);
}

bool MainWindow::isBusy() const {
    return m_catalog->isBusy() || (m_dashboard && m_dashboard->isTraining()) || m_doc->isBusy() || m_browser->thumbnails()->pendingCount() > 0;
}

ModelManagerDialog* MainWindow::modelManager() {
    if (!m_modelManager) m_modelManager = new ModelManagerDialog(m_catalog, this);
    return m_modelManager;
}

void MainWindow::showModelManager() {
    if (!m_catalog->hasCatalog()) {
        onCatalogError(tr("No catalog open"), tr("Models are kept in a catalog: open or create one first."));
        return;
    }
    modelManager()->show();
    modelManager()->raise();
}

TrainingDashboard* MainWindow::trainingDashboard() {
    if (!m_dashboard) {
        m_dashboard = new TrainingDashboard(this);
        // "Use this model" goes through the same path as choosing a model in the model manager.
        connect(m_dashboard, &TrainingDashboard::useModelRequested, m_catalog, [this](const QString& path) {
            m_catalog->loadModel(path);
        });
        if (m_catalog->hasCatalog()) m_dashboard->setCatalog(m_catalog->catalogPath());
    }
    return m_dashboard;
}

FineTuneWizard* MainWindow::fineTuneWizard() const {
    return m_fineTuneWizard;
}

void MainWindow::showTrainingDashboard() {
    if (m_catalog->hasCatalog()) trainingDashboard()->setCatalog(m_catalog->catalogPath());
    trainingDashboard()->show();
    trainingDashboard()->raise();
}

void MainWindow::showFineTuneWizard() {
    if (!m_catalog->hasCatalog()) {
        onCatalogError(tr("No catalog open"), tr("Fine-tuning learns from a catalog's images: open or create one first."));
        return;
    }
    if (m_fineTuneWizard) {
        m_fineTuneWizard->raise();
        return;
    }
    QStringList models;
    if (const auto snapshot = m_catalog->snapshot())
        for (const auto& m : snapshot->models) models << QString::fromStdString(m.record.path);
    const QString current = m_catalog->model() ? m_catalog->model()->path : QString();
    m_fineTuneWizard = new FineTuneWizard(m_catalog->catalogPath(), models, current, this);
    m_fineTuneWizard->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_fineTuneWizard, &QWizard::accepted, this, [this] {
        const TrainingPlan plan = m_fineTuneWizard->plan();
        showTrainingDashboard();
        m_dashboard->start(plan);
    });
    m_fineTuneWizard->show();
}

void MainWindow::setNightVision(bool on) {
    m_nightVision = on;
    if (m_nightAction->isChecked() != on) m_nightAction->setChecked(on);
    if (auto* app = qobject_cast<QApplication*>(QCoreApplication::instance())) NightVision::apply(*app, on);
    m_view->setNightVision(on);
    m_browser->setNightVision(on);
    QSettings().setValue(kNightVisionKey, on);
}

void MainWindow::connectCatalog() {
    connect(m_catalog, &CatalogController::catalogOpened, this, &MainWindow::onCatalogOpened);
    connect(m_catalog, &CatalogController::snapshotChanged, this, [this](std::shared_ptr<const CatalogSnapshot> snapshot) {
        m_browser->setSnapshot(std::move(snapshot));
        fillModelCombo();
    });
    connect(m_catalog, &CatalogController::modelChanged, this, [this](LoadedModelPtr model) {
        fillModelCombo();
        if (model) statusBar()->showMessage(tr("Model %1 is active").arg(QString::fromStdString(model->record.name)), 5000);
    });
    connect(m_catalog, &CatalogController::modelNeeded, this, [this] {
        m_banner->showMessage(tr("This catalog has no model yet"),
                              tr("Add one with Model \u203a Add Model Folder\u2026 (a Hugging Face or open_clip folder) "
                                 "or Add OpenAI .pt File\u2026; images are embedded with it when you add them."));
    });
    connect(m_catalog, &CatalogController::jobStarted, m_jobStatus, &JobStatusWidget::track);
    connect(m_catalog, &CatalogController::error, this, &MainWindow::onCatalogError);
    connect(m_catalog, &CatalogController::searchFinished, m_browser, &CatalogBrowser::showResults);
    connect(m_catalog, &CatalogController::classified, this, [this](const QStringList& labels, const BestLabelMap& best) {
        m_browser->showClassification(labels, best);
        showImageDetails(m_browser->currentImageId());
        statusBar()->showMessage(tr("Labelled %1").arg(imageCountText(qint64(best.size()))), 5000);
    });
    connect(m_catalog, &CatalogController::indexFinished, this, [this](const IndexReport& r) {
        statusBar()->showMessage(tr("Added %1, updated %2, unchanged %3, failed %4; %5 images in the catalog")
                                     .arg(r.added)
                                     .arg(r.updated)
                                     .arg(r.unchanged)
                                     .arg(r.failed.size())
                                     .arg(r.total),
                                 10000);
    });
    connect(m_catalog, &CatalogController::captionSaved, this, [this](qint64 imageId) {
        if (m_details->imageId() == imageId) showImageDetails(imageId);
        statusBar()->showMessage(tr("Caption saved"), 3000);
    });
    connect(m_browser, &CatalogBrowser::currentImageChanged, this, &MainWindow::showImageDetails);
    connect(m_browser, &CatalogBrowser::findSimilarRequested, this,
            [this](qint64 id) { m_catalog->findSimilar(id, m_browser->filteredIds()); });
    connect(m_details, &ImageDetailsPanel::findSimilarRequested, this,
            [this](qint64 id) { m_catalog->findSimilar(id, m_browser->filteredIds()); });
    connect(m_details, &ImageDetailsPanel::saveCaptionRequested, m_catalog, &CatalogController::saveCaption);
    connect(m_queryBar, &QueryBar::labelsRequested, this,
            [this](const QStringList& labels, QueryBar::Scope scope) { runLabels(labels, int(scope)); });
    connect(m_queryBar, &QueryBar::searchRequested, this,
            [this](const QString& query) { m_catalog->search(query, m_browser->filteredIds()); });
    connect(m_queryBar, &QueryBar::cleared, m_browser, &CatalogBrowser::clearResults);
}

void MainWindow::openCatalog(const QString& path, bool create) {
    m_catalog->openCatalog(path, create);
}

void MainWindow::restoreLastCatalog() {
    const QString last = QSettings().value(QStringLiteral("catalog/last")).toString();
    if (!last.isEmpty() && QFileInfo::exists(last)) openCatalog(last);
}

void MainWindow::addToCatalog(const QStringList& paths) {
    m_catalog->addPaths(paths);
}

void MainWindow::onCatalogOpened(const QString& path) {
    m_banner->hide();
    m_browser->setCatalog(path);
    m_details->clear();
    showCatalogUi(true);
    if (m_dashboard && !m_dashboard->isTraining()) m_dashboard->setCatalog(path);
    updateTitle();
    statusBar()->showMessage(tr("Opened catalog %1").arg(QDir::toNativeSeparators(path)), 5000);
}

void MainWindow::onCatalogError(const QString& title, const QString& detail) {
    m_banner->showMessage(title, detail);
    statusBar()->showMessage(detail.isEmpty() ? title : title + QStringLiteral(": ") + detail.section(QLatin1Char('\n'), 0, 0),
                             10000);
}

void MainWindow::updateTitle() {
    QString title = QStringLiteral("CosmoCLIP");
    if (!m_shownPath.isEmpty()) title = QFileInfo(m_shownPath).fileName() + QStringLiteral(" \u2014 ") + title;
    if (m_catalog->hasCatalog()) title += QStringLiteral(" \u2014 ") + QFileInfo(m_catalog->catalogPath()).fileName();
    setWindowTitle(title);
}

void MainWindow::showImageDetails(qint64 imageId) {
    if (imageId == 0) {
        m_details->clear();
        return;
    }
    const auto details = m_catalog->details(imageId);
    if (!details) {
        m_details->clear();
        return;
    }
    m_details->showImage(details->image, details->labels, details->captions);
    const QString path = QString::fromStdString(details->image.path);
    if (path != m_doc->path() || !m_doc->image()) openFile(path);
}

void MainWindow::findSimilarToCurrent() {
    const int64_t id = m_browser->currentImageId();
    if (id == 0) {
        onCatalogError(tr("No image selected"), tr("Select an image in the catalog, then Find Similar ranks the others by it."));
        return;
    }
    m_catalog->findSimilar(id, m_browser->filteredIds());
}

void MainWindow::runLabels(const QStringList& labels, int scope) {
    if (QueryBar::Scope(scope) == QueryBar::Scope::Selection) {
        const std::vector<int64_t> ids = m_browser->selectedImageIds();
        if (ids.empty()) {
            onCatalogError(tr("No images selected"), tr("Select images in the grid, or choose “All images”."));
            return;
        }
        m_catalog->classify(labels, ids);
        return;
    }
    m_catalog->classify(labels);
}

void MainWindow::fillModelCombo() {
    const QSignalBlocker block(m_modelCombo);
    m_modelCombo->clear();
    const auto snapshot = m_catalog->snapshot();
    const LoadedModelPtr active = m_catalog->model();
    if (snapshot) {
        for (const auto& m : snapshot->models) {
            const QString path = QString::fromStdString(m.record.path);
            m_modelCombo->addItem(QString::fromStdString(m.record.name), path);
            m_modelCombo->setItemData(m_modelCombo->count() - 1, QDir::toNativeSeparators(path), Qt::ToolTipRole);
            if (active && active->record.id == m.record.id) m_modelCombo->setCurrentIndex(m_modelCombo->count() - 1);
        }
    }
    if (!active) {
        m_modelCombo->insertItem(0, m_catalog->hasCatalog() ? tr("(no model)") : tr("(no catalog)"), QString());
        m_modelCombo->setCurrentIndex(0);
    }
    m_modelCombo->insertSeparator(m_modelCombo->count());
    m_modelCombo->addItem(tr("Add Model Folder\u2026"), QStringLiteral(":add-folder"));
    m_modelCombo->addItem(tr("Add OpenAI .pt File\u2026"), QStringLiteral(":add-pt"));
    m_modelCombo->addItem(tr("Manage Models\u2026"), QStringLiteral(":manage"));
    m_modelCombo->setEnabled(m_catalog->hasCatalog());
}

void MainWindow::onModelComboActivated(int index) {
    const QString data = m_modelCombo->itemData(index).toString();
    fillModelCombo();  // back to the active model until the chosen one has loaded
    if (data == QLatin1String(":add-folder")) {
        modelManager()->chooseFolder();
    } else if (data == QLatin1String(":add-pt")) {
        modelManager()->choosePtFile();
    } else if (data == QLatin1String(":manage")) {
        showModelManager();
    } else if (!data.isEmpty()) {
        const LoadedModelPtr active = m_catalog->model();
        if (!active || QFileInfo(active->path).absoluteFilePath() != QFileInfo(data).absoluteFilePath()) m_catalog->loadModel(data);
    }
}

void MainWindow::chooseNewCatalog() {
    QString path = QFileDialog::getSaveFileName(this, tr("New Catalog"), catalogDir() + QStringLiteral("/catalog.sqlite"),
                                                catalogFilter());
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".sqlite");
    QSettings().setValue(kLastCatalogDirKey, QFileInfo(path).absolutePath());
    openCatalog(path, true);
}

void MainWindow::chooseCatalog() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Catalog"), catalogDir(), catalogFilter());
    if (path.isEmpty()) return;
    QSettings().setValue(kLastCatalogDirKey, QFileInfo(path).absolutePath());
    openCatalog(path);
}

void MainWindow::chooseFolderToAdd() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Add Folder to Catalog"),
                                                          QSettings().value(kLastDirKey, QDir::homePath()).toString());
    if (dir.isEmpty()) return;
    QSettings().setValue(kLastDirKey, dir);
    addToCatalog({dir});
}

void MainWindow::chooseFilesToAdd() {
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Add Files to Catalog"),
                                                            QSettings().value(kLastDirKey, QDir::homePath()).toString(),
                                                            fileFilter());
    if (files.isEmpty()) return;
    QSettings().setValue(kLastDirKey, QFileInfo(files.first()).absolutePath());
    addToCatalog(files);
}

void MainWindow::onHduActivated(int comboIndex) {
    const auto image = m_doc->image();
    if (!image) return;
    const int hdu = m_hduCombo->itemData(comboIndex).toInt();
    if (hdu == image->selectedHdu) return;
    std::optional<StretchParams> stretch;
    if (m_stretchChosen) stretch = currentStretch();
    m_doc->open(m_doc->path(), QString::number(hdu), stretch);
}

void MainWindow::onLoaded(qint64 loadMs) {
    const auto image = m_doc->image();
    const QString path = m_doc->path();
    const QFileInfo info(path);
    m_resetView = path != m_shownPath;
    m_shownPath = path;
    updateTitle();
    setWindowFilePath(path);
    m_banner->hide();
    m_recent->add(path);
    m_headerDock->setCards(image->header,
                           tr("%1 files have no FITS header.")
                               .arg(QString::fromLatin1(imageFormatName(image->format)).toUpper()));
    fillHduCombo();
    const RenderOptions& options = m_doc->renderOptions();
    selectStretch(options.stretch.kind);
    m_planeSelector->configure(image->image.planes, image->image.rgb, options.plane);
    m_planeAction->setVisible(m_planeSelector->isUseful());
    m_nextPlaneAction->setEnabled(m_planeSelector->isUseful());
    m_previousPlaneAction->setEnabled(m_planeSelector->isUseful());
    updateInfo();
    m_loadMs = loadMs;
}

void MainWindow::onPictureRendered(const PicturePyramid& picture, qint64 renderMs) {
    m_view->setPicture(picture, !m_resetView);
    m_resetView = false;
    updateReadout();
    if (m_loadMs >= 0) {
        statusBar()->showMessage(tr("Loaded %1 in %2 ms, rendered in %3 ms")
                                     .arg(QFileInfo(m_shownPath).fileName())
                                     .arg(m_loadMs)
                                     .arg(renderMs),
                                 8000);
        m_loadMs = -1;
    } else {
        statusBar()->showMessage(tr("Rendered in %1 ms").arg(renderMs), 3000);
    }
    emit imageShown();
}

void MainWindow::onLoadFailed(const QString& path, const QString& message) {
    const QString name = QFileInfo(path).fileName();
    m_banner->showMessage(tr("Could not open %1").arg(name), message);
    statusBar()->showMessage(tr("Could not open %1: %2").arg(name, message));
    fillHduCombo();  // back to the HDU that is still shown
    emit loadFailed(path, message);
}

void MainWindow::onRenderFailed(const QString& message) {
    const QString name = QFileInfo(m_doc->path()).fileName();
    m_banner->showMessage(tr("Could not display %1").arg(name), message);
    statusBar()->showMessage(tr("Could not display %1: %2").arg(name, message));
}

void MainWindow::fillHduCombo() {
    const auto image = m_doc->image();
    const QSignalBlocker block(m_hduCombo);
    m_hduCombo->clear();
    if (!image || image->hdus.empty()) {
        m_hduAction->setVisible(false);
        return;
    }
    auto* model = qobject_cast<QStandardItemModel*>(m_hduCombo->model());
    for (const HduInfo& hdu : image->hdus) {
        m_hduCombo->addItem(hduLabel(hdu), hdu.index);
        // Only image HDUs can be shown; the others are listed so that the file's layout is visible.
        if (hdu.type != HduType::Image && model) {
            model->item(m_hduCombo->count() - 1)->setEnabled(false);
        }
        if (hdu.index == image->selectedHdu) m_hduCombo->setCurrentIndex(m_hduCombo->count() - 1);
    }
    m_hduAction->setVisible(true);
}

void MainWindow::selectStretch(StretchKind kind) {
    const QSignalBlocker block(m_stretchCombo);
    const int index = m_stretchCombo->findData(int(kind));
    if (index >= 0) m_stretchCombo->setCurrentIndex(index);
}

StretchParams MainWindow::currentStretch() const {
    StretchParams params;
    params.kind = StretchKind(m_stretchCombo->currentData().toInt());
    return params;
}

void MainWindow::requestRender() {
    RenderOptions options;
    options.stretch = currentStretch();
    options.plane = m_planeSelector->plane();
    m_doc->setRenderOptions(options);
}

void MainWindow::stepPlane(int delta) {
    const auto image = m_doc->image();
    if (!image || image->image.planes <= 1) return;
    const int current = std::max(0, m_planeSelector->plane());
    const int next = std::clamp(current + delta, 0, image->image.planes - 1);
    m_planeSelector->configure(image->image.planes, image->image.rgb, next);
    requestRender();
    updateReadout();
}

void MainWindow::updateReadout() {
    const auto image = m_doc->image();
    if (!image || m_hovered.x() < 0 || m_view->image().isNull()) {
        m_readout->clear();
        return;
    }
    m_readout->setText(pixelReadout(image->image, m_hovered.x(), m_hovered.y(), m_planeSelector->plane()));
}

void MainWindow::updateInfo() {
    const auto image = m_doc->image();
    if (!image) {
        m_info->clear();
        return;
    }
    const Image& im = image->image;
    QString text = QStringLiteral("%1 \u00d7 %2").arg(im.width).arg(im.height);
    if (im.planes > 1) text += QStringLiteral(" \u00d7 %1").arg(im.planes);
    text += QStringLiteral("  ") + bitpixTypeName(im.bitpix);
    text += QStringLiteral("  ") + QString::fromLatin1(imageFormatName(im.format)).toUpper();
    m_info->setText(text);
}

}  // namespace cosmoclip
