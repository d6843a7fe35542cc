#include "catalog/sqlitetransaction.h"

#include "catalog/sqlitedatabase.h"

namespace cosmoclip {

SqliteTransaction::SqliteTransaction(SqliteDatabase& db) : m_db(db) { m_db.exec("BEGIN IMMEDIATE"); }

SqliteTransaction::~SqliteTransaction() {
    if (m_done) return;
    try {
        m_db.exec("ROLLBACK");
    } catch (...) {
        // The connection already rolled back (SQLite does so itself on some errors); nothing to undo.
    }
}

void SqliteTransaction::commit() {
    m_db.exec("COMMIT");
    m_done = true;
}

}  // namespace cosmoclip
