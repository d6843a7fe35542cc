#pragma once

#include <QString>
#include <QVector>
#include <QWidget>

namespace cosmoclip {

/// Labels as chips with probability bars, one per row: the label, a bar as long as its probability
/// (or its share of images in a summary), and the value in words. Ground-truth labels carry their
/// source as a tag. Clicking a row emits labelClicked (the browser filters by it).
class LabelBars final : public QWidget {
    Q_OBJECT
public:
    struct Entry {
        QString label;
        double fraction = 0.0;  ///< bar length, 0..1
        QString value;          ///< "82.4 %", "17 images"
        QString tag;            ///< "user", "import"; empty for zero-shot
    };

    explicit LabelBars(QWidget* parent = nullptr);

    void setEntries(const QVector<Entry>& entries);
    const QVector<Entry>& entries() const { return m_entries; }
    /// Text shown when there are no entries.
    void setEmptyText(const QString& text);
    void setMaximumRows(int rows) { m_maxRows = rows; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void labelClicked(const QString& label);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    int rowHeight() const;
    int shownRows() const;

    QVector<Entry> m_entries;
    QString m_emptyText;
    int m_maxRows = 12;
};

}  // namespace cosmoclip
