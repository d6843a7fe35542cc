#include "headermodel.h"

namespace cosmoclip {

HeaderModel::HeaderModel(QObject* parent) : QAbstractTableModel(parent) {}

void HeaderModel::setCards(std::vector<HeaderCard> cards) {
    beginResetModel();
    m_cards = std::move(cards);
    endResetModel();
}

int HeaderModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_cards.size());
}

int HeaderModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HeaderModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= int(m_cards.size())) return {};
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
    const HeaderCard& card = m_cards[size_t(index.row())];
    switch (index.column()) {
        case KeyColumn:
            return QString::fromStdString(card.key);
        case ValueColumn:
            return QString::fromStdString(card.value);
        case CommentColumn:
            return QString::fromStdString(card.comment);
        default:
            return {};
    }
}

QVariant HeaderModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
        case KeyColumn:
            return tr("Key");
        case ValueColumn:
            return tr("Value");
        case CommentColumn:
            return tr("Comment");
        default:
            return {};
    }
}

}  // namespace cosmoclip
