#pragma once

#include <QDockWidget>

#include "image/image.h"

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace cosmoclip {

class HeaderModel;

/// Dock with the selected HDU's header: a filter line (matches key, value or comment, any case)
/// above a table of the cards in file order.
class HeaderDock final : public QDockWidget {
    Q_OBJECT
public:
    explicit HeaderDock(QWidget* parent = nullptr);

    /// `emptyNote` is shown instead of the table when there are no cards (e.g. for a PNG).
    void setCards(std::vector<HeaderCard> cards, const QString& emptyNote = {});
    HeaderModel* model() const { return m_model; }

private:
    HeaderModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QLineEdit* m_filter;
    QTableView* m_table;
    QLabel* m_emptyNote;
};

}  // namespace cosmoclip
