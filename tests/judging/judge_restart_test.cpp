// Durability with real processes: `llmroute serve` judging through simulator judges is killed with judge calls
// in flight; restarted, it finishes every pending pair without repeating the calls it had stored.
#include <doctest/doctest.h>

#include <csignal>
#include <thread>

#include "policies/judge_store.hpp"
#include "support/proxy_process.hpp"
#include "support/simulator_process.hpp"

namespace llmroute {
namespace {

using test::ProxyProcess;
using test::SimulatorProcess;
using test::TempDir;

/// Judge A answers at once; judge B's upstream id holds the simulator's TTFT knob (`slow_b`: ten minutes).
std::string judging_config(const SimulatorProcess& sim, const std::string& db, bool slow_b) {
  const std::string b_upstream = slow_b ? "'sim-judge+ttft-ms=600000'" : "sim-judge";
  return "backends:\n"
         "  - { name: judges, location: cloud, url: '" + sim.base_url() + "/v1', models: [\n"
         "      { name: judge-a, upstream_name: sim-judge, family: claude },\n"
         "      { name: judge-b, upstream_name: " + b_upstream + ", family: gpt } ] }\n"
         "records: { path: '" + db + "' }\n"
         "judging: { judges: [judge-a, judge-b], concurrency: 2, timeout: 15m }\n";
}

policies::ShadowPair make_pair(const std::string& id) {
  policies::ShadowPair pair;
  pair.task = "refactoring";
  pair.prompt = "user: extract the validation into a function";
  pair.request_body = "{}";
  pair.created_unix_ms = 1'000;
  // The simulator's judges prefer the longer answer, whatever its position: the primary wins both orders.
  pair.primary = {id, "box", "qwen", config::Location::local, "def validate(order):\n    ...  # the longer answer", "",
                  false, 700, 4, 0};
  pair.shadow = {id + "-s", "cloud", "opus", config::Location::cloud, "validate()", "", false, 1500, 9, 0.02};
  return pair;
}

policies::QueueCounts counts_of(const std::string& db) {
  policies::JudgeStore store(db, policies::JudgeStore::Access::read_only);
  std::string error;
  auto counts = store.counts(std::nullopt, std::nullopt, error);
  REQUIRE_MESSAGE(error.empty(), error);
  return counts;
}

/// Polls the database until `done` holds; false at the deadline.
template <class Done>
bool wait_for(const std::string& db, std::chrono::seconds timeout, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done(counts_of(db))) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling interval, not synchronisation
  }
  return true;
}

/// Chat completions the simulator answered (health probes of /v1/models not counted).
std::int64_t sim_requests(const SimulatorProcess& sim) {
  const auto stats = sim.stats();
  const auto* calls = stats.at("by_path").as_object().if_contains("/v1/chat/completions");
  return calls ? calls->as_int64() : 0;
}

}  // namespace

TEST_CASE("pairs pending when the proxy is killed are judged after a restart, without repeating stored calls") {
  TempDir dir;
  const std::string db = (dir / "records.db").string();
  SimulatorProcess sim({"--ttft-ms", "20", "--tokens-per-second", "0"});
  {
    policies::JudgeStore store(db);
    std::string error;
    for (const char* id : {"p1", "p2", "p3"}) REQUIRE(store.enqueue(make_pair(id), "", error));
  }

  {
    // Run 1: judge A answers both orders of pairs 1 and 2 (concurrency 2); judge B's calls hang.
    ProxyProcess proxy(judging_config(sim, db, true));
    REQUIRE_MESSAGE(wait_for(db, std::chrono::seconds(30), [](const auto& c) { return c.calls == 4; }), proxy.stderr_text());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (sim_requests(sim) < 6 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(sim_requests(sim) == 6);  // judge B's two calls are in flight
    CHECK(counts_of(db).pending == 3);
    proxy.process().send_signal(SIGKILL);
    REQUIRE(proxy.process().wait_for_exit(std::chrono::seconds(10)) == 128 + SIGKILL);
  }
  CHECK(counts_of(db).pending == 3);
  CHECK(counts_of(db).calls == 4);

  {
    // Run 2, judge B still hanging: SIGTERM ends the proxy at once, with its judge calls abandoned.
    // Counted before the proxy starts: its worker may call judge B before the constructor returns.
    const auto before = sim_requests(sim);
    ProxyProcess proxy(judging_config(sim, db, true));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (sim_requests(sim) < before + 2 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(sim_requests(sim) >= before + 2);  // both pairs went straight to judge B: judge A's calls were stored
    CHECK(counts_of(db).calls == 4);
    proxy.process().send_signal(SIGTERM);
    CHECK(proxy.process().wait_for_exit(std::chrono::seconds(10)) == 0);
  }
  CHECK(counts_of(db).pending == 3);

  sim.reset_stats();
  {
    // Run 3, judge B answering: every pair finishes; pairs 1 and 2 need only judge B's two calls each.
    ProxyProcess proxy(judging_config(sim, db, false));
    REQUIRE_MESSAGE(wait_for(db, std::chrono::seconds(60), [](const auto& c) { return c.judged == 3; }), proxy.stderr_text());
    proxy.process().send_signal(SIGTERM);
    CHECK(proxy.process().wait_for_exit(std::chrono::seconds(10)) == 0);
  }
  const auto counts = counts_of(db);
  CHECK(counts.pending == 0);
  CHECK(counts.calls == 12);  // 3 pairs × 2 judges × 2 orders, none twice
  CHECK(sim_requests(sim) == 8);  // 2 + 2 for pairs 1 and 2, 4 for pair 3

  policies::JudgeStore store(db, policies::JudgeStore::Access::read_only);
  std::string error;
  const auto rows = store.judged_rows(std::nullopt, std::nullopt, error);
  REQUIRE(rows.size() == 3);
  for (const auto& row : rows) {
    CHECK(row.winner == policies::PairWinner::primary);
    CHECK_FALSE(row.needs_review);
  }
}

}  // namespace llmroute
