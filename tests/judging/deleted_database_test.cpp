// The records database deleted under the two stores that write it (the records store and the judge queue): each
// creates it again without undoing the other's new file, and a pair being judged lands in the new file whole.
#include <doctest/doctest.h>

#include "policies/judge_store.hpp"
#include "records/database_file.hpp"
#include "records/sqlite_record_store.hpp"
#include "support/child_process.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace llmroute;
using test::TempDir;

namespace {

policies::ShadowPair pair_named(const std::string& primary_id) {
  policies::ShadowPair pair;
  pair.task = "commit-message";
  pair.prompt = "user: write a commit message";
  pair.created_unix_ms = 1'000;
  pair.primary = {primary_id, "box", "qwen", config::Location::local, "fix pagination", "", false, 800, 12, 0.001};
  pair.shadow = {primary_id + "-shadow", "cloud", "opus", config::Location::cloud, "fix", "", false, 2000, 30, 0.02};
  return pair;
}

/// The numbers N of the "<prefix>N" values of `column` in `table` of the file now at `path`, read on a connection
/// of its own (as a report or `llmroute review` would); empty when there is no file or it has no such table yet.
std::set<int> numbers_in(const std::string& path, const char* table, const char* column, char prefix) {
  std::set<int> found;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* s = nullptr;
    const std::string sql = std::string("SELECT ") + column + " FROM " + table;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK)
      while (sqlite3_step(s) == SQLITE_ROW) {
        const std::string text(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
        if (!text.empty() && text[0] == prefix && text.find('-') == std::string::npos) found.insert(std::stoi(text.substr(1)));
      }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return found;
}

/// Whether `numbers` are every whole number from their smallest to their largest.
bool without_gaps(const std::set<int>& numbers) {
  return numbers.empty() || *numbers.rbegin() - *numbers.begin() + 1 == static_cast<int>(numbers.size());
}

std::string integrity_of(const std::string& path) {
  sqlite3* db = nullptr;
  std::string result = "cannot open";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
      result = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return result;
}

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling interval
  }
  return done();
}

}  // namespace

TEST_CASE("a database deleted again and again while the records store and the judge queue both write loses nothing written to the new file, with no SQLite error") {
  TempDir dir;
  const std::string path = (dir / "records.db").string();
  auto file = std::make_shared<records::DatabaseFile>(path);
  config::RecordsConfig records_config;
  records_config.path = path;
  records::SqliteRecordStore records(records_config, file);
  policies::JudgeStore judges(file);

  // Two writers at their own pace, as the proxy's I/O thread and its judge worker are.
  std::atomic<bool> stop = false;
  std::atomic<int> records_sent = 0;
  std::atomic<int> pairs_queued = 0;
  std::vector<std::string> judge_errors;
  std::thread record_writer([&] {
    while (!stop) {
      records::RequestRecord record;
      record.id = "r" + std::to_string(records_sent.load());
      if (records.submit(std::move(record))) ++records_sent;
      std::this_thread::sleep_for(std::chrono::microseconds(300));  // pacing, not synchronisation
    }
  });
  std::thread pair_writer([&] {
    while (!stop) {
      std::string error;
      judges.enqueue(pair_named("p" + std::to_string(pairs_queued.load())), "", error);
      if (!error.empty()) judge_errors.push_back(error);
      ++pairs_queued;
      std::this_thread::sleep_for(std::chrono::microseconds(300));
    }
  });

  for (int round = 0; round < 12; ++round) {
    CAPTURE(round);
    const int records_before = records_sent;
    const int pairs_before = pairs_queued;
    std::filesystem::remove(path);  // the -wal and -shm stay, as after `rm records.db`
    // Both stores notice and write into the new file; a store whose fresh journal the other removed would keep
    // writing into a journal no one else sees, and its rows would never show here.
    std::set<int> in_file_records, in_file_pairs;
    CHECK(eventually([&] {
      in_file_records = numbers_in(path, "requests", "id", 'r');
      in_file_pairs = numbers_in(path, "judge_pairs", "primary_id", 'p');
      return !in_file_records.empty() && *in_file_records.rbegin() >= records_before + 20 && !in_file_pairs.empty() &&
             *in_file_pairs.rbegin() >= pairs_before + 20;
    }));
    CHECK(without_gaps(in_file_records));
    CHECK(without_gaps(in_file_pairs));
  }
  stop = true;
  record_writer.join();
  pair_writer.join();
  records.flush_and_stop();

  // The last file has everything written since it was created, up to the last record and pair.
  const std::set<int> last_records = numbers_in(path, "requests", "id", 'r');
  const std::set<int> last_pairs = numbers_in(path, "judge_pairs", "primary_id", 'p');
  REQUIRE_FALSE(last_records.empty());
  REQUIRE_FALSE(last_pairs.empty());
  CHECK(without_gaps(last_records));
  CHECK(*last_records.rbegin() == records_sent - 1);
  CHECK(without_gaps(last_pairs));
  CHECK(*last_pairs.rbegin() == pairs_queued - 1);
  CHECK(records.last_error().empty());
  CHECK(records.lost() == 0);
  CHECK(records.dropped() == 0);
  CHECK(judge_errors.empty());
  CHECK(integrity_of(path) == "ok");
}

TEST_CASE("a pair being judged when the database is deleted is written again into the new file with its calls, and its verdict lands on it") {
  TempDir dir;
  const std::string path = (dir / "records.db").string();
  policies::JudgeStore store(std::make_shared<records::DatabaseFile>(path));
  std::string error;
  const std::int64_t id = *store.enqueue(pair_named("p1"), "- read_file: Read a file\n", error);
  const auto due = store.due_pairs(5'000, 10, {}, error);
  REQUIRE(due.size() == 1);
  policies::StoredCall call;
  call.judge = {"cloud/opus", "claude"};
  call.reply.answered = false;
  call.reply.error = "connection refused";
  call.reading.reason = "connection refused";
  call.attempt = 0;
  REQUIRE(store.record_call(id, call).empty());

  std::filesystem::remove(path);
  call.attempt = 1;
  call.reply.error = call.reading.reason = "timeout";
  CHECK(store.record_call(id, call).empty());  // creates the file again, with the pair and its first call
  // A pair queued now gets an id of its own, and the one being judged is not handed out a second time.
  const std::int64_t next = *store.enqueue(pair_named("p2"), "", error);
  CHECK(next != id);
  const auto due_now = store.due_pairs(5'000, 10, {id}, error);
  REQUIRE(due_now.size() == 1);
  CHECK(due_now[0].pair.primary.record_id == "p2");
  CHECK(store.give_up(id, "judge cloud/opus: timeout", 6'000).empty());
  CHECK(error.empty());

  // What `llmroute review` finds in the new file.
  policies::JudgeStore reader(path, policies::JudgeStore::Access::read_only);
  const auto detail = reader.detail(id, error);
  REQUIRE(detail);
  CHECK(detail->pair.primary.record_id == "p1");
  CHECK(detail->state == policies::PairState::failed);
  CHECK(detail->last_error == "judge cloud/opus: timeout");
  REQUIRE(detail->calls.size() == 2);
  CHECK(detail->calls[0].reply.error == "connection refused");
  CHECK(detail->calls[1].reply.error == "timeout");
  CHECK(detail->calls[1].attempt == 1);
  const auto counts = reader.counts(std::nullopt, std::nullopt, error);
  CHECK(counts.failed == 1);
  CHECK(counts.pending == 1);
  CHECK(counts.calls == 2);
}

TEST_CASE("a pair being judged when another database is moved over the file is dropped, never written onto the pair that has its id there") {
  TempDir dir;
  const std::string path = (dir / "records.db").string();
  policies::JudgeStore store(std::make_shared<records::DatabaseFile>(path));
  std::string error;
  const std::int64_t id = *store.enqueue(pair_named("p1"), "", error);
  REQUIRE(store.due_pairs(5'000, 10, {}, error).size() == 1);

  // Another database, whose first pair has the same id, takes the file's place (a restored backup, say).
  const std::string other = (dir / "other.db").string();
  {
    policies::JudgeStore elsewhere(other);
    REQUIRE(elsewhere.enqueue(pair_named("p9"), "", error) == id);
  }
  std::filesystem::rename(other, path);

  policies::StoredCall call;
  call.judge = {"cloud/opus", "claude"};
  call.reply.error = call.reading.reason = "timeout";
  const std::string refused = store.record_call(id, call);
  CHECK(refused.find("is not in the replaced database file") != std::string::npos);
  CHECK_FALSE(store.give_up(id, "judge cloud/opus: timeout", 6'000).empty());
  // Settled: the id means the file's own pair again.
  CHECK(store.record_call(id, call).empty());

  policies::JudgeStore reader(path, policies::JudgeStore::Access::read_only);
  const auto detail = reader.detail(id, error);
  REQUIRE(detail);
  CHECK(detail->pair.primary.record_id == "p9");
  CHECK(detail->state == policies::PairState::pending);
  CHECK(detail->calls.size() == 1);  // only the call made after p1 was settled
}
