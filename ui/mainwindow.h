#pragma once

#include <QMainWindow>
#include <QPoint>

#include "image/stretch.h"

class QAction;
class QComboBox;
class QLabel;
class QProgressBar;

namespace cosmoclip {

class ErrorBanner;
class HeaderDock;
class ImageDocument;
class ImageView;
class PicturePyramid;
class PlaneSelector;
class RecentFiles;

/// The viewer window: menus and shortcuts, the toolbar (HDU, stretch, plane), the image view, the
/// header dock and the status bar (pixel readout). All file work runs in ImageDocument's jobs.
class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    ImageView* view() const { return m_view; }
    ImageDocument* document() const { return m_doc; }

public slots:
    /// Starts loading `path`; the window stays responsive and shows the result or the error.
    void openFile(const QString& path);

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
    void createMenus();
    void createToolBar();
    void createStatusBar();
    void connectDocument();
    void restoreSettings();

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

    QString m_shownPath;           // file of the picture on screen
    bool m_resetView = true;       // next picture comes from another file: fit it
    bool m_stretchChosen = false;  // the user picked a stretch for this file: keep it across HDUs
    QPoint m_hovered{-1, -1};
    qint64 m_loadMs = -1;  // load time of the picture about to arrive, for the status bar
};

}  // namespace cosmoclip
