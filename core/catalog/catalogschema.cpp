#include "catalog/catalogschema.h"

#include <string>

#include "catalog/catalogsql.h"
#include "catalog/sqlitedatabase.h"
#include "catalog/sqlitestatement.h"
#include "catalog/sqlitetransaction.h"
#include "common/error.h"

namespace cosmoclip {
namespace {

constexpr int64_t kCatalogApplicationId = 1128483920;  // 'CCLP'

int64_t queryInt(SqliteDatabase& db, const char* sql) {
    auto s = db.prepare(sql);
    s.step();
    return s.int64(0);
}

/// Reading the header is the first access to the file: a text file or other junk fails here with
/// SQLite's "file is not a database", which SqliteDatabase turns into a clear message.
int checkIdentity(SqliteDatabase& db) {
    const int64_t applicationId = queryInt(db, sql::kApplicationId);
    const int version = db.userVersion();
    if (applicationId != kCatalogApplicationId && (applicationId != 0 || queryInt(db, sql::kCountTables) > 0)) {
        throw Error(db.path(), "not a CosmoCLIP catalog (an SQLite database of another program)");
    }
    const int newest = static_cast<int>(sql::migrations().size());
    if (version > newest) {
        throw Error(db.path(), "catalog schema version " + std::to_string(version) +
                                   " was written by a newer CosmoCLIP (this one reads up to " +
                                   std::to_string(newest) + ")");
    }
    return version;
}

}  // namespace

int migrateSchema(SqliteDatabase& db, int targetVersion) {
    checkIdentity(db);
    db.exec(sql::kPragmasReadWrite);
    SqliteTransaction transaction(db);
    // Read again under the write lock: another process may have migrated in between.
    int version = checkIdentity(db);
    const auto steps = sql::migrations();
    for (; version < targetVersion && version < static_cast<int>(steps.size()); ++version) {
        db.exec(steps[static_cast<size_t>(version)]);
        db.exec(("PRAGMA user_version = " + std::to_string(version + 1)).c_str());
    }
    db.exec(sql::kSetApplicationId);
    transaction.commit();
    return version;
}

int checkSchema(SqliteDatabase& db) {
    db.exec(sql::kPragmasReadOnly);
    const int version = checkIdentity(db);
    if (version < static_cast<int>(sql::migrations().size())) {
        throw Error(db.path(), "catalog schema version " + std::to_string(version) +
                                   " is older than this CosmoCLIP's; open it once for writing to upgrade it");
    }
    return version;
}

}  // namespace cosmoclip
