// The records database: a bounded queue the proxy fills without waiting, drained by one writer thread.
#pragma once

#include "records/database_file.hpp"

#include "config/config.hpp"
#include "records/record_sink.hpp"
#include "records/sqlite_connection.hpp"
#include "records/sqlite_record_reader.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace llmroute::records {

/// Stores records in SQLite (WAL, synchronous=NORMAL). submit() only appends to an in-memory queue of at
/// most `queue_capacity` records; one writer thread drains it in batched transactions (a batch closes at
/// 256 records, a full queue, or 50 ms after its first record), and deletes records older than the retention
/// at open and hourly. Records being written do not count against the capacity.
/// When a write fails (disk full, a read-only file system) the batch is held in memory, up to `queue_capacity`
/// records besides the queue, and retried every kRetryInterval; the failure and the recovery are logged on
/// stderr. When the database file is deleted or replaced while open, it is created again at its path.
class SqliteRecordStore final : public RecordSink {
 public:
  /// Rows per transaction before the writer stops waiting for more.
  static constexpr std::size_t kBatchRows = 256;
  /// How long the writer lets a batch gather after its first record.
  static constexpr std::chrono::milliseconds kBatchWindow{50};
  static constexpr std::chrono::hours kRetentionInterval{1};
  /// Pause between two attempts to write held records.
  static constexpr std::chrono::milliseconds kRetryInterval{1000};

  /// Opens or creates the database at `config.path`, migrates its schema, deletes expired records and starts
  /// the writer thread. `file` is config.path as the process's other stores of it share it (none: its own).
  /// Throws RecordStoreError (startup only).
  explicit SqliteRecordStore(const config::RecordsConfig& config, std::shared_ptr<DatabaseFile> file = {});
  /// Flushes and stops, as flush_and_stop().
  ~SqliteRecordStore() override;
  SqliteRecordStore(const SqliteRecordStore&) = delete;
  SqliteRecordStore& operator=(const SqliteRecordStore&) = delete;

  bool submit(RequestRecord record) noexcept override;
  std::uint64_t dropped() const noexcept override { return dropped_.load(std::memory_order_relaxed); }
  std::uint64_t lost() const noexcept override { return lost_.load(std::memory_order_relaxed); }
  std::uint64_t held() const noexcept override { return held_.load(std::memory_order_relaxed); }
  std::string write_failure() const override;
  /// The writer's last SQLite error (losing records or deleting expired ones), empty if none ever happened.
  std::string last_error() const;

  /// Writes every queued record, then stops the writer; later submissions are dropped. Blocks until done:
  /// for graceful shutdown, not for the I/O thread. Idempotent.
  void flush_and_stop();

  /// Reads records on the store's read-only connection. Reads the disk: run it off the I/O thread.
  RecordQueryResult query(const RecordQuery& query) const;

 private:
  /// The writer's connection and its statements, opened (WAL, schema migrated) together and replaced together
  /// when the file at the path is no longer the one opened. Throws RecordStoreError.
  struct Database {
    explicit Database(const std::string& path);
    SqliteConnection db;
    SqliteStatement insert;
    // Prepared once: sqlite3_exec would parse the SQL of each transaction again (half the writer's work at c=1).
    SqliteStatement begin;
    SqliteStatement commit;
    SqliteStatement rollback;
    SqliteStatement delete_expired;
    std::optional<FileIdentity> identity;  ///< the opened file, to see it deleted or replaced
  };

  void run_writer();
  /// Writes the batch in one transaction; SQLite's error, empty on success.
  std::string write_batch(const std::vector<RequestRecord>& batch);
  /// Opens the database again when its file was deleted or replaced since it was opened; an error, or empty.
  std::string reopen_if_replaced();
  /// Deletes records older than the retention; SQLite's error, empty on success.
  std::string delete_expired();
  /// Runs a prepared statement that returns no rows; SQLite's error message, empty on success.
  std::string run(sqlite3_stmt* statement);
  /// A write failed: the batch stays held (the oldest beyond the capacity are lost); logged once per outage.
  void note_failure(std::vector<RequestRecord>& held, const std::string& error);
  void note_recovery(std::size_t written);
  void note_error(std::size_t lost_records, const std::string& error);

  const std::string path_;
  const std::shared_ptr<DatabaseFile> file_;  // shared with the judge queue: replacements one store at a time
  const std::size_t capacity_;
  const std::size_t batch_rows_;  // kBatchRows, or the whole queue when it is smaller: a full queue writes at once
  const std::chrono::milliseconds retention_;
  std::unique_ptr<Database> db_;  // null after a failed reopen: the next write tries again
  mutable std::mutex reader_mutex_;  // the reader is replaced with the database
  std::unique_ptr<SqliteRecordReader> reader_;
  std::chrono::steady_clock::time_point failing_since_{};  // writer thread only: the outage's start, or epoch

  std::mutex mutex_;  // guards pending_ and stopping_; never held while touching the disk
  std::condition_variable wake_;
  std::vector<RequestRecord> pending_;
  bool stopping_ = false;

  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> lost_{0};
  std::atomic<std::uint64_t> held_{0};
  std::string failure_;  // guarded by error_mutex_: why records are held, empty while writing works
  mutable std::mutex error_mutex_;
  std::string last_error_;

  std::mutex stop_mutex_;  // serialises flush_and_stop() callers around the join
  std::thread writer_;
};

}  // namespace llmroute::records
