// The records writer: queue hand-off, batched inserts, retention, graceful drain.
#include "records/sqlite_record_store.hpp"

#include "records/database_file.hpp"
#include "records/record_fields.hpp"
#include "records/record_schema.hpp"


#include <algorithm>
#include <cstdio>
#include <iterator>
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
  if (!statement) throw RecordStoreError(db.path() + ": cannot prepare '" + sql + "': " + db.startup_error());
  return statement;
}

}  // namespace

SqliteRecordStore::Database::Database(const std::string& path) : db(path, SqliteConnection::Access::read_write_create) {
  // Another process (a report, a second proxy) may hold the write lock for a moment.
  sqlite3_busy_timeout(db.get(), 5000);
  SqliteStatement mode = prepare_or_throw(db, "PRAGMA journal_mode = WAL");
  const bool wal = sqlite3_step(mode.get()) == SQLITE_ROW &&
                   std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(mode.get(), 0))) == "wal";
  const std::string why = wal ? std::string() : db.startup_error();
  mode.reset();
  // Without WAL every write would block the readers (reports, /admin/records) and vice versa.
  if (!wal) throw RecordStoreError(path + ": cannot switch the records database to WAL mode: " + why);
  // NORMAL in WAL mode: a power cut may lose the last transactions, never corrupt the file.
  db.exec_or_throw("PRAGMA synchronous = NORMAL", "cannot set synchronous = NORMAL");
  migrate(db);
  insert = prepare_or_throw(db, insert_sql());
  begin = prepare_or_throw(db, "BEGIN IMMEDIATE");
  commit = prepare_or_throw(db, "COMMIT");
  rollback = prepare_or_throw(db, "ROLLBACK");
  delete_expired = prepare_or_throw(db, "DELETE FROM requests WHERE start_ms < ?");
  identity = identify_file(path);
}

SqliteRecordStore::SqliteRecordStore(const config::RecordsConfig& config, std::shared_ptr<DatabaseFile> file)
    : path_(config.path),
      file_(file ? std::move(file) : std::make_shared<DatabaseFile>(config.path)),
      capacity_(config.queue_capacity),
      batch_rows_(std::min(capacity_, kBatchRows)),
      retention_(config.retention),
      db_(std::make_unique<Database>(config.path)) {
  if (const std::string error = delete_expired(); !error.empty())
    throw RecordStoreError(config.path + ": cannot delete expired records: " + error);
  reader_ = std::make_unique<SqliteRecordReader>(config.path);
  file_->note_opened();
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

std::string SqliteRecordStore::write_failure() const {
  std::lock_guard lock(error_mutex_);
  return failure_;
}

RecordQueryResult SqliteRecordStore::query(const RecordQuery& query) const {
  std::lock_guard lock(reader_mutex_);
  return reader_->query(query);
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
      if (batch.empty()) {
        wake_.wait_until(lock, next_retention, [this] { return stopping_ || !pending_.empty(); });
        if (!pending_.empty())
          wake_.wait_for(lock, kBatchWindow, [this] { return stopping_ || pending_.size() >= batch_rows_; });
        // Swapping hands the producers an empty buffer that keeps its capacity: no allocation in steady state.
        batch.swap(pending_);
      } else {
        // The held records are retried after a pause, together with what arrived meanwhile.
        wake_.wait_for(lock, kRetryInterval, [this] { return stopping_; });
        std::move(pending_.begin(), pending_.end(), std::back_inserter(batch));
        pending_.clear();
      }
      stopping = stopping_;
    }
    if (!batch.empty()) {
      if (const std::string error = write_batch(batch); error.empty()) {
        note_recovery(batch.size());
        batch.clear();
      } else {
        note_failure(batch, error);
      }
    }
    if (std::chrono::steady_clock::now() >= next_retention) {
      if (const std::string error = delete_expired(); !error.empty()) note_error(0, error);
      next_retention = std::chrono::steady_clock::now() + kRetentionInterval;
    }
    // stopping_ was set before this swap, so nothing can have been queued after it.
    if (stopping) {
      if (!batch.empty()) {
        std::fprintf(stderr, "llmroute: records: %zu records could not be written to %s before stopping and are lost\n",
                     batch.size(), path_.c_str());
        note_error(batch.size(), write_failure());
        held_.store(0, std::memory_order_relaxed);
      }
      return;
    }
  }
}

std::string SqliteRecordStore::reopen_if_replaced() {
  if (db_ && db_->identity && identify_file(path_) == db_->identity) return {};
  if (db_)
    std::fprintf(stderr,
                 "llmroute: records: %s was deleted or replaced while llmroute was running; creating it again (the records "
                 "written before are in the file that was deleted)\n",
                 path_.c_str());
  const auto close_old = [this] {
    {
      std::lock_guard lock(reader_mutex_);
      reader_.reset();
    }
    db_.reset();
  };
  const auto open_new = [this]() -> std::string {
    try {
      auto reopened = std::make_unique<Database>(path_);
      auto reader = std::make_unique<SqliteRecordReader>(path_);
      db_ = std::move(reopened);
      std::lock_guard lock(reader_mutex_);
      reader_ = std::move(reader);
    } catch (const std::exception& e) {
      return e.what();
    }
    return {};
  };
  // The judge queue may be replacing the same file right now: one store at a time (see DatabaseFile).
  return file_->replace(close_old, open_new);
}

std::string SqliteRecordStore::run(sqlite3_stmt* statement) {
  std::string error = sqlite3_step(statement) == SQLITE_DONE ? std::string() : db_->db.error();
  sqlite3_reset(statement);
  return error;
}

std::string SqliteRecordStore::write_batch(const std::vector<RequestRecord>& batch) {
  if (std::string error = reopen_if_replaced(); !error.empty()) return error;
  if (std::string error = run(db_->begin.get()); !error.empty()) return error;
  sqlite3_stmt* insert = db_->insert.get();
  for (const RequestRecord& record : batch) {
    for_each_field(record, ParameterBinder{insert});
    const int rc = sqlite3_step(insert);
    if (rc != SQLITE_DONE) {
      const std::string error = db_->db.error();
      sqlite3_reset(insert);
      sqlite3_clear_bindings(insert);
      run(db_->rollback.get());
      return error;
    }
    sqlite3_reset(insert);
  }
  sqlite3_clear_bindings(insert);
  if (std::string error = run(db_->commit.get()); !error.empty()) {
    run(db_->rollback.get());
    return error;
  }
  return {};
}

void SqliteRecordStore::note_failure(std::vector<RequestRecord>& held, const std::string& error) {
  if (held.size() > capacity_) {
    // Memory stays bounded during a long outage: the oldest held records give way to the newest.
    const std::size_t excess = held.size() - capacity_;
    held.erase(held.begin(), held.begin() + static_cast<std::ptrdiff_t>(excess));
    note_error(excess, error);
  }
  held_.store(held.size(), std::memory_order_relaxed);
  {
    std::lock_guard lock(error_mutex_);
    last_error_ = error;
    failure_ = error;
  }
  if (failing_since_ != std::chrono::steady_clock::time_point{}) return;
  failing_since_ = std::chrono::steady_clock::now();
  std::fprintf(stderr,
               "llmroute: warning: records: cannot write to %s (%s); requests are still answered, their records are held "
               "in memory (at most %zu; older ones are then dropped, counted in llmroute_records_dropped_total{reason=\"write_error\"}) "
               "and written once it works again\n",
               path_.c_str(), error.c_str(), capacity_);
}

void SqliteRecordStore::note_recovery(std::size_t written) {
  if (failing_since_ == std::chrono::steady_clock::time_point{}) return;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - failing_since_).count();
  failing_since_ = {};
  held_.store(0, std::memory_order_relaxed);
  {
    std::lock_guard lock(error_mutex_);
    failure_.clear();
  }
  std::fprintf(stderr, "llmroute: records: writing to %s works again after %.1f s; %zu held records written\n", path_.c_str(),
               seconds, written);
}

std::string SqliteRecordStore::delete_expired() {
  if (retention_.count() == 0) return {};
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  if (!db_) return {};  // reopening failed: the next write tries again
  sqlite3_stmt* s = db_->delete_expired.get();
  sqlite3_bind_int64(s, 1, (now - retention_).count());
  std::string error = sqlite3_step(s) == SQLITE_DONE ? std::string() : db_->db.error();
  sqlite3_reset(s);
  return error;
}

void SqliteRecordStore::note_error(std::size_t lost_records, const std::string& error) {
  lost_.fetch_add(lost_records, std::memory_order_relaxed);
  std::lock_guard lock(error_mutex_);
  last_error_ = error;
}

}  // namespace llmroute::records
