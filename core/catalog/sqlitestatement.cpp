#include "catalog/sqlitestatement.h"

#include <sqlite3.h>

#include <cstring>

#include "catalog/sqlitedatabase.h"

namespace cosmoclip {

SqliteStatement::SqliteStatement(SqliteDatabase& db, sqlite3_stmt* statement) : m_db(&db), m_statement(statement) {}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(m_statement); }

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : m_db(other.m_db), m_statement(other.m_statement) {
    other.m_statement = nullptr;
}

SqliteStatement& SqliteStatement::bind(int index, int64_t value) {
    const int rc = sqlite3_bind_int64(m_statement, index, value);
    if (rc != SQLITE_OK) m_db->fail(rc, "binding a value");
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, double value) {
    const int rc = sqlite3_bind_double(m_statement, index, value);
    if (rc != SQLITE_OK) m_db->fail(rc, "binding a value");
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
    const int rc = sqlite3_bind_text64(m_statement, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK) m_db->fail(rc, "binding a value");
    return *this;
}

SqliteStatement& SqliteStatement::bindBlob(int index, const void* data, size_t size) {
    const int rc = sqlite3_bind_blob64(m_statement, index, data, size, SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) m_db->fail(rc, "binding a value");
    return *this;
}

SqliteStatement& SqliteStatement::bindNull(int index) {
    const int rc = sqlite3_bind_null(m_statement, index);
    if (rc != SQLITE_OK) m_db->fail(rc, "binding a value");
    return *this;
}

bool SqliteStatement::step() {
    const int rc = sqlite3_step(m_statement);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    m_db->fail(rc, "SQL failed");
}

void SqliteStatement::run() {
    step();
    reset();
}

void SqliteStatement::reset() {
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
}

bool SqliteStatement::isNull(int column) const { return sqlite3_column_type(m_statement, column) == SQLITE_NULL; }

int64_t SqliteStatement::int64(int column) const { return sqlite3_column_int64(m_statement, column); }

double SqliteStatement::real(int column) const { return sqlite3_column_double(m_statement, column); }

std::string SqliteStatement::text(int column) const {
    const auto* p = sqlite3_column_text(m_statement, column);
    const int n = sqlite3_column_bytes(m_statement, column);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

std::optional<std::string> SqliteStatement::optionalText(int column) const {
    if (isNull(column)) return std::nullopt;
    return text(column);
}

std::optional<double> SqliteStatement::optionalReal(int column) const {
    if (isNull(column)) return std::nullopt;
    return real(column);
}

const void* SqliteStatement::blob(int column, size_t* size) const {
    const void* p = sqlite3_column_blob(m_statement, column);
    *size = static_cast<size_t>(sqlite3_column_bytes(m_statement, column));
    return p;
}

std::vector<float> SqliteStatement::floats(int column) const {
    size_t size = 0;
    const void* p = blob(column, &size);
    std::vector<float> out(size / sizeof(float));
    if (!out.empty()) std::memcpy(out.data(), p, out.size() * sizeof(float));
    return out;
}

}  // namespace cosmoclip
