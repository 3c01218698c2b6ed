// The judge queue in SQLite: pairs and calls survive reopening, verdicts, postponement, review, the summary.
#include "policies/judge_store.hpp"

#include <doctest/doctest.h>

#include "config/config_loader.hpp"
#include "policies/judge_summary.hpp"
#include "support/child_process.hpp"

using namespace llmroute::policies;
using llmroute::config::Location;
using llmroute::test::TempDir;

namespace {

ShadowPair make_pair(std::string primary_id, std::string task = "commit-message") {
  ShadowPair pair;
  pair.task = std::move(task);
  pair.prompt = "user: write a commit message";
  pair.request_body = R"({"messages":[]})";
  pair.created_unix_ms = 1'000;
  pair.primary = {primary_id, "box", "qwen", Location::local, "GOOD fix pagination", "", false, 800, 12, 0.001};
  pair.shadow = {primary_id + "-shadow", "cloud", "opus", Location::cloud, "fix", "", false, 2000, 30, 0.02};
  return pair;
}

JudgeReply answered(std::string text, double cost) {
  JudgeReply reply;
  reply.answered = true;
  reply.text = std::move(text);
  reply.cost = cost;
  reply.latency_ms = 40;
  reply.input_tokens = 500;
  reply.output_tokens = 60;
  return reply;
}

constexpr const char* kPrimaryWins =
    R"({"winner":"A","scores":{"A":{"correctness":2,"completeness":2,"clarity":2},"B":{"correctness":1,"completeness":1,"clarity":2}},"reason":"first is better"})";
constexpr const char* kShadowFirstPrimaryWins =
    R"({"winner":"B","scores":{"A":{"correctness":1,"completeness":1,"clarity":2},"B":{"correctness":2,"completeness":2,"clarity":2}},"reason":"second is better"})";

PairwiseJudging judging_of(const DuePair& due) {
  PairCase pair{due.pair.prompt, due.tools, {due.pair.primary.text, due.pair.primary.tool_calls},
                {due.pair.shadow.text, due.pair.shadow.tool_calls}, "qwen", "claude"};
  return PairwiseJudging(pair, {{"cloud/opus", "claude"}, {"cloud/mini", "gpt"}}, 1, 0.5);
}

/// Makes the next call of `judging` with `reply` and stores it, as the worker does.
void call_and_store(JudgeStore& store, std::int64_t pair_id, PairwiseJudging& judging, const JudgeReply& reply) {
  const JudgeCall call = *judging.next_call();
  StoredCall stored;
  stored.judge = judging.judges()[call.judge];
  stored.order = call.order;
  stored.attempt = call.attempt;
  stored.reply = reply;
  stored.reading = judging.take_reply(call, reply);
  CHECK(store.record_call(pair_id, stored).empty());
}

}  // namespace

TEST_CASE("a queued pair is due with everything the judges need, once per primary") {
  TempDir dir;
  JudgeStore store((dir / "r.db").string());
  std::string error;
  const auto id = store.enqueue(make_pair("req-1"), "- read_file: Read a file\n", error);
  REQUIRE(id);
  CHECK(error.empty());
  CHECK(store.enqueue(make_pair("req-1"), "", error) == id);
  const auto due = store.due_pairs(5'000, 10, {}, error);
  REQUIRE(due.size() == 1);
  CHECK(due[0].pair_id == *id);
  CHECK(due[0].pair.task == "commit-message");
  CHECK(due[0].tools == "- read_file: Read a file\n");
  CHECK(due[0].pair.primary.model == "qwen");
  CHECK(due[0].pair.primary.location == Location::local);
  CHECK(due[0].pair.shadow.location == Location::cloud);
  CHECK(due[0].pair.shadow.cost == doctest::Approx(0.02));
  CHECK(due[0].calls.empty());
  CHECK(store.due_pairs(5'000, 10, {*id}, error).empty());  // already being judged
  CHECK(store.due_pairs(500, 10, {}, error).empty());       // created after "now"
}

TEST_CASE("calls stored before a restart are replayed after it, and only the missing calls are made") {
  TempDir dir;
  const std::string path = (dir / "r.db").string();
  std::string error;
  std::int64_t id = 0;
  {
    JudgeStore store(path);
    id = *store.enqueue(make_pair("req-1"), "", error);
    const auto due = store.due_pairs(5'000, 10, {}, error);
    PairwiseJudging judging = judging_of(due.at(0));
    call_and_store(store, id, judging, answered("not json", 0.01));              // judge 0, invalid
    call_and_store(store, id, judging, answered(kPrimaryWins, 0.01));            // judge 0 re-asked
    JudgeReply down;
    down.error = "connection refused";
    call_and_store(store, id, judging, down);                                     // judge 0 shadow-first, failed
  }  // the process dies here
  JudgeStore reopened(path);
  const auto due = reopened.due_pairs(5'000, 10, {}, error);
  REQUIRE(due.size() == 1);
  REQUIRE(due[0].calls.size() == 3);
  CHECK(due[0].calls[0].reply.text == "not json");
  CHECK_FALSE(due[0].calls[0].reading.winner);
  CHECK(due[0].calls[1].reading.winner == PairWinner::primary);
  CHECK_FALSE(due[0].calls[2].reply.answered);
  CHECK(due[0].calls[2].reply.error == "connection refused");
  CHECK(due[0].calls[2].reply.cost == 0);
  CHECK(due[0].calls[1].reply.input_tokens == 500);

  PairwiseJudging judging = judging_of(due[0]);
  for (const StoredCall& c : due[0].calls)
    judging.take_reply(JudgeCall{c.judge.name == "cloud/opus" ? 0u : 1u, c.order, c.attempt, {}}, c.reply);
  const JudgeCall next = *judging.next_call();
  CHECK(next.judge == 0);
  CHECK(next.order == Order::shadow_first);
  CHECK(next.attempt == 0);
  call_and_store(reopened, id, judging, answered(kShadowFirstPrimaryWins, 0.01));
  call_and_store(reopened, id, judging, answered(kPrimaryWins, 0.02));
  call_and_store(reopened, id, judging, answered(kShadowFirstPrimaryWins, 0.02));
  REQUIRE(judging.finished());
  CHECK(reopened.finish(id, judging.judgment(), 9'000).empty());
  CHECK(reopened.due_pairs(99'000, 10, {}, error).empty());

  const QueueCounts counts = reopened.counts(std::nullopt, std::nullopt, error);
  CHECK(counts.judged == 1);
  CHECK(counts.pending == 0);
  CHECK(counts.calls == 6);
  CHECK(counts.cost == doctest::Approx(0.07));  // 0.01 + 0.01 + 0 + 0.01 + 0.02 + 0.02
  const auto rows = reopened.judged_rows(std::nullopt, std::nullopt, error);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].winner == PairWinner::primary);
  CHECK(rows[0].score_difference == doctest::Approx(0.75));
  CHECK(rows[0].mean_abs_difference == doctest::Approx(0.75));
  CHECK(*rows[0].primary_ms == 800);
  CHECK(*rows[0].shadow_cost == doctest::Approx(0.02));
  CHECK(rows[0].same_family_judge);  // the claude judge judged a claude shadow
}

TEST_CASE("a pair whose calls fail waits for its next attempt, and is given up when told") {
  TempDir dir;
  JudgeStore store((dir / "r.db").string());
  std::string error;
  const auto id = *store.enqueue(make_pair("req-1"), "", error);
  CHECK(store.next_due({}, error) == 1'000);
  CHECK(store.postpone(id, 1, 31'000, "judge cloud/opus: 503").empty());
  CHECK(store.due_pairs(30'999, 10, {}, error).empty());
  CHECK(store.next_due({}, error) == 31'000);
  const auto due = store.due_pairs(31'000, 10, {}, error);
  REQUIRE(due.size() == 1);
  CHECK(due[0].failed_rounds == 1);
  CHECK(store.give_up(id, "judge cloud/opus: 503", 40'000).empty());
  CHECK_FALSE(store.next_due({}, error));
  const auto other = *store.enqueue(make_pair("req-2"), "", error);
  CHECK(store.next_due({}, error) == 1'000);
  CHECK_FALSE(store.next_due({other}, error));  // the only pending pair is being judged
  CHECK(store.counts(std::nullopt, std::nullopt, error).failed == 1);
  CHECK(store.detail(id, error)->last_error == "judge cloud/opus: 503");
}

TEST_CASE("flagged pairs are listed for review with both judges' reasons, and a human verdict is kept") {
  TempDir dir;
  JudgeStore store((dir / "r.db").string());
  std::string error;
  const auto flagged_id = *store.enqueue(make_pair("req-1"), "", error);
  const auto calm_id = *store.enqueue(make_pair("req-2"), "", error);
  PairJudgment disagreement;
  disagreement.valid = true;
  disagreement.winner = PairWinner::tie;
  disagreement.score_difference = 0.2;
  disagreement.needs_review = true;
  disagreement.judges = {{{"cloud/opus", "claude"}, true, PairWinner::primary, false, 0.75, true, "opus: primary is right"},
                         {{"cloud/mini", "gpt"}, true, PairWinner::shadow, false, -0.35, false, "mini: shadow is right"}};
  CHECK(store.finish(flagged_id, disagreement, 2'000).empty());
  PairJudgment calm = disagreement;
  calm.needs_review = false;
  CHECK(store.finish(calm_id, calm, 2'000).empty());

  auto flagged = store.flagged(false, error);
  REQUIRE(flagged.size() == 1);
  CHECK(flagged[0].pair_id == flagged_id);
  CHECK(flagged[0].pair.prompt == "user: write a commit message");
  CHECK(flagged[0].pair.primary.text == "GOOD fix pagination");
  CHECK(flagged[0].judges_detail.find("opus: primary is right") != std::string::npos);
  CHECK(flagged[0].judges_detail.find("mini: shadow is right") != std::string::npos);
  CHECK(store.counts(std::nullopt, std::nullopt, error).awaiting_review == 1);

  CHECK(store.decide(flagged_id, PairWinner::shadow, "the shadow's message follows the convention", 3'000).empty());
  CHECK(store.flagged(false, error).empty());
  REQUIRE(store.flagged(true, error).size() == 1);
  const auto detail = store.detail(flagged_id, error);
  CHECK(detail->human == PairWinner::shadow);
  CHECK(detail->human_note == "the shadow's message follows the convention");
  CHECK(store.counts(std::nullopt, std::nullopt, error).awaiting_review == 0);
  const auto rows = store.judged_rows(std::nullopt, std::nullopt, error);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].human == PairWinner::shadow);
  // mean |difference| of the two judges: (0.75 + 0.35) / 2 = 0.55, the size a human verdict gets.
  CHECK(rows[0].mean_abs_difference == doctest::Approx(0.55));

  CHECK(store.decide(999, PairWinner::tie, "", 3'000) == "no judged pair 999");
  const auto pending_id = *store.enqueue(make_pair("req-3"), "", error);
  CHECK(store.decide(pending_id, PairWinner::tie, "", 3'000) == "no judged pair " + std::to_string(pending_id));
}

TEST_CASE("the summary aggregates the judged pairs of a window with the config's min n and margin") {
  TempDir dir;
  const std::string path = (dir / "r.db").string();
  const auto config = llmroute::config::load_config_text(R"(backends:
  - name: box
    url: http://127.0.0.1:1/v1
    models: [qwen]
  - name: cloud
    location: cloud
    url: http://127.0.0.1:2/v1
    models: [opus, mini]
records: { path: ")" + path + R"(" }
judging: { judges: [opus, mini], min_n: 2, parity_margin: 0.3 }
)",
                                                         "s.yaml");
  CHECK(load_judge_summary(*config, std::nullopt, std::nullopt).groups.empty());  // no database yet
  JudgeStore store(path);
  std::string error;
  PairJudgment verdict;
  verdict.valid = true;
  verdict.winner = PairWinner::primary;
  verdict.score_difference = 0.75;
  verdict.judges = {{{"cloud/opus", "claude"}, true, PairWinner::primary, false, 0.75, false, "x"}};
  for (std::string id : {"a", "b"}) CHECK(store.finish(*store.enqueue(make_pair(id), "", error), verdict, 2'000).empty());
  ShadowPair late = make_pair("c");
  late.created_unix_ms = 50'000;
  store.enqueue(late, "", error);
  const JudgeSummary summary = load_judge_summary(*config, std::nullopt, 10'000);
  CHECK(summary.error.empty());
  REQUIRE(summary.groups.size() == 1);
  CHECK(summary.groups[0].n == 2);
  CHECK(summary.groups[0].wins == 2);
  // Two identical differences of 0.75: a zero-width interval above −0.3 → parity.
  CHECK(summary.groups[0].verdict_text == "parity — can run local");
  CHECK(*summary.groups[0].mean_latency_difference_ms == doctest::Approx(-1200));
  CHECK(summary.pending == 0);  // the late pair is outside the window
  CHECK(load_judge_summary(*config, std::nullopt, std::nullopt).pending == 1);
  CHECK(summary.min_n == 2);
}
