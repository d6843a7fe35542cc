#pragma once

#include <QObject>
#include <QStringList>

class QStringListModel;

namespace cosmoclip {

/// Recent queries, newest first, at most kMaxQueries, kept in QSettings under "query/history"; the
/// query bar's completer shows them.
class QueryHistory final : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxQueries = 50;

    explicit QueryHistory(QObject* parent = nullptr);

    void add(const QString& query);
    QStringList queries() const;
    QStringListModel* model() const { return m_model; }

private:
    QStringListModel* m_model;
};

}  // namespace cosmoclip
