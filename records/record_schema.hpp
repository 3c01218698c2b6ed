// The records database's schema: versioned migrations applied at open, and the column list they produce.
#pragma once

#include "records/sqlite_connection.hpp"

#include <string>

namespace llmroute::records {

/// The schema version this build writes and reads.
inline constexpr int kSchemaVersion = 3;

/// The version recorded in the database's schema_version table; 0 for a database without one.
/// Returns -1 (with db.error() set) when it cannot be read.
int schema_version(SqliteConnection& db);

/// Brings the database to kSchemaVersion, one migration per version, all in one write transaction so two
/// processes opening the same file cannot both migrate. Throws RecordStoreError when the database is newer
/// than this build or a migration fails.
void migrate(SqliteConnection& db);

/// Throws RecordStoreError unless the database is at exactly kSchemaVersion (for read-only openers).
void require_current_schema(SqliteConnection& db);

/// "id, start_ms, user, ...": every column of the requests table, in for_each_field order.
const std::string& record_columns();

}  // namespace llmroute::records
