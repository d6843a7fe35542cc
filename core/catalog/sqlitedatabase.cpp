#include "catalog/sqlitedatabase.h"

#include <sqlite3.h>

#include "catalog/sqlitestatement.h"
#include "common/error.h"

namespace cosmoclip {
namespace {
// Writers wait this long for a lock held by another connection (an indexing job and the GUI)
// before reporting "database is locked".
constexpr int kBusyTimeoutMs = 10000;
}  // namespace

void SqliteDatabase::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

SqliteDatabase::SqliteDatabase(const std::string& path, Mode mode) : m_path(path) {
    const int flags = mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY
                                             : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    m_db.reset(raw);
    if (rc != SQLITE_OK) {
        const std::string what = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
        throw Error(path, "cannot open the catalog: " + what);
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, kBusyTimeoutMs);
}

SqliteDatabase::~SqliteDatabase() = default;

void SqliteDatabase::fail(int rc, const std::string& context) const {
    std::string what = m_db ? sqlite3_errmsg(m_db.get()) : sqlite3_errstr(rc);
    if ((rc & 0xff) == SQLITE_NOTADB) what = "not a CosmoCLIP catalog (not an SQLite database)";
    if ((rc & 0xff) == SQLITE_FULL) what = "disk full; nothing from this step was stored";
    throw Error(m_path, context + ": " + what);
}

void SqliteDatabase::exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(m_db.get(), sql, nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        sqlite3_free(message);
        fail(rc, "SQL failed");
    }
}

SqliteStatement SqliteDatabase::prepare(const char* sql) {
    sqlite3_stmt* statement = nullptr;
    const int rc = sqlite3_prepare_v2(m_db.get(), sql, -1, &statement, nullptr);
    if (rc != SQLITE_OK) fail(rc, "preparing a statement");
    return SqliteStatement(*this, statement);
}

int64_t SqliteDatabase::lastInsertId() const { return sqlite3_last_insert_rowid(m_db.get()); }

int SqliteDatabase::changes() const { return sqlite3_changes(m_db.get()); }

int SqliteDatabase::userVersion() {
    auto statement = prepare("PRAGMA user_version");
    statement.step();
    return static_cast<int>(statement.int64(0));
}

}  // namespace cosmoclip
