#include "headerdock.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "headermodel.h"

namespace cosmoclip {

HeaderDock::HeaderDock(QWidget* parent)
    : QDockWidget(tr("Header"), parent),
      m_model(new HeaderModel(this)),
      m_proxy(new QSortFilterProxyModel(this)),
      m_filter(new QLineEdit),
      m_table(new QTableView),
      m_emptyNote(new QLabel) {
    setObjectName(QStringLiteral("headerDock"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

    m_filter->setObjectName(QStringLiteral("headerFilter"));
    m_filter->setPlaceholderText(tr("Filter keys, values and comments"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_table->setObjectName(QStringLiteral("headerTable"));
    m_table->setModel(m_proxy);
    m_table->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 4);
    m_table->horizontalHeader()->setStretchLastSection(true);

    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_filter);
    layout->addWidget(m_table);
    m_emptyNote->setObjectName(QStringLiteral("headerEmptyNote"));
    m_emptyNote->setWordWrap(true);
    m_emptyNote->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
    m_emptyNote->setForegroundRole(QPalette::PlaceholderText);
    m_emptyNote->setContentsMargins(8, 16, 8, 8);
    layout->addWidget(m_emptyNote, 1);
    m_emptyNote->hide();
    setWidget(content);
}

void HeaderDock::setCards(std::vector<HeaderCard> cards, const QString& emptyNote) {
    const bool empty = cards.empty();
    m_model->setCards(std::move(cards));
    m_emptyNote->setText(emptyNote);
    m_emptyNote->setVisible(empty);
    m_table->setVisible(!empty);
    m_filter->setEnabled(!empty);
    m_table->resizeColumnToContents(HeaderModel::KeyColumn);
    m_table->resizeColumnToContents(HeaderModel::ValueColumn);
    // Long string values (ORIGIN, HISTORY text) would push the comments out of sight: cap the
    // value column; the full text is in the tooltip.
    const int maxValueWidth = m_table->fontMetrics().horizontalAdvance(QLatin1Char('0')) * 24;
    if (m_table->columnWidth(HeaderModel::ValueColumn) > maxValueWidth) {
        m_table->setColumnWidth(HeaderModel::ValueColumn, maxValueWidth);
    }
}

}  // namespace cosmoclip
