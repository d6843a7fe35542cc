#pragma once

namespace cosmoclip {

class SqliteDatabase;

/// BEGIN IMMEDIATE on construction (takes the write lock up front, so two writers queue on the busy
/// timeout instead of failing half way), ROLLBACK on destruction unless commit() ran: an exception
/// anywhere inside leaves the database as it was.
class SqliteTransaction final {
public:
    explicit SqliteTransaction(SqliteDatabase& db);
    ~SqliteTransaction();
    SqliteTransaction(const SqliteTransaction&) = delete;
    SqliteTransaction& operator=(const SqliteTransaction&) = delete;

    void commit();

private:
    SqliteDatabase& m_db;
    bool m_done = false;
};

}  // namespace cosmoclip
