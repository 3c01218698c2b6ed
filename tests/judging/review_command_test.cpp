// `llmroute review` as a user runs it: the flagged list, one pair in full, a human verdict that overrides the judges.
#include <doctest/doctest.h>

#include "config/config_loader.hpp"
#include "policies/judge_store.hpp"
#include "policies/judge_summary.hpp"
#include "support/child_process.hpp"
#include "support/command_run.hpp"

#include <fstream>

namespace llmroute {
namespace {

using policies::PairWinner;
using test::CommandResult;
using test::TempDir;

CommandResult run_review(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), "review");
  return test::run_llmroute(dir.path(), std::move(args), std::chrono::seconds(30));
}

std::string config_yaml(const TempDir& dir) {
  return "backends:\n"
         "  - { name: box, url: 'http://127.0.0.1:9/v1', models: [qwen] }\n"
         "  - { name: cloud, location: cloud, url: 'http://127.0.0.1:9/v1', models: [opus, mini] }\n"
         "records: { path: '" + (dir / "r.db").string() + "' }\n"
         "judging: { judges: [opus, mini], min_n: 2 }\n";
}

policies::ShadowPair make_pair(const std::string& id) {
  policies::ShadowPair pair;
  pair.task = "commit-message";
  pair.prompt = "user: write a commit message for this diff";
  pair.request_body = "{}";
  pair.created_unix_ms = 1'795'000'000'000;
  pair.primary = {id, "box", "qwen", config::Location::local, "fix: off-by-one in pagination", "", false, 700, 5, 0.0};
  pair.shadow = {id + "-s", "cloud", "opus", config::Location::cloud, "", R"([{"id":"c1","name":"git_log","arguments":{"n":5}}])",
                 false, 1400, 8, 0.02};
  return pair;
}

/// Two judged pairs: #1 flagged (the judges name opposite winners), #2 not.
std::filesystem::path write_fixture(const TempDir& dir) {
  std::ofstream(dir / "c.yaml") << config_yaml(dir);
  policies::JudgeStore store((dir / "r.db").string());
  std::string error;
  policies::PairJudgment split;
  split.valid = true;
  split.winner = PairWinner::tie;
  split.score_difference = 0.2;
  split.needs_review = true;
  split.judges = {{{"cloud/opus", "claude"}, true, PairWinner::primary, false, 0.75, false, "opus: the message names the bug"},
                  {{"cloud/mini", "gpt"}, true, PairWinner::shadow, false, -0.35, false, "mini: looking at the log first is wiser"}};
  REQUIRE(store.finish(*store.enqueue(make_pair("r1"), "", error), split, 2'000).empty());
  policies::PairJudgment calm = split;
  calm.needs_review = false;
  calm.winner = PairWinner::primary;
  calm.score_difference = 0.75;
  REQUIRE(store.finish(*store.enqueue(make_pair("r2"), "", error), calm, 2'000).empty());
  return dir / "c.yaml";
}

}  // namespace

TEST_CASE("review lists the flagged pairs and shows one with the prompt, both answers and each judge's reasons") {
  TempDir dir;
  const std::string config = write_fixture(dir).string();
  const CommandResult list = run_review(dir, {"--config", config});
  CHECK_MESSAGE(list.exit_code == 0, list.err);
  CHECK(list.out.starts_with("1 flagged pair waiting for review:\n#1  commit-message  2026-11-18 "));
  CHECK(list.out.find("A: box/qwen (local, primary)  B: cloud/opus (cloud, shadow)  judges: tie, A-B +0.20") !=
        std::string::npos);
  CHECK(list.out.find("#2") == std::string::npos);

  const CommandResult show = run_review(dir, {"--config", config, "show", "1"});
  CHECK_MESSAGE(show.exit_code == 0, show.err);
  CHECK(show.out.find("prompt:\n  | user: write a commit message for this diff\n") != std::string::npos);
  CHECK(show.out.find("A: box/qwen (local, primary), 700 ms, cost 0.0000\n  | fix: off-by-one in pagination\n") !=
        std::string::npos);
  CHECK(show.out.find("B: cloud/opus (cloud, shadow), 1400 ms, cost 0.0200\n  | Proposed action: call tool git_log with "
                      "arguments {\"n\":5}\n") != std::string::npos);
  CHECK(show.out.find("cloud/opus (claude): A better, A-B +0.75\n    opus: the message names the bug") != std::string::npos);
  CHECK(show.out.find("cloud/mini (gpt): B better, A-B -0.35\n    mini: looking at the log first is wiser") !=
        std::string::npos);
  CHECK(show.out.find("no human verdict yet: llmroute review decide 1 A|B|tie") != std::string::npos);
}

TEST_CASE("a human verdict recorded with review decide overrides the judges in the aggregation") {
  TempDir dir;
  const std::string config = write_fixture(dir).string();
  const auto before = policies::load_judge_summary(*config::load_config_file(config), std::nullopt, std::nullopt);
  REQUIRE(before.groups.size() == 1);
  CHECK(before.groups[0].wins == 1);  // pair 2; pair 1 is a tie by the judges
  CHECK(before.groups[0].ties == 1);
  CHECK(before.awaiting_review == 1);

  const CommandResult decide = run_review(dir, {"--config", config, "decide", "1", "B", "--note", "the log matters"});
  CHECK_MESSAGE(decide.exit_code == 0, decide.err);
  CHECK(decide.out == "pair #1: human verdict B recorded; it overrides the judges\n");
  CHECK(run_review(dir, {"--config", config}).out == "no pairs waiting for review\n");
  CHECK(run_review(dir, {"--config", config, "list", "--all"}).out.find("human: B") != std::string::npos);
  CHECK(run_review(dir, {"--config", config, "show", "1"}).out.find("human verdict: B — the log matters (overrides the judges)") !=
        std::string::npos);

  const auto after = policies::load_judge_summary(*config::load_config_file(config), std::nullopt, std::nullopt);
  const auto& g = after.groups.at(0);
  CHECK(g.wins == 1);
  CHECK(g.losses == 1);  // the human gave pair 1 to the cloud shadow
  CHECK(g.ties == 0);
  CHECK(g.human_decided == 1);
  CHECK(after.awaiting_review == 0);
  // Pair 1: −(0.75 + 0.35) / 2 = −0.55 instead of the judges' +0.2; pair 2: +0.75 → mean 0.1.
  CHECK(g.mean_difference == doctest::Approx(0.1));
}

TEST_CASE("review refuses bad arguments with exit 2 and unknown pairs with exit 1") {
  TempDir dir;
  const std::string config = write_fixture(dir).string();
  CHECK(run_review(dir, {"--help"}).out.starts_with("usage: llmroute review"));
  const CommandResult bad_verdict = run_review(dir, {"--config", config, "decide", "1", "C"});
  CHECK(bad_verdict.exit_code == 2);
  CHECK(bad_verdict.err.starts_with("llmroute review: the verdict must be A (the primary's answer), B (the shadow's) or tie"));
  CHECK(run_review(dir, {"--config", config, "show", "x"}).exit_code == 2);
  CHECK(run_review(dir, {"--config", config, "approve"}).exit_code == 2);
  CHECK(run_review(dir, {"--config", config, "show"}).exit_code == 2);
  const CommandResult missing = run_review(dir, {"--config", config, "show", "99"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err == "llmroute review: no pair 99\n");
  CHECK(run_review(dir, {"--config", config, "decide", "99", "A"}).err == "llmroute review: no judged pair 99\n");
  CHECK(run_review(dir, {"--config", (dir / "nope.yaml").string()}).exit_code == 2);
}

}  // namespace llmroute
