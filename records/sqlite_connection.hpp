// One SQLite connection and its prepared statements as RAII handles; errors come back as messages.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace llmroute::records {

/// A records database that cannot be opened, read or migrated. Thrown at startup only.
class RecordStoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }
};
/// A prepared statement; null when preparing failed.
using SqliteStatement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

class SqliteConnection {
 public:
  enum class Access { read_write_create, read_only };

  /// Opens `path`. Throws RecordStoreError naming the path and SQLite's reason.
  SqliteConnection(const std::string& path, Access access);

  /// Runs statements that return no rows. Returns SQLite's error message, empty on success.
  std::string exec(const char* sql);
  /// Prepares one statement; on failure the result is null and error() says why.
  SqliteStatement prepare(std::string_view sql);
  /// The message of the connection's last failed call.
  std::string error() const;
  /// The last failure with what the system said and what the operator can do about it (a missing or read-only
  /// directory), for startup errors.
  std::string startup_error() const;
  /// Runs `sql` and throws RecordStoreError naming `what` if it fails: for startup only.
  void exec_or_throw(const char* sql, std::string_view what);
  sqlite3* get() const { return db_.get(); }
  const std::string& path() const { return path_; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
  };
  std::string path_;
  std::unique_ptr<sqlite3, Closer> db_;
};

}  // namespace llmroute::records
