// The records store when its disk misbehaves under a running proxy: a failed write holds the records and
// retries them, a deleted database file is created again; nothing the proxy handed over is lost.
#include <doctest/doctest.h>

#include "records/sqlite_record_reader.hpp"
#include "records/sqlite_record_store.hpp"
#include "support/child_process.hpp"

#include <sys/resource.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>

using namespace llmroute;
using namespace llmroute::records;

namespace {

config::RecordsConfig records_at(const std::string& path, std::size_t capacity = 10'000) {
  config::RecordsConfig c;
  c.path = path;
  c.queue_capacity = capacity;
  c.retention = std::chrono::milliseconds(0);
  return c;
}

RequestRecord record(const std::string& id) {
  RequestRecord r;
  r.id = id;
  r.start_unix_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  r.http_status = 200;
  return r;
}

std::size_t rows_in(const std::string& path) {
  const RecordQueryResult result = SqliteRecordReader(path).query(RecordQuery{});
  REQUIRE(result.error.empty());
  return result.records.size();
}

/// Polls `done` every 10 ms until it holds or `timeout` passes (the writer thread works on its own schedule).
template <typename Condition>
bool eventually(Condition done, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

/// Makes every write of this process past `bytes` into a file fail (EFBIG, as a full disk fails with ENOSPC)
/// for as long as it lives.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved_) == 0);
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);  // else the first refused write kills the process
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &limit) == 0);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_{};
  void (*previous_handler_)(int) = nullptr;
};

}  // namespace

TEST_CASE("records whose write fails are held in memory and written once writing works again") {
  test::TempDir dir;
  const std::string path = (dir / "records.db").string();
  SqliteRecordStore store(records_at(path));
  REQUIRE(store.submit(record("before")));
  REQUIRE(eventually([&] { return rows_in(path) == 1; }));
  {
    FileSizeLimit full(1);  // no write to any file gets through
    for (int i = 0; i < 20; ++i) REQUIRE(store.submit(record("during-" + std::to_string(i))));
    REQUIRE(eventually([&] { return store.held() == 20; }));
    CHECK_FALSE(store.write_failure().empty());
    CHECK(store.lost() == 0);
  }
  // The next retry (at most kRetryInterval later) writes them.
  REQUIRE(eventually([&] { return store.held() == 0; }));
  CHECK(store.write_failure().empty());
  store.flush_and_stop();
  CHECK(rows_in(path) == 21);
  CHECK(store.lost() == 0);
  CHECK(store.dropped() == 0);
}

TEST_CASE("while writes fail, at most queue_capacity records are held and the oldest beyond it are counted lost") {
  test::TempDir dir;
  const std::string path = (dir / "records.db").string();
  SqliteRecordStore store(records_at(path, 8));
  {
    FileSizeLimit full(1);
    // 8 at a time fit the queue; every retry takes the queue into the held batch, which keeps the newest 8.
    int accepted = 0;
    for (int round = 0; round < 3; ++round) {
      for (int i = 0; i < 8; ++i) accepted += store.submit(record("r" + std::to_string(round) + "-" + std::to_string(i))) ? 1 : 0;
      REQUIRE(eventually([&] { return store.held() == 8 && store.lost() + store.held() + store.dropped() >= 8u * (round + 1); }));
    }
    CHECK(store.held() == 8);
    CHECK(store.lost() + store.held() == static_cast<std::uint64_t>(accepted));
  }
  store.flush_and_stop();
  CHECK(rows_in(path) == 8);
}

TEST_CASE("a records database deleted while the store writes to it is created again, and later records go there") {
  test::TempDir dir;
  const std::string path = (dir / "records.db").string();
  SqliteRecordStore store(records_at(path));
  REQUIRE(store.submit(record("before")));
  REQUIRE(eventually([&] { return rows_in(path) == 1; }));
  // What an operator's `rm records.db` does: the -wal and -shm files stay.
  std::filesystem::remove(path);
  REQUIRE(store.submit(record("after-1")));
  REQUIRE(store.submit(record("after-2")));
  store.flush_and_stop();
  REQUIRE(std::filesystem::exists(path));
  const RecordQueryResult result = SqliteRecordReader(path).query(RecordQuery{});
  REQUIRE(result.error.empty());
  REQUIRE(result.records.size() == 2);
  CHECK(result.records[0].id == "after-1");
  CHECK(result.records[1].id == "after-2");
  CHECK(store.lost() == 0);
  // The store's own reader follows the new file.
  CHECK(store.query(RecordQuery{}).records.size() == 2);
}
