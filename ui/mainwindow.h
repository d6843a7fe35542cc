#pragma once
#include <QMainWindow>
namespace cosmoclip {
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};
}
