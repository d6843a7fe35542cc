#pragma once

#include <QAbstractTableModel>
#include <vector>

#include "image/image.h"

namespace cosmoclip {

/// The header cards of the selected HDU, in file order, as three columns: key, value, comment.
class HeaderModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { KeyColumn, ValueColumn, CommentColumn, ColumnCount };

    explicit HeaderModel(QObject* parent = nullptr);

    void setCards(std::vector<HeaderCard> cards);
    const std::vector<HeaderCard>& cards() const { return m_cards; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<HeaderCard> m_cards;
};

}  // namespace cosmoclip
