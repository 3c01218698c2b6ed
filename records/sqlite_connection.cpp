// Opening SQLite connections and running statements with errors as values.
#include "records/sqlite_connection.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace llmroute::records {

namespace {

/// What the operator can do when the system refused to open `path` with `system_errno`: SQLite's own message
/// ("unable to open database file") says neither which part of the path is wrong nor why.
std::string open_failure_reason(const std::string& path, int system_errno) {
  const std::filesystem::path file(path);
  const std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  const std::string said = system_errno != 0 ? " (" + std::string(std::strerror(system_errno)) + ")" : std::string();
  if (std::filesystem::is_directory(file, ec)) return said + ": the path is a directory; records.path names the database file";
  if (!std::filesystem::exists(dir, ec)) return said + ": the directory " + dir.string() + " does not exist; create it or change records.path";
  if (!std::filesystem::is_directory(dir, ec)) return said + ": " + dir.string() + " is not a directory; change records.path";
  // SQLite falls back to opening read-only, so its errno may be ENOENT where the directory refused the write.
  if (::access(dir.c_str(), W_OK) != 0)
    return " (" + std::string(std::strerror(errno)) + "): llmroute writes the database and its -wal and -shm files in " +
           dir.string() + ", which it cannot write to";
  if (std::filesystem::exists(file, ec) && ::access(file.c_str(), W_OK) != 0)
    return " (" + std::string(std::strerror(errno)) + "): " + path + " is read-only for llmroute; make it writable or change records.path";
  return said;
}

}  // namespace

SqliteConnection::SqliteConnection(const std::string& path, Access access) : path_(path) {
  const int flags = access == Access::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  // NOMUTEX: each connection is used by one thread at a time, guarded by its owner.
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  db_.reset(db);
  if (rc != SQLITE_OK)
    throw RecordStoreError(path + ": cannot open the records database: " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)) +
                           open_failure_reason(path, db ? sqlite3_system_errno(db) : 0));
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
    throw RecordStoreError(path_ + ": " + std::string(what) + ": " + error + open_failure_reason(path_, sqlite3_system_errno(db_.get())));
}

std::string SqliteConnection::startup_error() const {
  return error() + open_failure_reason(path_, sqlite3_system_errno(db_.get()));
}

}  // namespace llmroute::records
