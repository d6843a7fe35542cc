#pragma once

#include <QFrame>

class QLabel;

namespace cosmoclip {

/// A dismissible strip above the image that says what went wrong, in words, without a modal dialog
/// (a dialog would block scripted use and hide the image that is still shown).
class ErrorBanner final : public QFrame {
    Q_OBJECT
public:
    explicit ErrorBanner(QWidget* parent = nullptr);

    void showMessage(const QString& title, const QString& detail);
    QString text() const;

private:
    QLabel* m_label;
};

}  // namespace cosmoclip
