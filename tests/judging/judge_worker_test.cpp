// The judge worker inside one process, with a test double for the judge calls: it drains the queue, stores
// every call and verdict, postpones and gives up pairs whose calls fail, and leaves pairs pending on stop.
#include "proxy/judge_worker.hpp"

#include <doctest/doctest.h>

#include "config/config_loader.hpp"
#include "proxy/server_state.hpp"
#include "support/child_process.hpp"

#include <filesystem>
#include <functional>

namespace llmroute::proxy {
namespace {

using policies::JudgeReply;
using test::TempDir;

constexpr const char* kPrimaryFirstWins =
    R"({"winner":"A","scores":{"A":{"correctness":2,"completeness":2,"clarity":2},"B":{"correctness":1,"completeness":1,"clarity":2}},"reason":"A is right"})";
constexpr const char* kShadowFirstWins =
    R"({"winner":"B","scores":{"A":{"correctness":1,"completeness":1,"clarity":2},"B":{"correctness":2,"completeness":2,"clarity":2}},"reason":"B is right"})";

/// How the double answers: `reply(judge name, user prompt)`; `hang` makes every call wait until cancelled.
struct Script {
  std::function<JudgeReply(const std::string& judge, const std::string& body)> reply;
  bool hang = false;
  int calls = 0;
  const config::Config* config = nullptr;
};

awaitable<JudgeReply> scripted_call(Script* script, config::ModelRef judge, std::string body) {
  ++script->calls;
  if (script->hang) {
    asio::steady_timer never(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
    co_await never.async_wait(use_nothrow);
    co_return JudgeReply{};
  }
  co_return script->reply(script->config->ref_name(judge), body);
}

JudgeReply answered(std::string text) {
  JudgeReply reply;
  reply.answered = true;
  reply.text = std::move(text);
  reply.cost = 0.005;
  return reply;
}

/// A fair double: the primary answer ("GOOD …") wins in both orders.
JudgeReply fair(const std::string&, const std::string& body) {
  const auto a = body.find("<answer_a>"), good = body.find("GOOD");
  return answered(good < body.find("<answer_b>") && good > a ? kPrimaryFirstWins : kShadowFirstWins);
}

policies::ShadowPair make_pair(const std::string& id) {
  policies::ShadowPair pair;
  pair.task = "documentation";
  pair.prompt = "user: document the function";
  pair.request_body = "{}";
  pair.created_unix_ms = 1'000;
  pair.primary = {id, "box", "qwen", config::Location::local, "GOOD docs", "", false, 500, 10, 0};
  pair.shadow = {id + "-s", "cloud", "opus", config::Location::cloud, "docs", "", false, 900, 20, 0.01};
  return pair;
}

/// A server state whose judging config points at unreachable backends (the double answers instead).
struct Fixture {
  explicit Fixture(std::string judging_extra = "") {
    const std::string yaml = "backends:\n"
                             "  - { name: box, url: 'http://127.0.0.1:9/v1', models: [{ name: qwen, family: qwen }] }\n"
                             "  - { name: cloud, location: cloud, url: 'http://127.0.0.1:9/v1', models: "
                             "[{ name: opus, family: claude }, { name: mini, family: gpt }] }\n"
                             "records: { path: '" + (dir / "r.db").string() + "' }\n"
                             "judging: { judges: [cloud/opus, cloud/mini], concurrency: 2" + judging_extra + " }\n";
    config = config::load_config_text(yaml, "worker.yaml");
    state = std::make_unique<ServerState>(io, config, std::string(LLMROUTE_SOURCE_DIR) + "/router/rules.yaml");
    script.config = config.get();
    worker = std::make_unique<JudgeWorker>(
        *state, [s = &script](config::ModelRef judge, std::string body) { return scripted_call(s, judge, std::move(body)); });
  }

  /// Runs the I/O loop until `done` holds (checked every 10 ms of loop time), at most 20 s.
  bool run_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io.restart();
      io.run_for(std::chrono::milliseconds(10));
    }
    return true;
  }

  policies::QueueCounts counts() {
    std::string error;
    auto c = worker->store().counts(std::nullopt, std::nullopt, error);
    REQUIRE(error.empty());
    return c;
  }

  TempDir dir;
  asio::io_context io;
  config::ConfigPtr config;
  std::unique_ptr<ServerState> state;
  Script script;
  std::unique_ptr<JudgeWorker> worker;
};

}  // namespace

TEST_CASE("submitted pairs are judged by both judges in both orders, and every call is stored with its cost") {
  Fixture f;
  f.script.reply = fair;
  f.worker->start();
  for (const char* id : {"r1", "r2", "r3"}) f.worker->submit(make_pair(id));
  REQUIRE(f.run_until([&] { return f.counts().judged == 3; }));
  CHECK(f.script.calls == 12);
  const auto counts = f.counts();
  CHECK(counts.calls == 12);
  CHECK(counts.cost == doctest::Approx(12 * 0.005));
  std::string error;
  const auto rows = f.worker->store().judged_rows(std::nullopt, std::nullopt, error);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].winner == policies::PairWinner::primary);
  CHECK(rows[0].score_difference == doctest::Approx(0.75));
  CHECK(rows[0].same_family_judge);  // the claude judge judged a claude (opus) shadow
  f.worker->stop();
  f.run_until([&] { return f.worker->judging() == 0; });
}

TEST_CASE("a records database deleted while judging is created again, and the pairs judged after go into the new file") {
  Fixture f;
  f.script.reply = fair;
  f.worker->start();
  f.worker->submit(make_pair("r1"));
  REQUIRE(f.run_until([&] { return f.counts().judged == 1; }));
  const std::string db = (f.dir / "r.db").string();
  std::filesystem::remove(db);  // the -wal and -shm stay, as after `rm records.db`

  f.worker->submit(make_pair("r2"));
  // What another process (a report, `llmroute review`) finds in the file now at that path: r2 and its calls only.
  auto in_file = [&db] {
    std::string error;
    policies::QueueCounts counts;
    try {
      if (std::filesystem::exists(db))
        counts = policies::JudgeStore(db, policies::JudgeStore::Access::read_only).counts(std::nullopt, std::nullopt, error);
    } catch (const records::RecordStoreError&) {
      // created a moment ago, not migrated yet
    }
    return counts;
  };
  REQUIRE(f.run_until([&] { return in_file().judged == 1; }));
  CHECK(in_file().calls == 4);
  CHECK(f.counts().judged == 1);
  f.worker->stop();
  f.run_until([&] { return f.worker->judging() == 0; });
}

TEST_CASE("a malformed verdict is asked again once; twice malformed makes that judge invalid, not the pair") {
  Fixture f;
  f.script.reply = [](const std::string& judge, const std::string& body) {
    return judge == "cloud/mini" ? answered(R"({"winner":"A","scores")") : fair(judge, body);
  };
  f.worker->start();
  f.worker->submit(make_pair("r1"));
  REQUIRE(f.run_until([&] { return f.counts().judged == 1; }));
  CHECK(f.script.calls == 6);  // opus: 2; mini: each order asked twice
  std::string error;
  const auto detail = f.worker->store().detail(1, error);
  REQUIRE(detail);
  REQUIRE(detail->calls.size() == 6);
  CHECK_FALSE(detail->calls[2].reading.winner);
  CHECK(detail->calls[3].attempt == 1);
  CHECK(detail->judges_detail.find("\"valid\":false") != std::string::npos);
  f.worker->stop();
}

TEST_CASE("a pair whose judge calls fail is postponed by the backoff and given up after the configured rounds") {
  Fixture f(", retry: { backoff: 50ms, failed_call_attempts: 3 }");
  f.script.reply = [](const std::string&, const std::string&) {
    JudgeReply down;
    down.error = "connection refused";
    return down;
  };
  f.worker->start();
  f.worker->submit(make_pair("r1"));
  REQUIRE(f.run_until([&] { return f.counts().failed == 1; }));
  CHECK(f.script.calls == 3);
  std::string error;
  CHECK(f.worker->store().detail(1, error)->last_error == "judge cloud/opus: connection refused");
  f.worker->stop();
}

TEST_CASE("stopping abandons the calls in flight and leaves their pairs pending") {
  Fixture f;
  f.script.hang = true;
  f.worker->start();
  f.worker->submit(make_pair("r1"));
  f.worker->submit(make_pair("r2"));
  f.worker->submit(make_pair("r3"));
  REQUIRE(f.run_until([&] { return f.script.calls == 2; }));  // concurrency 2: two pairs, one call each
  CHECK(f.worker->judging() == 2);
  f.worker->stop();
  REQUIRE(f.run_until([&] { return f.worker->judging() == 0; }));
  f.io.restart();
  CHECK(f.io.run_for(std::chrono::seconds(1)) == 0);  // nothing of the worker is left on the loop
  CHECK(f.counts().pending == 3);
  CHECK(f.counts().calls == 0);
}
}  // namespace llmroute::proxy
