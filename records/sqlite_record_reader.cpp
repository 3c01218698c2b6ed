// Filtered, ordered reads of the requests table into RequestRecords.
#include "records/sqlite_record_reader.hpp"

#include "records/record_fields.hpp"
#include "records/record_schema.hpp"

#include <type_traits>

namespace llmroute::records {

namespace {

template <class>
inline constexpr bool kUnsupportedField = false;

/// Reads the columns of the current row into a record, in for_each_field order.
struct ColumnReader {
  sqlite3_stmt* statement;
  int index = 0;

  template <class T>
  void operator()(const char*, T& field) {
    const int column = index++;
    const bool null = sqlite3_column_type(statement, column) == SQLITE_NULL;
    if constexpr (std::is_same_v<T, std::string>) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
      field.assign(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
    } else if constexpr (std::is_same_v<T, bool>) {
      field = sqlite3_column_int64(statement, column) != 0;
    } else if constexpr (std::is_integral_v<T>) {
      field = static_cast<T>(sqlite3_column_int64(statement, column));
    } else if constexpr (std::is_same_v<T, double>) {
      field = sqlite3_column_double(statement, column);
    } else if constexpr (std::is_same_v<T, std::optional<double>>) {
      field = null ? std::nullopt : std::optional<double>(sqlite3_column_double(statement, column));
    } else if constexpr (std::is_same_v<T, std::optional<config::Location>>) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
      const std::string_view value = text ? text : "";
      if (value == "local") field = config::Location::local;
      else if (value == "cloud") field = config::Location::cloud;
      else field = std::nullopt;
    } else {
      static_assert(kUnsupportedField<T>, "for_each_field visits a type ColumnReader cannot read");
    }
  }
};

}  // namespace

SqliteRecordReader::SqliteRecordReader(const std::string& path)
    : db_(path, SqliteConnection::Access::read_only) {
  db_.exec_or_throw("PRAGMA query_only = ON", "cannot make the reader read-only");
  require_current_schema(db_);
}

RecordQueryResult SqliteRecordReader::query(const RecordQuery& q) const {
  std::string sql = "SELECT " + record_columns() + " FROM requests WHERE 1";
  if (q.since_unix_ms) sql += " AND start_ms >= :since";
  if (q.until_unix_ms) sql += " AND start_ms < :until";
  if (q.user) sql += " AND user = :user";
  if (q.task) sql += " AND task = :task";
  if (q.shadows == RecordQuery::Shadows::exclude) sql += " AND shadow = 0";
  if (q.shadows == RecordQuery::Shadows::only) sql += " AND shadow = 1";
  // rowid breaks ties between records of the same millisecond in submission order.
  sql += q.order == RecordQuery::Order::oldest_first ? " ORDER BY start_ms ASC, rowid ASC"
                                                     : " ORDER BY start_ms DESC, rowid DESC";
  if (q.limit) sql += " LIMIT :limit";

  RecordQueryResult result;
  std::lock_guard lock(mutex_);
  SqliteStatement statement = db_.prepare(sql);
  if (!statement) {
    result.error = db_.error();
    return result;
  }
  sqlite3_stmt* s = statement.get();
  const auto bind_text = [s](const char* name, const std::string& value) {
    sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, name), value.data(), static_cast<int>(value.size()),
                      SQLITE_STATIC);
  };
  if (q.since_unix_ms) sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":since"), *q.since_unix_ms);
  if (q.until_unix_ms) sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":until"), *q.until_unix_ms);
  if (q.user) bind_text(":user", *q.user);
  if (q.task) bind_text(":task", *q.task);
  if (q.limit)
    sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":limit"), static_cast<sqlite3_int64>(*q.limit));

  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    RequestRecord& record = result.records.emplace_back();
    for_each_field(record, ColumnReader{s});
  }
  if (rc != SQLITE_DONE) {
    result.records.clear();
    result.error = db_.error();
  }
  return result;
}

}  // namespace llmroute::records
