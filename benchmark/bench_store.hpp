// Bench runs and results in the records database (tables bench_runs and bench_results), for resume and report.
#pragma once

#include "benchmark/bench_result.hpp"
#include "records/database_file.hpp"
#include "records/sqlite_connection.hpp"

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace llmroute::benchmark {

/// The bench's own connection to the records database (WAL, so `llmroute serve` may write it meanwhile).
/// Every save is its own transaction: a bench killed at any moment keeps every pair it saved. Thread-safe.
/// A store opened read_write writes only to the file it opened: once the file at its path is another one (deleted,
/// or another moved over it), every write fails and file_lost() says why; it never creates the file again.
class BenchStore {
 public:
  /// Opens or creates the database and migrates it; read_only opens an existing database of the current
  /// schema (for reports) and makes every write fail. Throws records::RecordStoreError (startup only).
  explicit BenchStore(const std::string& path,
                      records::SqliteConnection::Access access = records::SqliteConnection::Access::read_write_create);

  /// Records a new run. Returns SQLite's error, empty on success.
  std::string create_run(const BenchRun& run);
  /// Updates a run's models, judges and task count (a resumed run may add models). Error or empty.
  std::string update_run(const BenchRun& run);
  std::optional<BenchRun> find_run(const std::string& id);
  /// The run started last, if any.
  std::optional<BenchRun> latest_run();

  /// Inserts or replaces the row of (run, task, model). Returns SQLite's error, empty on success.
  std::string save(const BenchResult& result);
  /// Every stored pair of a run, keyed by (task id, model).
  std::map<std::pair<std::string, std::string>, BenchResult> results(const std::string& run_id);

  /// Why nothing more can be stored: the file at the path is no longer the one this store opened read_write, so
  /// what it stored went with that file. Empty while the file is there.
  std::string file_lost();

 private:
  std::optional<BenchRun> read_run(const char* sql, const std::string* id);
  /// file_lost(), with mutex_ held.
  std::string lost_file_error() const;

  std::mutex mutex_;
  records::SqliteConnection db_;
  std::optional<records::FileIdentity> opened_;  ///< the file opened read_write; unset read_only
};

}  // namespace llmroute::benchmark
