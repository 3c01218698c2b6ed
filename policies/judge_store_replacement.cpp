// The judge queue across a replaced database file: the pairs being judged are written into the new file again.
#include "policies/judge_store.hpp"

#include "records/sqlite_row.hpp"

#include <cstdio>

namespace llmroute::policies {

using records::SqliteBinder;
using records::SqliteStatement;

std::string JudgeStore::rewrite_in_flight() {
  // One transaction: a process killed meanwhile leaves the new file without these pairs, never half of one.
  if (std::string error = db_.exec("BEGIN IMMEDIATE"); !error.empty()) return error;
  std::string error;
  std::vector<std::int64_t> lost;
  for (const auto& [pair_id, due] : in_flight_) {
    if (dropped_.contains(pair_id)) continue;
    const bool added = insert_pair(due.pair, due.tools, pair_id, due.failed_rounds, error);
    if (!error.empty()) break;
    if (!added) {
      // A file that already had rows (another database moved into place): if it holds this very pair, its calls
      // are there too; if the id is another pair's, this one's later calls would land on that one.
      SqliteStatement find = db_.prepare("SELECT pair_id FROM judge_pairs WHERE primary_id = ?");
      if (!find) {
        error = db_.error();
        break;
      }
      SqliteBinder(find.get()).text(due.pair.primary.record_id);
      if (sqlite3_step(find.get()) != SQLITE_ROW || sqlite3_column_int64(find.get(), 0) != pair_id) lost.push_back(pair_id);
      continue;
    }
    for (const StoredCall& call : due.calls)
      if (error = insert_call(pair_id, call); !error.empty()) break;
    if (!error.empty()) break;
  }
  if (!error.empty()) {
    db_.exec("ROLLBACK");
    return error;
  }
  if (error = db_.exec("COMMIT"); !error.empty()) {
    db_.exec("ROLLBACK");
    return error;
  }
  for (const std::int64_t pair_id : lost) {
    std::fprintf(stderr, "llmroute: judging: the new %s has another pair under id %lld; that pair's judging in flight is dropped\n",
                 path_.c_str(), static_cast<long long>(pair_id));
    dropped_.insert(pair_id);
  }
  rewrite_due_ = false;
  return {};
}

std::string JudgeStore::dropped_error(std::int64_t pair_id) const {
  if (!dropped_.contains(pair_id)) return {};
  return "pair " + std::to_string(pair_id) + " is not in the replaced database file " + path_ + " (another pair has its id)";
}

}  // namespace llmroute::policies
