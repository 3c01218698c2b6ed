// Bench runs and results survive a round trip through the records database, one row per pair.
#include <doctest/doctest.h>

#include "benchmark/bench_store.hpp"
#include "records/sqlite_record_store.hpp"
#include "support/child_process.hpp"

using namespace llmroute;
using benchmark::BenchResult;
using benchmark::BenchRun;
using benchmark::BenchStore;
using benchmark::PairState;

namespace {

BenchResult full_result() {
  BenchResult r;
  r.run_id = "bench-1";
  r.task_id = "simple-coding-todo-cli";
  r.model = "ollama/devstral";
  r.state = PairState::done;
  r.start_ms = 1'780'000'000'123;
  r.category = "simple-coding";
  r.difficulty = 2;
  r.route = "local";
  r.backend = "ollama";
  r.max_tokens = 8192;
  r.http_status = 200;
  r.finish_reason = "stop";
  r.ttft_ms = 2240.5;
  r.total_ms = 10260.25;
  r.tokens_per_second = 90.2;
  r.usage = {.input = 210, .output = 723, .reasoning = 12, .cache_read = 0, .cache_write = 0};
  r.usage_reported = true;
  r.cost = 0.0031;
  r.cloud_equivalent_cost = 0.0125;
  r.answer = "```python\nprint('hi')\n```\n";
  r.reasoning = "Let me think…";
  r.judges = 2;
  r.correctness = 2;
  r.completeness = 1.5;
  r.clarity = 2;
  r.quality = 0.4 * 2 + 0.35 * 1.5 + 0.25 * 2;
  r.judge_detail = R"([{"judge":"a/b"}])";
  r.checks_passed = 7;
  r.checks_total = 7;
  r.check_detail = R"({"passed":7})";
  return r;
}

}  // namespace

TEST_CASE("a result is read back exactly as it was saved, unset numbers as unset") {
  test::TempDir dir;
  BenchStore store((dir / "records.db").string());
  const BenchResult full = full_result();
  REQUIRE(store.save(full).empty());
  BenchResult sparse = full;
  sparse.task_id = "architecture-sqlite-job-queue";
  sparse.state = PairState::failed;
  sparse.failure = "connect";
  sparse.ttft_ms.reset();
  sparse.tokens_per_second.reset();
  sparse.cloud_equivalent_cost.reset();
  sparse.correctness.reset();
  sparse.completeness.reset();
  sparse.clarity.reset();
  sparse.quality.reset();
  sparse.checks_passed.reset();
  sparse.checks_total.reset();
  REQUIRE(store.save(sparse).empty());

  const auto results = store.results("bench-1");
  REQUIRE(results.size() == 2);
  CHECK(results.at({full.task_id, full.model}) == full);
  CHECK(results.at({sparse.task_id, sparse.model}) == sparse);
  CHECK(store.results("bench-2").empty());
}

TEST_CASE("saving a pair again replaces its row instead of adding one") {
  test::TempDir dir;
  BenchStore store((dir / "records.db").string());
  BenchResult r = full_result();
  r.state = PairState::answered;
  REQUIRE(store.save(r).empty());
  r.state = PairState::done;
  r.quality = 1.0;
  REQUIRE(store.save(r).empty());
  const auto results = store.results("bench-1");
  REQUIRE(results.size() == 1);
  CHECK(results.begin()->second.state == PairState::done);
  CHECK(results.begin()->second.quality == 1.0);
}

TEST_CASE("runs are found by id, the latest one for --resume, and updated when a resumed run grows") {
  test::TempDir dir;
  BenchStore store((dir / "records.db").string());
  CHECK_FALSE(store.latest_run().has_value());
  const BenchRun first{"bench-a", 1000, "tasks/suite", {"ollama/devstral"}, {}, 36};
  BenchRun second{"bench-b", 2000, "tasks/suite", {"ollama/devstral", "anthropic/sonnet"}, {"x/judge-1", "y/judge-2"}, 36};
  REQUIRE(store.create_run(first).empty());
  REQUIRE(store.create_run(second).empty());
  CHECK_FALSE(store.create_run(first).empty());  // an id is used once
  CHECK(store.find_run("bench-a") == first);
  CHECK(store.latest_run() == second);
  second.models.push_back("ollama/qwen3-coder");
  REQUIRE(store.update_run(second).empty());
  CHECK(store.find_run("bench-b") == second);
  CHECK_FALSE(store.find_run("bench-c").has_value());
}

TEST_CASE("the bench shares the records database with the proxy's record store") {
  test::TempDir dir;
  const std::string path = (dir / "records.db").string();
  config::RecordsConfig records;
  records.path = path;
  records::SqliteRecordStore proxy_store(records);
  BenchStore bench(path);
  REQUIRE(bench.save(full_result()).empty());
  records::RequestRecord record;
  record.id = "req-1";
  REQUIRE(proxy_store.submit(record));
  proxy_store.flush_and_stop();
  CHECK(bench.results("bench-1").size() == 1);
  CHECK(proxy_store.query({}).records.size() == 1);
}

TEST_CASE("a store whose file was deleted or replaced stores nothing more, says why, and does not create the file again") {
  test::TempDir dir;
  const std::string path = (dir / "records.db").string();
  BenchStore store(path);
  const BenchRun run{"bench-1", 1000, "tasks/suite", {"ollama/devstral"}, {}, 36};
  REQUIRE(store.create_run(run).empty());
  REQUIRE(store.save(full_result()).empty());
  CHECK(store.file_lost().empty());

  std::filesystem::remove(path);
  const std::string lost = path + " was deleted or replaced while the bench ran";
  CHECK(store.file_lost() == lost);
  CHECK(store.save(full_result()) == lost);
  CHECK(store.update_run(run) == lost);
  CHECK_FALSE(std::filesystem::exists(path));

  // Another database moved over the path is not the file the store opened either.
  const std::string other = (dir / "other.db").string();
  REQUIRE(BenchStore(other).create_run(run).empty());
  std::filesystem::rename(other, path);
  CHECK(store.save(full_result()) == lost);
}
