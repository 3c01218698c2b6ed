// Reads records back from the records database on its own read-only connection (WAL: alongside the writer).
#pragma once

#include "records/request_record.hpp"
#include "records/sqlite_connection.hpp"

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace llmroute::records {

/// Which records a query returns. Unset filters match everything.
struct RecordQuery {
  enum class Order { oldest_first, newest_first };
  enum class Shadows { include, exclude, only };

  std::optional<std::int64_t> since_unix_ms = std::nullopt;  ///< start_unix_ms >= since
  std::optional<std::int64_t> until_unix_ms = std::nullopt;  ///< start_unix_ms < until
  std::optional<std::string> user = std::nullopt;
  std::optional<std::string> task = std::nullopt;
  Shadows shadows = Shadows::include;
  Order order = Order::oldest_first;
  std::optional<std::size_t> limit = std::nullopt;  ///< at most this many, taken from the start of `order`
};

/// The records found, or what went wrong reading them.
struct RecordQueryResult {
  std::vector<RequestRecord> records;
  std::string error;  ///< empty on success
};

/// A read-only connection to a records database. Thread-safe: queries are serialised on the connection.
/// Queries read the disk: run them off the proxy's I/O thread.
class SqliteRecordReader {
 public:
  /// Opens an existing database. Throws RecordStoreError when it cannot be opened or its schema is not
  /// the current one.
  explicit SqliteRecordReader(const std::string& path);

  RecordQueryResult query(const RecordQuery& query) const;

 private:
  mutable std::mutex mutex_;
  mutable SqliteConnection db_;
};

}  // namespace llmroute::records
