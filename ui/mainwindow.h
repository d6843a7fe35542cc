#pragma once

#include <QMainWindow>
#include <QPoint>
#include <QPointer>

#include "image/stretch.h"

class QAction;
class QComboBox;
class QDockWidget;
class QLabel;
class QProgressBar;
class QSplitter;
class QToolBar;

namespace cosmoclip {

class CatalogBrowser;
class CatalogController;
class ErrorBanner;
class FineTuneWizard;
class HeaderDock;
class ImageDetailsPanel;
class ImageDocument;
class ImageView;
class JobStatusWidget;
class ModelManagerDialog;
class PicturePyramid;
class PlaneSelector;
class QueryBar;
class RecentFiles;
class TrainingDashboard;

/// The main window: the catalog browser (thumbnail grid, folder tree, filters), the query bar, the
/// image viewer with its toolbar (HDU, stretch, plane), the details and header docks, and the status
/// bar (pixel readout, running jobs). All file and catalog work runs in jobs off the GUI thread
/// (ImageDocument for the viewer, CatalogController's jobs for the catalog).
class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    ImageView* view() const { return m_view; }
    ImageDocument* document() const { return m_doc; }
    ErrorBanner* banner() const { return m_banner; }
    CatalogController* catalog() const { return m_catalog; }
    CatalogBrowser* browser() const { return m_browser; }
    QueryBar* queryBar() const { return m_queryBar; }
    ImageDetailsPanel* details() const { return m_details; }
    JobStatusWidget* jobStatus() const { return m_jobStatus; }
    QComboBox* modelCombo() const { return m_modelCombo; }
    /// The model manager, created on first use.
    ModelManagerDialog* modelManager();
    /// The training dashboard, created on first use.
    TrainingDashboard* trainingDashboard();
    /// The open fine-tune wizard, or null.
    FineTuneWizard* fineTuneWizard() const;
    bool nightVision() const { return m_nightVision; }
    /// Whether anything is still being worked on: catalog jobs, thumbnails, the viewer's image.
    bool isBusy() const;

public slots:
    /// Starts loading `path`; the window stays responsive and shows the result or the error.
    void openFile(const QString& path);
    /// Opens (or with `create`, makes) a catalog file.
    void openCatalog(const QString& path, bool create = false);
    /// Opens the catalog remembered from the last session, if any.
    void restoreLastCatalog();
    /// Adds files and folders to the open catalog (as dropping them does).
    void addToCatalog(const QStringList& paths);
    void setNightVision(bool on);
    void showModelManager();
    /// Model › Fine-tune…: the wizard for the open catalog; Start hands its plan to the dashboard.
    void showFineTuneWizard();
    void showTrainingDashboard();

signals:
    /// A picture reached the view (after a load or a re-render).
    void imageShown();
    /// Loading `path` failed; `message` is what the banner says.
    void loadFailed(const QString& path, const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void createCatalogActions();
    void createMenus();
    void createLanguageMenu(QMenu* view);
    void chooseLanguage(const QString& choice);
    void createToolBar();
    void createStatusBar();
    void createCatalogWidgets();
    void connectDocument();
    void connectCatalog();
    void restoreSettings();
    void showCatalogUi(bool on);

    void chooseNewCatalog();
    void chooseCatalog();
    void chooseFolderToAdd();
    void chooseFilesToAdd();
    void onCatalogOpened(const QString& path);
    void onCatalogError(const QString& title, const QString& detail);
    void showImageDetails(qint64 imageId);
    void findSimilarToCurrent();
    void runLabels(const QStringList& labels, int scope);
    void fillModelCombo();
    void onModelComboActivated(int index);
    void updateTitle();

    void chooseFile();
    void onLoaded(qint64 loadMs);
    void onPictureRendered(const PicturePyramid& picture, qint64 renderMs);
    void onLoadFailed(const QString& path, const QString& message);
    void onRenderFailed(const QString& message);
    void onHduActivated(int comboIndex);
    void requestRender();
    void stepPlane(int delta);
    void fillHduCombo();
    void selectStretch(StretchKind kind);
    StretchParams currentStretch() const;
    void updateReadout();
    void updateInfo();

    ImageDocument* m_doc;
    ImageView* m_view;
    ErrorBanner* m_banner;
    HeaderDock* m_headerDock;
    RecentFiles* m_recent = nullptr;

    QComboBox* m_hduCombo = nullptr;
    QComboBox* m_stretchCombo = nullptr;
    PlaneSelector* m_planeSelector = nullptr;
    QAction* m_hduAction = nullptr;  // toolbar entries, hidden when they do not apply
    QAction* m_planeAction = nullptr;
    QLabel* m_readout = nullptr;
    QLabel* m_info = nullptr;
    QLabel* m_zoomLabel = nullptr;
    QProgressBar* m_busy = nullptr;

    QAction* m_openAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_fitAction = nullptr;
    QAction* m_actualSizeAction = nullptr;
    QAction* m_zoomInAction = nullptr;
    QAction* m_zoomOutAction = nullptr;
    QAction* m_nextPlaneAction = nullptr;
    QAction* m_previousPlaneAction = nullptr;
    QAction* m_aboutAction = nullptr;
    QAction* m_newCatalogAction = nullptr;
    QAction* m_openCatalogAction = nullptr;
    QAction* m_addFolderAction = nullptr;
    QAction* m_addFilesAction = nullptr;
    QAction* m_findAction = nullptr;
    QAction* m_findSimilarAction = nullptr;
    QAction* m_backAction = nullptr;
    QAction* m_fullScreenAction = nullptr;
    QAction* m_nightAction = nullptr;
    QAction* m_modelManagerAction = nullptr;
    QAction* m_addModelFolderAction = nullptr;
    QAction* m_addModelPtAction = nullptr;
    QAction* m_fineTuneAction = nullptr;
    QAction* m_dashboardAction = nullptr;

    CatalogController* m_catalog;
    CatalogBrowser* m_browser = nullptr;
    QueryBar* m_queryBar = nullptr;
    ImageDetailsPanel* m_details = nullptr;
    QDockWidget* m_detailsDock = nullptr;
    QDockWidget* m_foldersDock = nullptr;
    QSplitter* m_splitter = nullptr;
    JobStatusWidget* m_jobStatus = nullptr;
    QComboBox* m_modelCombo = nullptr;
    QToolBar* m_queryToolBar = nullptr;
    ModelManagerDialog* m_modelManager = nullptr;
    TrainingDashboard* m_dashboard = nullptr;
    QPointer<FineTuneWizard> m_fineTuneWizard;
    bool m_nightVision = false;

    QString m_shownPath;           // file of the picture on screen
    bool m_resetView = true;       // next picture comes from another file: fit it
    bool m_stretchChosen = false;  // the user picked a stretch for this file: keep it across HDUs
    QPoint m_hovered{-1, -1};
    qint64 m_loadMs = -1;  // load time of the picture about to arrive, for the status bar
};

}  // namespace cosmoclip
