#pragma once

#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QToolButton;

namespace cosmoclip {

class QueryHistory;

/// The query line at the top of the window. The rule: text with commas is a list of labels
/// ("spiral galaxy, planetary nebula, globular cluster") and labels the images by zero-shot
/// classification; text without commas is a search in rclip's syntax ("red nebula + 2:dust - stars",
/// image paths allowed) and ranks the images. A hint beside the line says which one Enter will run.
/// Recent queries complete as you type.
class QueryBar final : public QWidget {
    Q_OBJECT
public:
    enum class Scope { AllImages, Selection };
    Q_ENUM(Scope)

    explicit QueryBar(QWidget* parent = nullptr);

    /// Whether `text` is a label list (it holds a comma).
    static bool isLabelQuery(const QString& text);
    /// The labels of a label list: split at commas, trimmed, empty and repeated ones dropped (as
    /// `cosmoclip classify --labels` splits them).
    static QStringList splitLabels(const QString& text);

    QLineEdit* lineEdit() const { return m_edit; }
    QueryHistory* history() const { return m_history; }
    Scope scope() const;
    void setScope(Scope scope);
    QString text() const;
    void setText(const QString& text);

public slots:
    /// Runs the text as Enter does.
    void submit();
    void focusQuery();

signals:
    void labelsRequested(const QStringList& labels, cosmoclip::QueryBar::Scope scope);
    void searchRequested(const QString& query);
    /// The line was emptied and submitted: back to the whole catalog.
    void cleared();

private:
    void updateHint();

    QLineEdit* m_edit;
    QLabel* m_hint;
    QComboBox* m_scope;
    QToolButton* m_run;
    QueryHistory* m_history;
};

}  // namespace cosmoclip
