// The records writer: queue hand-off, batched inserts, retention, graceful drain.
#include "records/sqlite_record_store.hpp"

#include "records/record_fields.hpp"
#include "records/record_schema.hpp"

#include <algorithm>
#include <type_traits>

namespace llmroute::records {

namespace {

template <class>
inline constexpr bool kUnsupportedField = false;

/// Binds a record's fields to the insert statement's parameters, in for_each_field order. Text is bound
/// without copying: the record outlives the statement's step.
struct ParameterBinder {
  sqlite3_stmt* statement;
  int index = 0;

  template <class T>
  void operator()(const char*, const T& field) {
    const int parameter = ++index;
    if constexpr (std::is_same_v<T, std::string>) {
      sqlite3_bind_text(statement, parameter, field.data(), static_cast<int>(field.size()), SQLITE_STATIC);
    } else if constexpr (std::is_same_v<T, bool>) {
      sqlite3_bind_int(statement, parameter, field ? 1 : 0);
    } else if constexpr (std::is_integral_v<T>) {
      sqlite3_bind_int64(statement, parameter, static_cast<sqlite3_int64>(field));
    } else if constexpr (std::is_same_v<T, double>) {
      sqlite3_bind_double(statement, parameter, field);
    } else if constexpr (std::is_same_v<T, std::optional<double>>) {
      if (field) sqlite3_bind_double(statement, parameter, *field);
      else sqlite3_bind_null(statement, parameter);
    } else if constexpr (std::is_same_v<T, std::optional<config::Location>>) {
      if (field) {
        const std::string_view name = config::to_string(*field);
        sqlite3_bind_text(statement, parameter, name.data(), static_cast<int>(name.size()), SQLITE_STATIC);
      } else {
        sqlite3_bind_null(statement, parameter);
      }
    } else {
      static_assert(kUnsupportedField<T>, "for_each_field visits a type ParameterBinder cannot bind");
    }
  }
};

std::string insert_sql() {
  std::string placeholders;
  const RequestRecord empty;
  for_each_field(empty, [&placeholders](const char*, const auto&) { placeholders += placeholders.empty() ? "?" : ", ?"; });
  return "INSERT INTO requests (" + record_columns() + ") VALUES (" + placeholders + ")";
}

SqliteStatement prepare_or_throw(SqliteConnection& db, const std::string& sql) {
  SqliteStatement statement = db.prepare(sql);
  if (!statement) throw RecordStoreError(db.path() + ": cannot prepare '" + sql + "': " + db.error());
  return statement;
}

}  // namespace

SqliteRecordStore::SqliteRecordStore(const config::RecordsConfig& config)
    : capacity_(config.queue_capacity),
      batch_rows_(std::min(capacity_, kBatchRows)),
      retention_(config.retention),
      db_(config.path, SqliteConnection::Access::read_write_create) {
  // Another process (a report, a second proxy) may hold the write lock for a moment.
  sqlite3_busy_timeout(db_.get(), 5000);
  SqliteStatement mode = prepare_or_throw(db_, "PRAGMA journal_mode = WAL");
  const bool wal = sqlite3_step(mode.get()) == SQLITE_ROW &&
                   std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(mode.get(), 0))) == "wal";
  mode.reset();
  // Without WAL every write would block the readers (reports, /admin/records) and vice versa.
  if (!wal) throw RecordStoreError(config.path + ": cannot switch the records database to WAL mode");
  // NORMAL in WAL mode: a power cut may lose the last transactions, never corrupt the file.
  db_.exec_or_throw("PRAGMA synchronous = NORMAL", "cannot set synchronous = NORMAL");
  migrate(db_);
  insert_ = prepare_or_throw(db_, insert_sql());
  begin_ = prepare_or_throw(db_, "BEGIN IMMEDIATE");
  commit_ = prepare_or_throw(db_, "COMMIT");
  rollback_ = prepare_or_throw(db_, "ROLLBACK");
  delete_expired_ = prepare_or_throw(db_, "DELETE FROM requests WHERE start_ms < ?");
  if (const std::string error = delete_expired(); !error.empty())
    throw RecordStoreError(config.path + ": cannot delete expired records: " + error);
  reader_ = std::make_unique<SqliteRecordReader>(config.path);
  pending_.reserve(batch_rows_);
  writer_ = std::thread([this] { run_writer(); });
}

SqliteRecordStore::~SqliteRecordStore() { flush_and_stop(); }

bool SqliteRecordStore::submit(RequestRecord record) noexcept {
  std::size_t queued = 0;
  try {
    std::lock_guard lock(mutex_);
    if (!stopping_ && pending_.size() < capacity_) {
      pending_.push_back(std::move(record));
      queued = pending_.size();
    }
  } catch (const std::bad_alloc&) {
    // Out of memory while growing the queue: dropped and counted below.
  }
  if (queued == 0) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  // Wake the writer only when a batch starts or fills; in between it is waiting out the batch window anyway.
  if (queued == 1 || queued == batch_rows_) wake_.notify_one();
  return true;
}

std::string SqliteRecordStore::last_error() const {
  std::lock_guard lock(error_mutex_);
  return last_error_;
}

void SqliteRecordStore::flush_and_stop() {
  std::lock_guard stop_lock(stop_mutex_);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
}

void SqliteRecordStore::run_writer() {
  std::vector<RequestRecord> batch;
  batch.reserve(batch_rows_);
  auto next_retention = std::chrono::steady_clock::now() + kRetentionInterval;
  for (;;) {
    bool stopping = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_retention, [this] { return stopping_ || !pending_.empty(); });
      if (!pending_.empty())
        wake_.wait_for(lock, kBatchWindow, [this] { return stopping_ || pending_.size() >= batch_rows_; });
      // Swapping hands the producers an empty buffer that keeps its capacity: no allocation in steady state.
      batch.swap(pending_);
      stopping = stopping_;
    }
    if (!batch.empty()) write_batch(batch);
    batch.clear();
    if (std::chrono::steady_clock::now() >= next_retention) {
      if (const std::string error = delete_expired(); !error.empty()) note_error(0, error);
      next_retention = std::chrono::steady_clock::now() + kRetentionInterval;
    }
    // stopping_ was set before this swap, so nothing can have been queued after it.
    if (stopping) return;
  }
}

std::string SqliteRecordStore::run(sqlite3_stmt* statement) {
  std::string error = sqlite3_step(statement) == SQLITE_DONE ? std::string() : db_.error();
  sqlite3_reset(statement);
  return error;
}

void SqliteRecordStore::write_batch(const std::vector<RequestRecord>& batch) {
  if (std::string error = run(begin_.get()); !error.empty()) return note_error(batch.size(), error);
  sqlite3_stmt* insert = insert_.get();
  for (const RequestRecord& record : batch) {
    for_each_field(record, ParameterBinder{insert});
    const int rc = sqlite3_step(insert);
    if (rc != SQLITE_DONE) {
      const std::string error = db_.error();
      sqlite3_reset(insert);
      run(rollback_.get());
      return note_error(batch.size(), error);
    }
    sqlite3_reset(insert);
  }
  sqlite3_clear_bindings(insert);
  if (std::string error = run(commit_.get()); !error.empty()) {
    run(rollback_.get());
    note_error(batch.size(), error);
  }
}

std::string SqliteRecordStore::delete_expired() {
  if (retention_.count() == 0) return {};
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  sqlite3_stmt* s = delete_expired_.get();
  sqlite3_bind_int64(s, 1, (now - retention_).count());
  std::string error = sqlite3_step(s) == SQLITE_DONE ? std::string() : db_.error();
  sqlite3_reset(s);
  return error;
}

void SqliteRecordStore::note_error(std::size_t lost_records, const std::string& error) {
  lost_.fetch_add(lost_records, std::memory_order_relaxed);
  std::lock_guard lock(error_mutex_);
  last_error_ = error;
}

}  // namespace llmroute::records
