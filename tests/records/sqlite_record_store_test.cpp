// The SQLite record store: durable, migrated, batched off-thread, never blocking, pruned, queryable.
#include <doctest/doctest.h>

#include "records/record_schema.hpp"
#include "records/sqlite_record_store.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace llmroute;
using namespace llmroute::records;

namespace {

/// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("llmroute-records-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string db() const { return (path_ / "records.db").string(); }

 private:
  std::filesystem::path path_;
};

config::RecordsConfig records_config(const std::string& path, std::size_t capacity = 10'000,
                                     std::chrono::milliseconds retention = std::chrono::milliseconds(0)) {
  config::RecordsConfig c;
  c.path = path;
  c.queue_capacity = capacity;
  c.retention = retention;
  return c;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr std::int64_t kDayMs = 24 * 3600 * 1000;

/// A record with every field set to something other than its default.
RequestRecord full_record(const std::string& id, std::int64_t start_ms) {
  RequestRecord r;
  r.id = id;
  r.start_unix_ms = start_ms;
  r.user = "alice";
  r.client_tool = "claude-code";
  r.client_version = "2.0.14";
  r.endpoint = "/v1/messages";
  r.wire_format = "anthropic";
  r.task = "debugging";
  r.task_confidence = 0.875;
  r.task_rule = "stack-trace";
  r.route = config::Location::cloud;
  r.backend = "anthropic";
  r.model_requested = "claude-sonnet";
  r.model_served = "sonnet";
  r.reason = "task debugging routes to cloud";
  r.fallback_attempts = 1;
  r.http_status = 200;
  r.failure_kind = "";
  r.finish_reason = "length";
  r.truncated = true;
  r.client_disconnected = true;
  r.queue_wait_ms = 12.5;
  r.upstream_first_byte_ms = 310.25;
  r.ttft_ms = 420.5;
  r.total_ms = 9876.125;
  r.tokens_per_second = 61.75;
  r.proxy_time_us = 87;
  r.usage = Usage{.input = 12'000, .output = 800, .reasoning = 300, .cache_read = 9'000, .cache_write = 1'000};
  r.usage_reported = true;
  r.bytes_in = 98'304;
  r.bytes_out = 4'096;
  r.cost = 0.0183;
  r.cloud_equivalent_cost = 0.0183;
  r.shadow = true;
  r.primary_id = "primary-1";
  return r;
}

/// A failed request: nothing arrived, so every optional is unset.
RequestRecord failed_record(const std::string& id, std::int64_t start_ms) {
  RequestRecord r;
  r.id = id;
  r.start_unix_ms = start_ms;
  r.http_status = 401;
  r.failure_kind = "unauthenticated";
  return r;
}

std::vector<RequestRecord> all_records(const SqliteRecordStore& store) {
  const auto result = store.query(RecordQuery{});
  REQUIRE(result.error.empty());
  return result.records;
}

std::vector<std::string> ids_of(const RecordQueryResult& result) {
  REQUIRE(result.error.empty());
  std::vector<std::string> ids;
  for (const auto& r : result.records) ids.push_back(r.id);
  return ids;
}

}  // namespace

TEST_CASE("records survive closing and reopening the store, field for field") {
  TempDir dir;
  const RequestRecord full = full_record("r1", now_ms());
  const RequestRecord failed = failed_record("r2", full.start_unix_ms + 1);
  {
    SqliteRecordStore store(records_config(dir.db()));
    CHECK(store.submit(full));
    CHECK(store.submit(failed));
  }
  SqliteRecordStore reopened(records_config(dir.db()));
  const auto records = all_records(reopened);
  REQUIRE(records.size() == 2);
  CHECK(records[0] == full);
  CHECK(records[1] == failed);
  CHECK_FALSE(records[1].route.has_value());
  CHECK_FALSE(records[1].ttft_ms.has_value());
  CHECK(records[1].user == "anonymous");
  CHECK(records[1].task == "unclassified");
}

TEST_CASE("an empty database file is migrated to the current schema, once") {
  TempDir dir;
  std::ofstream(dir.db()).close();
  { SqliteRecordStore store(records_config(dir.db())); }
  { SqliteRecordStore again(records_config(dir.db())); }
  SqliteConnection db(dir.db(), SqliteConnection::Access::read_only);
  CHECK(schema_version(db) == kSchemaVersion);
  SqliteStatement applied = db.prepare("SELECT COUNT(*) FROM schema_version");
  REQUIRE(sqlite3_step(applied.get()) == SQLITE_ROW);
  CHECK(sqlite3_column_int(applied.get(), 0) == kSchemaVersion);

  // Every field the code writes has its column, in the same order.
  std::string columns;
  SqliteStatement info = db.prepare("SELECT name FROM pragma_table_info('requests') ORDER BY cid");
  while (sqlite3_step(info.get()) == SQLITE_ROW)
    columns += (columns.empty() ? "" : ", ") + std::string(reinterpret_cast<const char*>(sqlite3_column_text(info.get(), 0)));
  CHECK(columns == record_columns());

  SqliteStatement mode = db.prepare("PRAGMA journal_mode");
  REQUIRE(sqlite3_step(mode.get()) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(mode.get(), 0))) == "wal");
}

TEST_CASE("a database written by a newer llmroute is refused at open") {
  TempDir dir;
  { SqliteRecordStore store(records_config(dir.db())); }
  {
    SqliteConnection db(dir.db(), SqliteConnection::Access::read_write_create);
    CHECK(db.exec("INSERT INTO schema_version (version, applied_ms) VALUES (99, 0)").empty());
  }
  CHECK_THROWS_WITH_AS(SqliteRecordStore(records_config(dir.db())),
                       doctest::Contains("schema version 99, newer than this llmroute"), RecordStoreError);
  CHECK_THROWS_WITH_AS(SqliteRecordReader(dir.db()), doctest::Contains("upgrade llmroute"), RecordStoreError);
}

TEST_CASE("a file that is not a records database is refused by the reader") {
  TempDir dir;
  { SqliteConnection db(dir.db(), SqliteConnection::Access::read_write_create); }
  CHECK_THROWS_WITH_AS(SqliteRecordReader(dir.db()), doctest::Contains("not an llmroute records database"),
                       RecordStoreError);
}

TEST_CASE("ten thousand records submitted from another thread are all written when the queue is big enough") {
  TempDir dir;
  SqliteRecordStore store(records_config(dir.db(), 10'000));
  const std::int64_t start = now_ms();
  std::atomic<int> refused{0};
  std::thread producer([&] {
    for (int i = 0; i < 10'000; ++i)
      if (!store.submit(failed_record("r" + std::to_string(i), start + i))) ++refused;
  });
  producer.join();
  store.flush_and_stop();
  CHECK(refused == 0);
  CHECK(store.dropped() == 0);
  CHECK(store.lost() == 0);
  CHECK(store.last_error().empty());
  const auto records = all_records(store);
  REQUIRE(records.size() == 10'000);
  CHECK(records.front().id == "r0");
  CHECK(records.back().id == "r9999");
}

TEST_CASE("a full queue drops and counts records instead of waiting for a locked database") {
  TempDir dir;
  SqliteRecordStore store(records_config(dir.db(), 8));
  // Another writer holds the write lock: the store's writer can take at most one batch and then waits.
  SqliteConnection other(dir.db(), SqliteConnection::Access::read_write_create);
  REQUIRE(other.exec("BEGIN IMMEDIATE").empty());

  int accepted = 0;
  for (int i = 0; i < 100; ++i) accepted += store.submit(failed_record("r" + std::to_string(i), now_ms())) ? 1 : 0;
  // At most 8 waiting in the queue plus 8 taken by the blocked writer got in; the rest returned at once.
  CHECK(accepted >= 8);
  CHECK(accepted <= 16);
  CHECK(store.dropped() == static_cast<std::uint64_t>(100 - accepted));
  // WAL: a reader is not blocked by the held write lock.
  CHECK(store.query(RecordQuery{}).error.empty());

  REQUIRE(other.exec("ROLLBACK").empty());
  store.flush_and_stop();
  CHECK(store.lost() == 0);
  CHECK(all_records(store).size() == static_cast<std::size_t>(accepted));
}

TEST_CASE("records submitted after flush_and_stop are dropped and counted") {
  TempDir dir;
  SqliteRecordStore store(records_config(dir.db()));
  store.flush_and_stop();
  CHECK_FALSE(store.submit(failed_record("late", now_ms())));
  CHECK(store.dropped() == 1);
  store.flush_and_stop();
}

TEST_CASE("opening the store deletes records older than the retention") {
  TempDir dir;
  const std::int64_t now = now_ms();
  {
    SqliteRecordStore keep_all(records_config(dir.db()));
    keep_all.submit(failed_record("100-days-old", now - 100 * kDayMs));
    keep_all.submit(failed_record("89-days-old", now - 89 * kDayMs));
    keep_all.submit(failed_record("an-hour-old", now - 3600 * 1000));
  }
  {
    SqliteRecordStore still_keep_all(records_config(dir.db()));
    CHECK(all_records(still_keep_all).size() == 3);
  }
  SqliteRecordStore pruned(records_config(dir.db(), 10'000, std::chrono::milliseconds(90 * kDayMs)));
  const auto records = all_records(pruned);
  REQUIRE(records.size() == 2);
  CHECK(records[0].id == "89-days-old");
  CHECK(records[1].id == "an-hour-old");
}

TEST_CASE("queries filter by time, user, task and shadow, order by time and honour the limit") {
  TempDir dir;
  SqliteRecordStore store(records_config(dir.db()));
  const std::int64_t t = now_ms();
  const auto make = [](const std::string& id, std::int64_t start, const std::string& user, const std::string& task,
                       bool shadow) {
    RequestRecord r = failed_record(id, start);
    r.user = user;
    r.task = task;
    r.shadow = shadow;
    return r;
  };
  // Submitted out of time order: queries order by start time, not by arrival.
  store.submit(make("c", t + 2000, "bob", "docs", false));
  store.submit(make("a", t + 0, "alice", "debugging", false));
  store.submit(make("b", t + 1000, "alice", "docs", false));
  store.submit(make("b-shadow", t + 1000, "alice", "docs", true));
  store.submit(make("d", t + 3000, "alice", "debugging", false));
  store.flush_and_stop();

  using Ids = std::vector<std::string>;
  CHECK(ids_of(store.query(RecordQuery{})) == Ids{"a", "b", "b-shadow", "c", "d"});
  CHECK(ids_of(store.query(RecordQuery{.since_unix_ms = t + 1000, .until_unix_ms = t + 3000})) ==
        Ids{"b", "b-shadow", "c"});
  CHECK(ids_of(store.query(RecordQuery{.user = "alice"})) == Ids{"a", "b", "b-shadow", "d"});
  CHECK(ids_of(store.query(RecordQuery{.task = "docs", .shadows = RecordQuery::Shadows::exclude})) == Ids{"b", "c"});
  CHECK(ids_of(store.query(RecordQuery{.shadows = RecordQuery::Shadows::only})) == Ids{"b-shadow"});
  CHECK(ids_of(store.query(RecordQuery{.user = "alice", .task = "debugging"})) == Ids{"a", "d"});
  CHECK(ids_of(store.query(RecordQuery{.order = RecordQuery::Order::newest_first, .limit = 2})) == Ids{"d", "c"});
  CHECK(ids_of(store.query(RecordQuery{.user = "nobody"})).empty());
}

TEST_CASE("a separate reader sees what the store wrote") {
  TempDir dir;
  SqliteRecordStore store(records_config(dir.db()));
  store.submit(full_record("r1", now_ms()));
  store.flush_and_stop();
  const SqliteRecordReader reader(dir.db());
  const auto result = reader.query(RecordQuery{.user = "alice"});
  REQUIRE(result.error.empty());
  REQUIRE(result.records.size() == 1);
  CHECK(result.records[0] == full_record("r1", result.records[0].start_unix_ms));
}
