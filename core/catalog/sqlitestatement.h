#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3_stmt;

namespace cosmoclip {

class SqliteDatabase;

/// One prepared statement (RAII over sqlite3_stmt). Parameters are 1-based as in SQLite; columns
/// are 0-based. bind() calls chain; step() returns true while rows come.
class SqliteStatement final {
public:
    SqliteStatement(SqliteDatabase& db, sqlite3_stmt* statement);
    ~SqliteStatement();
    SqliteStatement(SqliteStatement&& other) noexcept;
    SqliteStatement& operator=(SqliteStatement&&) = delete;
    SqliteStatement(const SqliteStatement&) = delete;

    SqliteStatement& bind(int index, int64_t value);
    SqliteStatement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
    SqliteStatement& bind(int index, double value);
    SqliteStatement& bind(int index, std::string_view text);
    SqliteStatement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    SqliteStatement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    SqliteStatement& bindBlob(int index, const void* data, size_t size);
    SqliteStatement& bindNull(int index);
    template <typename T>
    SqliteStatement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bindNull(index);
    }

    bool step();
    /// step() for statements that return no rows.
    void run();
    void reset();

    bool isNull(int column) const;
    int64_t int64(int column) const;
    double real(int column) const;
    std::string text(int column) const;
    std::optional<std::string> optionalText(int column) const;
    std::optional<double> optionalReal(int column) const;
    /// The blob's bytes reinterpreted as floats (the embedding storage format: little-endian f32).
    std::vector<float> floats(int column) const;
    const void* blob(int column, size_t* size) const;

private:
    SqliteDatabase* m_db;
    sqlite3_stmt* m_statement;
};

}  // namespace cosmoclip
