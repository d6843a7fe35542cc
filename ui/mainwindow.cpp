#include "mainwindow.h"
namespace cosmoclip {
MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) { setWindowTitle(QStringLiteral("CosmoCLIP")); }
}
