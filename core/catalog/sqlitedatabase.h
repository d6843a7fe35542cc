#pragma once

#include <memory>
#include <string>

struct sqlite3;

namespace cosmoclip {

class SqliteStatement;

/// Owns one sqlite3 connection. Every failure is a cosmoclip::Error naming the database file and
/// SQLite's own message. A connection is used by one thread at a time; readers and the writer each
/// open their own (WAL lets them run side by side).
class SqliteDatabase final {
public:
    enum class Mode { ReadWrite, ReadOnly };

    SqliteDatabase(const std::string& path, Mode mode);
    ~SqliteDatabase();
    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;

    const std::string& path() const { return m_path; }
    sqlite3* handle() const { return m_db.get(); }

    /// Runs one or more statements that return no rows (schema, pragmas).
    void exec(const char* sql);
    SqliteStatement prepare(const char* sql);
    int64_t lastInsertId() const;
    int changes() const;
    int userVersion();
    /// Throws the Error for SQLite result code `rc` with `context` ("inserting image").
    [[noreturn]] void fail(int rc, const std::string& context) const;

private:
    struct Closer {
        void operator()(sqlite3* db) const;
    };
    std::string m_path;
    std::unique_ptr<sqlite3, Closer> m_db;
};

}  // namespace cosmoclip
