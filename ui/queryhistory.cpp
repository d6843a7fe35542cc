#include "queryhistory.h"

#include <QSettings>
#include <QStringListModel>

namespace cosmoclip {

namespace {
const QString kKey = QStringLiteral("query/history");
}

QueryHistory::QueryHistory(QObject* parent) : QObject(parent), m_model(new QStringListModel(this)) {
    m_model->setStringList(QSettings().value(kKey).toStringList().mid(0, kMaxQueries));
}

void QueryHistory::add(const QString& query) {
    const QString q = query.trimmed();
    if (q.isEmpty()) return;
    QStringList list = m_model->stringList();
    list.removeAll(q);
    list.prepend(q);
    while (list.size() > kMaxQueries) list.removeLast();
    m_model->setStringList(list);
    QSettings().setValue(kKey, list);
}

QStringList QueryHistory::queries() const {
    return m_model->stringList();
}

}  // namespace cosmoclip
