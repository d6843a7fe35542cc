#pragma once

namespace cosmoclip {

class SqliteDatabase;

/// Sets the connection up (WAL, foreign keys) and brings the schema to `targetVersion` with the
/// forward migrations of catalogsql.cpp, all in one transaction: a failure leaves the file as it was.
/// Refuses a database that is not a CosmoCLIP catalog or was made by a newer version. Returns the version.
int migrateSchema(SqliteDatabase& db, int targetVersion);

/// The read-only counterpart: checks the file is a catalog this build can read, changes nothing.
int checkSchema(SqliteDatabase& db);

}  // namespace cosmoclip
