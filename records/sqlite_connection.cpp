// Opening SQLite connections and running statements with errors as values.
#include "records/sqlite_connection.hpp"

namespace llmroute::records {

SqliteConnection::SqliteConnection(const std::string& path, Access access) : path_(path) {
  const int flags = access == Access::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  // NOMUTEX: each connection is used by one thread at a time, guarded by its owner.
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  db_.reset(db);
  if (rc != SQLITE_OK)
    throw RecordStoreError(path + ": cannot open the records database: " +
                           (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
  sqlite3_extended_result_codes(db, 1);
}

std::string SqliteConnection::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, &message) == SQLITE_OK) return {};
  std::string text = message ? message : error();
  sqlite3_free(message);
  return text;
}

SqliteStatement SqliteConnection::prepare(std::string_view sql) {
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &statement, nullptr);
  return SqliteStatement(statement);
}

std::string SqliteConnection::error() const { return sqlite3_errmsg(db_.get()); }

void SqliteConnection::exec_or_throw(const char* sql, std::string_view what) {
  if (std::string error = exec(sql); !error.empty())
    throw RecordStoreError(path_ + ": " + std::string(what) + ": " + error);
}

}  // namespace llmroute::records
