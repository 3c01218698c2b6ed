// Issue 7 end to end with real processes: `llmroute serve` shadows sampled requests, queues each pair, judges
// it with two simulator judges in both orders, and the report aggregates the verdicts.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "config/config_loader.hpp"
#include "policies/judge_store.hpp"
#include "records/sqlite_record_reader.hpp"
#include "report/report_loader.hpp"
#include "support/http_client.hpp"
#include "support/proxy_process.hpp"
#include "support/simulator_process.hpp"

namespace llmroute {
namespace {

using test::HttpClient;
using test::ProxyProcess;
using test::SimulatorProcess;
using test::TempDir;

/// One simulator plays the local box (good answers, or a tool call for agent-local), the cloud (cloud-model's
/// answers are poor: half as long and marked as mistaken; cloud-terse's good but half as long) and the judges
/// (judge-a and judge-b priced, judge-b of the local model's family; "biased" always names the first answer
/// shown, "broken" replies with cut-off JSON). `baseline` is the shadows' alternate.
std::string config_yaml(const SimulatorProcess& sim, const std::string& db,
                        const std::string& judges = "[judges/judge-a, judges/judge-b]",
                        const std::string& baseline = "cloud/cloud-model") {
  const std::string url = sim.base_url() + "/v1";
  return "backends:\n"
         "  - name: box\n    location: local\n    url: " + url + "\n"
         "    models:\n"
         "      - { name: local-model, upstream_name: sim-up, family: qwen }\n"
         "      - { name: agent-local, upstream_name: 'sim-up+script=tool', family: qwen }\n"
         "  - name: cloud\n    location: cloud\n    url: " + url + "\n"
         "    models:\n"
         "      - { name: cloud-model, upstream_name: 'sim-up+quality=poor', price: { input: 1, output: 1000 } }\n"
         "      - { name: cloud-terse, upstream_name: 'sim-up+tokens=12', price: { input: 1, output: 1000 } }\n"
         "  - name: judges\n    location: cloud\n    url: " + url + "\n"
         "    models:\n"
         "      - { name: judge-a, upstream_name: sim-judge, family: claude, price: { input: 1, output: 2 } }\n"
         "      - { name: judge-b, upstream_name: sim-judge, family: qwen, price: { input: 1, output: 2 } }\n"
         "      - { name: biased, upstream_name: 'sim-judge+judge=A', family: gpt }\n"
         "      - { name: broken, upstream_name: 'sim-judge+judge=malformed', family: mistral }\n"
         "      - { name: refusing, upstream_name: 'sim-judge+fault=403', family: gpt }\n"
         "routing: { default: box/local-model, health: { probe_interval: 0 } }\n"
         "cost: { baseline: " + baseline + " }\n"
         "records: { path: '" + db + "' }\n"
         "judging: { judges: " + judges + ", min_n: 3, concurrency: 2 }\n"
         "shadow: { rate: 1, monthly_budget: 100, max_in_flight: 8, seed: 1 }\n";
}

std::string chat(const std::string& model, const std::string& prompt, const std::string& extra = "") {
  return R"({"model":")" + model + R"(","stream":true,"messages":[{"role":"user","content":")" + prompt + "\"}]" +
         extra + "}";
}

policies::QueueCounts counts_of(const std::string& db) {
  policies::JudgeStore store(db, policies::JudgeStore::Access::read_only);
  std::string error;
  auto counts = store.counts(std::nullopt, std::nullopt, error);
  REQUIRE_MESSAGE(error.empty(), error);
  return counts;
}

/// Polls the judge queue until `pairs` pairs are settled (judged or invalid), with a deadline.
policies::QueueCounts wait_for_settled(const std::string& db, std::uint64_t pairs) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    const policies::QueueCounts counts = counts_of(db);
    if (counts.judged + counts.invalid >= pairs || std::chrono::steady_clock::now() >= deadline) return counts;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling interval, not synchronisation
  }
}

/// The value of an unlabelled (or exactly labelled) sample in a Prometheus text body; -1 when absent.
double metric(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

}  // namespace

TEST_CASE("sampled requests are shadowed, judged by two judges in both orders, and aggregated in the report") {
  TempDir dir;
  const std::string db = (dir / "records.db").string();
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "24"});
  ProxyProcess proxy(config_yaml(sim, db));
  HttpClient client("127.0.0.1", proxy.port());

  // Four debugging requests (same task kind, different prompts) and one agentic turn answered by a tool call.
  const std::string prompts[] = {"Fix this bug: TypeError: undefined is not a function in cart.js",
                                 "Fix this bug: the test fails with a null pointer exception in Parser",
                                 "Fix this bug: segfault when the list is empty",
                                 "Fix this bug: KeyError: 'user' raised in the login handler"};
  for (const std::string& prompt : prompts) REQUIRE(client.post_json("/v1/chat/completions", chat("local-model", prompt)).status == 200);
  const std::string tools =
      R"(,"tools":[{"type":"function","function":{"name":"read_file","parameters":{"type":"object",)"
      R"("properties":{"path":{"type":"string"}},"required":["path"]}}}])";
  const auto agentic = client.post_json("/v1/chat/completions", chat("agent-local", "Read the README and summarise it", tools));
  REQUIRE(agentic.status == 200);
  REQUIRE(agentic.body.find("read_file") != std::string::npos);

  const policies::QueueCounts counts = wait_for_settled(db, 5);
  REQUIRE_MESSAGE(counts.judged == 5, proxy.stderr_text());
  CHECK(counts.pending == 0);
  CHECK(counts.calls == 20);  // 5 pairs × 2 judges × 2 orders
  CHECK(counts.cost > 0);     // judge calls are priced

  const std::string metrics = client.get("/metrics").body;
  CHECK(metric(metrics, "llmroute_shadows_total{outcome=\"started\"}") == 5);
  CHECK(metric(metrics, "llmroute_shadows_in_flight") == 0);
  CHECK(metric(metrics, "llmroute_judge_pairs_busy") == 0);
  CHECK(metric(metrics, "llmroute_judge_calls_total") == 20);
  CHECK(metric(metrics, "llmroute_judge_pairs_settled_total{outcome=\"judged\"}") == 5);

  // The agentic pair was judged on the proposed tool call; judge-b shares the local model's family.
  policies::JudgeStore store(db, policies::JudgeStore::Access::read_only);
  std::string error;
  const auto rows = store.judged_rows(std::nullopt, std::nullopt, error);
  REQUIRE(rows.size() == 5);
  bool found_agentic = false;
  for (const policies::JudgedPairRow& row : rows) {
    CHECK(row.same_family_judge);
    const auto detail = store.detail(row.pair_id, error);
    REQUIRE(detail);
    CHECK(detail->calls.size() == 4);
    if (detail->pair.primary.model != "agent-local") continue;
    found_agentic = true;
    CHECK(detail->pair.primary.tool_calls.find("\"read_file\"") != std::string::npos);
  }
  CHECK(found_agentic);

  // GET /report (the running proxy) and the JSON report over the same database carry the aggregation.
  const auto html = client.get("/report?since=1h");
  REQUIRE(html.status == 200);
  CHECK(html.body.find("parity — can run local") != std::string::npos);

  const config::ConfigPtr config = config::load_config_file(proxy.config_path().string());
  const report::LoadedReport loaded = report::load_report(*config, std::nullopt, std::nullopt);
  REQUIRE_MESSAGE(loaded.report, loaded.error);
  const report::Report& r = *loaded.report;
  CHECK(r.shadow_requests == 5);
  CHECK(r.judging.judged == 5);
  CHECK(r.judging.judge_calls == 20);
  const report::ShadowVerdictRow* debugging = nullptr;
  for (const report::ShadowVerdictRow& v : r.shadow_verdicts)
    if (v.candidate_model == "local-model") debugging = &v;
  REQUIRE(debugging);
  CHECK(debugging->baseline_model == "cloud-model");
  CHECK(debugging->pairs == 4);
  CHECK(debugging->wins == 4);  // the longer, unmarked answer wins in both orders with both judges
  // Winner 2/2/2 = 2.00 against the marked loser's 0/1/2 = 0.35 + 0.50 = 0.85: +1.15 every time.
  CHECK(debugging->mean_difference == doctest::Approx(1.15));
  REQUIRE(debugging->ci_low);
  CHECK(*debugging->ci_low == doctest::Approx(1.15));
  CHECK(debugging->verdict == "parity");
  CHECK(debugging->judges_say == "parity — can run local");
}

TEST_CASE("a judge whose backend refuses llmroute's key leaves the pair that reason, with where the key comes from") {
  TempDir dir;
  const std::string db = (dir / "records.db").string();
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "24"});
  ProxyProcess proxy(config_yaml(sim, db, "[judges/refusing, judges/judge-b]"));
  HttpClient client("127.0.0.1", proxy.port());
  REQUIRE(client.post_json("/v1/chat/completions", chat("local-model", "Fix this bug: segfault when the list is empty")).status == 200);

  // The failed call postpones the pair (retry.backoff), its reason kept for `llmroute review`.
  std::string last_error;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (last_error.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling interval, not synchronisation
    if (!std::filesystem::exists(db)) continue;
    policies::JudgeStore store(db, policies::JudgeStore::Access::read_only);
    std::string error;
    if (const auto pair = store.detail(1, error)) last_error = pair->last_error;
  }
  CHECK(last_error ==
        "judge judges/refusing: backend 'judges' answered 403: llmroute's API key for it lacks permission for this request "
        "(no api_key_env is configured for it, so llmroute sent none): The API key has no access to this model "
        "(simulated) (status 403)");
  // And the operator reading the proxy's stderr sees why judging lags.
  CHECK(proxy.stderr_text().find("llmroute: warning: judge pair 1 postponed by 30 s (judging.retry.backoff) after failed "
                                 "round 1 of 5: " + last_error + "\n") != std::string::npos);
}

TEST_CASE("a position-biased judge counts as a tie, a malformed one is asked twice per order then invalid, and their "
          "disagreement sends the pair to human review") {
  TempDir dir;
  const std::string db = (dir / "records.db").string();
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "24"});
  ProxyProcess proxy(config_yaml(sim, db, "[judges/biased, judges/judge-b, judges/broken]", "cloud/cloud-terse"));
  HttpClient client("127.0.0.1", proxy.port());
  REQUIRE(client.post_json("/v1/chat/completions", chat("local-model", "Fix this bug: segfault when the list is empty")).status == 200);

  const policies::QueueCounts counts = wait_for_settled(db, 1);
  REQUIRE_MESSAGE(counts.judged == 1, proxy.stderr_text());
  CHECK(counts.calls == 2 + 2 + 4);  // biased and judge-b: one call per order; broken: two per order
  CHECK(counts.awaiting_review == 1);

  policies::JudgeStore store(db, policies::JudgeStore::Access::read_only);
  std::string error;
  const auto flagged = store.flagged(false, error);
  REQUIRE(flagged.size() == 1);
  const policies::PairDetail& pair = flagged[0];
  CHECK(pair.winner == policies::PairWinner::tie);  // the valid judges do not agree
  CHECK(pair.needs_review);
  const boost::json::array judges = boost::json::parse(pair.judges_detail).as_array();
  REQUIRE(judges.size() == 3);
  CHECK(judges[0].at("judge") == "judges/biased");
  CHECK(judges[0].at("valid") == true);
  CHECK(judges[0].at("order_dependent") == true);  // "A" in both orders: once the primary, once the shadow
  CHECK(judges[0].at("winner") == "tie");
  CHECK(judges[1].at("winner") == "primary");  // the longer answer, in both orders
  // Winner 2/2/2 = 2.00 against the loser's 1/1/2 = 0.40 + 0.35 + 0.50 = 1.25: 0.75 apart from biased's 0.
  CHECK(judges[1].at("score_difference").as_double() == doctest::Approx(0.75));
  CHECK(judges[2].at("valid") == false);
}

}  // namespace llmroute
