#include "mainwindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
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
#include <QSignalBlocker>
#include <QStandardItemModel>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>
#include <algorithm>
#include <optional>

#include "common/version.h"
#include "displaytext.h"
#include "errorbanner.h"
#include "headerdock.h"
#include "imagedocument.h"
#include "imageview.h"
#include "planeselector.h"
#include "recentfiles.h"

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

QString fileFilter() {
    return MainWindow::tr(
        "Images (*.fits *.fit *.fts *.fz *.gz *.png *.jpg *.jpeg *.tif *.tiff);;"
        "FITS (*.fits *.fit *.fts *.fz *.gz);;"
        "PNG, JPEG, TIFF (*.png *.jpg *.jpeg *.tif *.tiff);;"
        "All files (*)");
}

QString firstLocalFile(const QMimeData* mime) {
    if (!mime || !mime->hasUrls()) return {};
    for (const QUrl& url : mime->urls()) {
        if (url.isLocalFile()) return url.toLocalFile();
    }
    return {};
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_doc(new ImageDocument(this)),
      m_view(new ImageView),
      m_banner(new ErrorBanner),
      m_headerDock(new HeaderDock(this)) {
    setWindowTitle(QStringLiteral("CosmoCLIP"));
    setAcceptDrops(true);
    m_view->setObjectName(QStringLiteral("imageView"));

    auto* central = new QWidget;
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    layout->addWidget(m_view, 1);
    setCentralWidget(central);
    addDockWidget(Qt::RightDockWidgetArea, m_headerDock);

    createActions();
    createMenus();
    createToolBar();
    createStatusBar();
    connectDocument();
    restoreSettings();
    m_view->setFocus();
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

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_openAction);
    QMenu* recent = file->addMenu(tr("Open &Recent"));
    m_recent = new RecentFiles(recent, this);
    connect(m_recent, &RecentFiles::openRequested, this, &MainWindow::openFile);
    file->addSeparator();
    file->addAction(m_quitAction);

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

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_aboutAction);
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
    m_zoomLabel->setMinimumWidth(m_zoomLabel->fontMetrics().horizontalAdvance(QStringLiteral("Zoom 6400 %")));
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
        resizeDocks({m_headerDock}, {std::min(440, width() / 3)}, Qt::Horizontal);
    }
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (!firstLocalFile(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QString path = firstLocalFile(event->mimeData());
    if (path.isEmpty()) return;
    event->acceptProposedAction();
    openFile(path);
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
    setWindowTitle(tr("%1 \u2014 CosmoCLIP").arg(info.fileName()));
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
