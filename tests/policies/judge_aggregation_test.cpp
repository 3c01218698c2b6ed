// Aggregation math against numbers worked out by hand (written next to each check).
#include "policies/judge_aggregation.hpp"

#include <doctest/doctest.h>

using namespace llmroute::policies;
using llmroute::config::Location;

namespace {

JudgedPairRow local_primary(std::string task, PairWinner winner, double difference) {
  JudgedPairRow row;
  row.task = std::move(task);
  row.primary_model = "qwen";
  row.primary_location = Location::local;
  row.shadow_model = "opus";
  row.shadow_location = Location::cloud;
  row.winner = winner;
  row.score_difference = difference;
  row.mean_abs_difference = difference < 0 ? -difference : difference;
  return row;
}

/// The same model pair seen the other way round: the client was served by the cloud, the shadow ran locally.
JudgedPairRow cloud_primary(std::string task, PairWinner winner, double difference) {
  JudgedPairRow row = local_primary(std::move(task), winner, difference);
  std::swap(row.primary_model, row.shadow_model);
  std::swap(row.primary_location, row.shadow_location);
  return row;
}

const PairAggregate& find(const std::vector<PairAggregate>& groups, std::string_view task) {
  for (const auto& g : groups)
    if (g.task == task) return g;
  FAIL("no group for " << task);
  return groups.front();
}

}  // namespace

TEST_CASE("Student's t quantile: exact to 30 degrees of freedom, interpolated beyond") {
  CHECK(t_quantile_975(1) == doctest::Approx(12.7062));
  CHECK(t_quantile_975(4) == doctest::Approx(2.7764));
  CHECK(t_quantile_975(30) == doctest::Approx(2.0423));
  CHECK(t_quantile_975(40) == doctest::Approx(2.0211));
  // 100: 1.9799 + (2.0003 − 1.9799) × (1/100 − 1/120) / (1/60 − 1/120) = 1.98398 (exact: 1.98397).
  CHECK(t_quantile_975(100) == doctest::Approx(1.98398).epsilon(1e-5));
  // 1000: between 1/120 and 0 → 1.95996 + 0.01994 × 0.12 = 1.96235 (exact: 1.96234).
  CHECK(t_quantile_975(1000) == doctest::Approx(1.96235).epsilon(1e-5));
}

TEST_CASE("five local-vs-cloud pairs: counts, mean difference and its t-interval, an interval too wide to decide") {
  // Differences (local − cloud): 0.75, 0, −0.25, 0.5, 0 → mean 1.0 / 5 = 0.2.
  // Squared deviations 0.3025 + 0.04 + 0.2025 + 0.09 + 0.04 = 0.675; s² = 0.675 / 4 = 0.16875, s = 0.410792;
  // standard error s / √5 = 0.183712; t(4) = 2.7764 → half-width 0.510057 → interval −0.310057 … 0.710057.
  std::vector<JudgedPairRow> rows = {
      local_primary("commit-message", PairWinner::primary, 0.75),
      local_primary("commit-message", PairWinner::tie, 0),
      local_primary("commit-message", PairWinner::shadow, -0.25),
      local_primary("commit-message", PairWinner::primary, 0.5),
      local_primary("commit-message", PairWinner::tie, 0),
  };
  rows[0].primary_ms = 800, rows[0].shadow_ms = 2000;   // −1200
  rows[1].primary_ms = 1000, rows[1].shadow_ms = 1600;  // −600; the other three have no latency
  rows[0].primary_cost = 0.001, rows[0].shadow_cost = 0.021;  // −0.02
  rows[3].same_family_judge = true;
  const auto groups = aggregate_pairs(rows, {5, 0.2});
  REQUIRE(groups.size() == 1);
  const PairAggregate& g = groups[0];
  CHECK(g.candidate_model == "qwen");
  CHECK(g.baseline_model == "opus");
  CHECK(g.n == 5);
  CHECK(g.wins == 2);
  CHECK(g.ties == 2);
  CHECK(g.losses == 1);
  CHECK(g.mean_difference == doctest::Approx(0.2));
  CHECK(*g.ci_low == doctest::Approx(-0.310057).epsilon(1e-5));
  CHECK(*g.ci_high == doctest::Approx(0.710057).epsilon(1e-5));
  CHECK(*g.mean_latency_difference_ms == doctest::Approx(-900));
  CHECK(*g.mean_cost_difference == doctest::Approx(-0.02));
  CHECK(g.same_family_judged == 1);
  // −0.31 is below −0.2 (no parity) and 0.71 above 0 (the cloud is not clearly better).
  CHECK(g.verdict == AggregateVerdict::not_enough_data);
  CHECK(g.verdict_text == "not enough data (n = 5; the 95 % interval -0.31 … +0.71 is too wide to decide)");
  // With a margin of 0.4 the same interval is parity.
  const auto lenient = aggregate_pairs(rows, {5, 0.4});
  CHECK(lenient[0].verdict == AggregateVerdict::parity);
  CHECK(lenient[0].verdict_text == "parity — can run local");
  // And below min_n there is no verdict at all.
  CHECK(aggregate_pairs(rows, {6, 0.4})[0].verdict_text == "not enough data (n = 5)");
}

TEST_CASE("pairs with the cloud as primary are turned to the local side; the cloud clearly better") {
  // Local − cloud: −0.75 and −1.0 (local primary), then 0.75 and 0.5 as primary − shadow with the cloud primary
  // → −0.75 and −0.5. Mean −3.0 / 4 = −0.75; deviations 0, −0.25, 0, 0.25 → s² = 0.125 / 3 = 0.041667,
  // s = 0.204124, standard error 0.102062; t(3) = 3.1824 → half-width 0.324802 → −1.074802 … −0.425198.
  std::vector<JudgedPairRow> rows = {
      local_primary("architecture", PairWinner::shadow, -0.75),
      local_primary("architecture", PairWinner::shadow, -1.0),
      cloud_primary("architecture", PairWinner::primary, 0.75),
      cloud_primary("architecture", PairWinner::tie, 0.5),
  };
  rows[0].primary_ms = 900, rows[0].shadow_ms = 1500;   // local − cloud: −600
  rows[1].primary_ms = 1100, rows[1].shadow_ms = 1400;  // −300
  rows[2].primary_ms = 2000, rows[2].shadow_ms = 1000;  // cloud primary: 1000 − 2000 = −1000
  rows[3].primary_ms = 1000, rows[3].shadow_ms = 1200;  // 1200 − 1000 = +200 → mean −425
  const auto groups = aggregate_pairs(rows, {4, 0.2});
  REQUIRE(groups.size() == 1);
  const PairAggregate& g = groups[0];
  CHECK(g.candidate_model == "qwen");
  CHECK(g.candidate_location == Location::local);
  CHECK(g.wins == 0);
  CHECK(g.ties == 1);
  CHECK(g.losses == 3);
  CHECK(g.mean_difference == doctest::Approx(-0.75));
  CHECK(*g.ci_low == doctest::Approx(-1.074802).epsilon(1e-5));
  CHECK(*g.ci_high == doctest::Approx(-0.425198).epsilon(1e-5));
  CHECK(*g.mean_latency_difference_ms == doctest::Approx(-425));
  CHECK_FALSE(g.mean_cost_difference);
  CHECK(g.verdict == AggregateVerdict::baseline_better);
  CHECK(g.verdict_text == "cloud clearly better — keep on cloud");
}

TEST_CASE("a human verdict overrides the judges; flagged pairs without one are counted as awaiting review") {
  // Differences: 0.5 (judges); a human says the cloud shadow was better, judges' mean |difference| 0.6 → −0.6;
  // a flagged pair nobody decided keeps the judges' 0. Mean −0.1 / 3 = −0.033333; s² = 0.606667 / 2 = 0.303333,
  // s = 0.550757, standard error 0.317980; t(2) = 4.3027 → half-width 1.368171 → −1.401505 … 1.334838.
  std::vector<JudgedPairRow> rows = {
      local_primary("debugging", PairWinner::primary, 0.5),
      local_primary("debugging", PairWinner::tie, 0.1),
      local_primary("debugging", PairWinner::tie, 0),
  };
  rows[1].needs_review = true;
  rows[1].mean_abs_difference = 0.6;
  rows[1].human = PairWinner::shadow;
  rows[2].needs_review = true;
  const auto groups = aggregate_pairs(rows, {20, 0.2});
  const PairAggregate& g = groups.at(0);
  CHECK(g.wins == 1);
  CHECK(g.losses == 1);
  CHECK(g.ties == 1);
  CHECK(g.human_decided == 1);
  CHECK(g.awaiting_review == 1);
  CHECK(g.mean_difference == doctest::Approx(-0.033333).epsilon(1e-5));
  CHECK(*g.ci_low == doctest::Approx(-1.401505).epsilon(1e-5));
  CHECK(*g.ci_high == doctest::Approx(1.334838).epsilon(1e-5));
  CHECK(g.verdict_text == "not enough data (n = 3)");
  // A human tie sets the difference to 0 whatever the judges said.
  rows[1].human = PairWinner::tie;
  CHECK(aggregate_pairs(rows, {20, 0.2})[0].mean_difference == doctest::Approx(0.5 / 3));
}

TEST_CASE("groups are per task kind and model pair; one pair has no interval") {
  JudgedPairRow other_model = local_primary("debugging", PairWinner::primary, 0.75);
  other_model.primary_model = "llama";
  const auto groups = aggregate_pairs({local_primary("debugging", PairWinner::primary, 0.75), other_model,
                                       local_primary("refactoring", PairWinner::tie, 0)},
                                      {2, 0.2});
  REQUIRE(groups.size() == 3);
  CHECK(groups[0].candidate_model == "llama");
  CHECK(groups[1].candidate_model == "qwen");
  CHECK(find(groups, "refactoring").n == 1);
  CHECK_FALSE(groups[0].ci_low);
  CHECK(groups[0].verdict_text == "not enough data (n = 1)");
}

TEST_CASE("two cloud models: the shadow is the candidate and the verdict names the models") {
  JudgedPairRow row = local_primary("reasoning", PairWinner::primary, 0.75);
  row.primary_location = Location::cloud;
  std::vector<JudgedPairRow> rows(3, row);
  const auto groups = aggregate_pairs(rows, {3, 0.2});
  const PairAggregate& g = groups.at(0);
  CHECK(g.candidate_model == "opus");
  CHECK(g.baseline_model == "qwen");
  CHECK(g.losses == 3);
  // Three identical differences −0.75: zero spread, interval −0.75 … −0.75.
  CHECK(*g.ci_high == doctest::Approx(-0.75));
  CHECK(g.verdict_text == "qwen clearly better — keep on qwen");
}
