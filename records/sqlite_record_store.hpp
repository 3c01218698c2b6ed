// The records database: a bounded queue the proxy fills without waiting, drained by one writer thread.
#pragma once

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
class SqliteRecordStore final : public RecordSink {
 public:
  /// Rows per transaction before the writer stops waiting for more.
  static constexpr std::size_t kBatchRows = 256;
  /// How long the writer lets a batch gather after its first record.
  static constexpr std::chrono::milliseconds kBatchWindow{50};
  static constexpr std::chrono::hours kRetentionInterval{1};

  /// Opens or creates the database at `config.path`, migrates its schema, deletes expired records and starts
  /// the writer thread. Throws RecordStoreError (startup only).
  explicit SqliteRecordStore(const config::RecordsConfig& config);
  /// Flushes and stops, as flush_and_stop().
  ~SqliteRecordStore() override;
  SqliteRecordStore(const SqliteRecordStore&) = delete;
  SqliteRecordStore& operator=(const SqliteRecordStore&) = delete;

  bool submit(RequestRecord record) noexcept override;
  std::uint64_t dropped() const noexcept override { return dropped_.load(std::memory_order_relaxed); }
  std::uint64_t lost() const noexcept override { return lost_.load(std::memory_order_relaxed); }
  /// The writer's last SQLite error (losing records or deleting expired ones), empty if none ever happened.
  std::string last_error() const;

  /// Writes every queued record, then stops the writer; later submissions are dropped. Blocks until done:
  /// for graceful shutdown, not for the I/O thread. Idempotent.
  void flush_and_stop();

  /// Reads records on the store's read-only connection. Reads the disk: run it off the I/O thread.
  RecordQueryResult query(const RecordQuery& query) const { return reader_->query(query); }

 private:
  void run_writer();
  void write_batch(const std::vector<RequestRecord>& batch);
  /// Deletes records older than the retention; SQLite's error, empty on success.
  std::string delete_expired();
  /// Runs a prepared statement that returns no rows; SQLite's error message, empty on success.
  std::string run(sqlite3_stmt* statement);
  void note_error(std::size_t lost_records, const std::string& error);

  const std::size_t capacity_;
  const std::size_t batch_rows_;  // kBatchRows, or the whole queue when it is smaller: a full queue writes at once
  const std::chrono::milliseconds retention_;
  SqliteConnection db_;
  SqliteStatement insert_;
  // Prepared once: sqlite3_exec would parse the SQL of each transaction again (half the writer's work at c=1).
  SqliteStatement begin_;
  SqliteStatement commit_;
  SqliteStatement rollback_;
  SqliteStatement delete_expired_;
  std::unique_ptr<SqliteRecordReader> reader_;

  std::mutex mutex_;  // guards pending_ and stopping_; never held while touching the disk
  std::condition_variable wake_;
  std::vector<RequestRecord> pending_;
  bool stopping_ = false;

  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> lost_{0};
  mutable std::mutex error_mutex_;
  std::string last_error_;

  std::mutex stop_mutex_;  // serialises flush_and_stop() callers around the join
  std::thread writer_;
};

}  // namespace llmroute::records
