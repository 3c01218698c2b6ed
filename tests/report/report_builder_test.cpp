// The report's numbers against hand-computed values: judgments, shadow verdicts, economics, percentiles.
#include <doctest/doctest.h>

#include "report/report_builder.hpp"
#include "report/statistics.hpp"
#include "report/report_window.hpp"
#include "report_fixture.hpp"

using namespace llmroute;
using namespace llmroute::report;
using doctest::Approx;

namespace {

ReportInput fixture_input(const config::Config& config) {
  ReportInput input;
  input.config = &config;
  input.records = test::fixture_records();
  input.since_unix_ms = test::kDayStart;
  input.until_unix_ms = test::kDayStart + 24 * test::kHour;
  return input;
}

const TrafficRow& task_row(const Report& report, const std::string& task) {
  for (const TrafficRow& row : report.tasks)
    if (row.name == task) return row;
  FAIL("no row for task " << task);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("percentiles are nearest-rank values that were actually measured") {
  CHECK(*percentile({50, 2000, 4000, 6000}, 0.5) == 2000);
  CHECK(*percentile({50, 2000, 4000, 6000}, 0.95) == 6000);
  CHECK(*percentile({7}, 0.5) == 7);
  CHECK_FALSE(percentile({}, 0.5).has_value());
  CHECK(*mean({50, 40, 100}) == Approx(63.333333333));
}

TEST_CASE("a WHEN is an ISO date or time in UTC, or a duration ago") {
  const std::int64_t now = test::kDayStart + 12 * test::kHour;
  CHECK(*parse_when("2026-11-01", now).unix_ms == test::kDayStart);
  CHECK(*parse_when("2026-11-01T01:30", now).unix_ms == test::kDayStart + 90 * test::kMinute);
  CHECK(*parse_when("2026-11-01 01:30:05Z", now).unix_ms == test::kDayStart + 90 * test::kMinute + 5000);
  CHECK(*parse_when("24h", now).unix_ms == now - 24 * test::kHour);
  CHECK(*parse_when("7d", now).unix_ms == now - 7 * 24 * test::kHour);
  CHECK(*parse_when("90m", now).unix_ms == now - 90 * test::kMinute);
  CHECK(*parse_when("2w", now).unix_ms == now - 14 * 24 * test::kHour);
  // A duration further back than 1970 means all time, however many digits it has.
  CHECK(*parse_when("9999999999999d", now).unix_ms == 0);
  CHECK(*parse_when("9223372036854775807w", now).unix_ms == 0);
  for (const char* bad : {"yesterday", "2026-02-30", "2026-11-01T25:00", "7 d", "-3h", "", "2026-11-1"})
    CHECK_MESSAGE(parse_when(bad, now).error.find("expected a date") == 0, bad);
}

TEST_CASE("model quality and the heatmap are the mean judged scores; cost per quality point divides by them") {
  const config::ConfigPtr config = config::load_config_text(test::fixture_config_yaml("unused.db"), "fixture.yaml");
  ReportInput input = fixture_input(*config);
  input.judgments = {{"debugging", "qwen3-coder", 1.6}, {"debugging", "qwen3-coder", 1.2}, {"debugging", "sonnet", 1.8},
                     {"architecture", "sonnet", 2.0}};
  const Report report = build_report(input);

  REQUIRE(report.models.size() == 2);
  CHECK(report.models[0].model == "qwen3-coder");
  CHECK(*report.models[0].quality == Approx(1.4));
  CHECK(report.models[0].judgments == 2);
  CHECK(*report.models[0].cost_per_quality_point == Approx(0.0025));  // 0.0035 / 1.4
  CHECK(report.models[1].model == "sonnet");
  CHECK(*report.models[1].quality == Approx(1.9));
  CHECK(*report.models[1].cost_per_quality_point == Approx(0.0528 / 1.9));

  REQUIRE(report.quality.size() == 3);  // debugging before architecture: the task kinds' order
  CHECK(report.quality[0].task == "debugging");
  CHECK(report.quality[0].model == "qwen3-coder");
  CHECK(report.quality[0].quality == Approx(1.4));
  CHECK(report.quality[0].judgments == 2);
  CHECK(report.quality[1].task == "debugging");
  CHECK(report.quality[1].model == "sonnet");
  CHECK(report.quality[1].quality == Approx(1.8));
  CHECK(report.quality[2].task == "architecture");
  CHECK(report.quality[2].quality == Approx(2.0));
}

/// A judged-pairs aggregate of local qwen3-coder against cloud sonnet.
policies::PairAggregate aggregate(const char* task, std::uint64_t n, double mean, double low, double high,
                                  policies::AggregateVerdict verdict, const char* text) {
  policies::PairAggregate g;
  g.task = task;
  g.candidate_model = "qwen3-coder";
  g.baseline_model = "sonnet";
  g.n = n;
  g.wins = n / 2;
  g.ties = n / 4;
  g.losses = n - n / 2 - n / 4;
  g.mean_difference = mean;
  g.ci_low = low;
  g.ci_high = high;
  g.verdict = verdict;
  g.verdict_text = text;
  return g;
}

TEST_CASE("shadow verdicts turn into plain recommendations with the money they are worth") {
  using policies::AggregateVerdict;
  const config::ConfigPtr config = config::load_config_text(test::fixture_config_yaml("unused.db"), "fixture.yaml");
  ReportInput input = fixture_input(*config);
  input.judging.groups = {
      aggregate("architecture", 60, -0.6, -0.8, -0.4, AggregateVerdict::baseline_better, "cloud clearly better — keep on cloud"),
      aggregate("debugging", 140, -0.05, -0.15, 0.05, AggregateVerdict::parity, "parity — can run local"),
      aggregate("commit-message", 12, 0.1, -0.4, 0.6, AggregateVerdict::not_enough_data, "not enough data (n = 12)")};
  input.judging.pending = 4;
  input.judging.judged = 212;
  input.judging.invalid = 1;
  input.judging.failed = 2;
  input.judging.awaiting_review = 3;
  input.judging.judge_calls = 850;
  input.judging.judge_cost = 1.25;
  input.judging.min_n = 20;
  const Report report = build_report(input);
  CHECK(report.judging.pending == 4);
  CHECK(report.judging.judged == 212);
  CHECK(report.judging.invalid == 1);
  CHECK(report.judging.failed == 2);
  CHECK(report.judging.awaiting_review == 3);
  CHECK(report.judging.judge_calls == 850);
  CHECK(report.judging.judge_cost == 1.25);
  CHECK(report.judging.min_n == 20);

  REQUIRE(report.shadow_verdicts.size() == 3);  // in the task kinds' order
  const ShadowVerdictRow& commit = report.shadow_verdicts[0];
  CHECK(commit.task == "commit-message");
  CHECK(commit.verdict == "not-enough-data");
  CHECK(commit.recommendation ==
        "commit-message: not enough data (n = 12) — keep the current route and collect more pairs");
  // debugging is 75 % local and saved 0.012 in one day: 0.3648 a month.
  const ShadowVerdictRow& debugging = report.shadow_verdicts[1];
  CHECK(debugging.verdict == "parity");
  CHECK(debugging.pairs == 140);
  CHECK(debugging.wins == 70);
  CHECK(debugging.ties == 35);
  CHECK(debugging.losses == 35);
  CHECK(debugging.candidate_model == "qwen3-coder");
  CHECK(debugging.baseline_model == "sonnet");
  CHECK(debugging.local_vs_cloud);
  CHECK(*debugging.ci_low == -0.15);
  CHECK(debugging.judges_say == "parity — can run local");
  CHECK(debugging.recommendation == "debugging: local at parity over 140 pairs — keep local, saves USD 0.3648 per month");
  const ShadowVerdictRow& architecture = report.shadow_verdicts[2];
  CHECK(architecture.verdict == "baseline-better");
  CHECK(architecture.recommendation == "architecture: cloud clearly better over 60 pairs — keep cloud");

  // architecture runs in the cloud at 0.0405 a day: 1.2312 a month could move to the local box.
  input.judging.groups = {aggregate("architecture", 300, 0, -0.1, 0.1, AggregateVerdict::parity, "parity — can run local")};
  CHECK(build_report(input).shadow_verdicts[0].recommendation ==
        "architecture: local at parity over 300 pairs — move local, saves up to USD 1.23 per month");

  // Two local models: the aggregation's own words.
  policies::PairAggregate local_pair =
      aggregate("refactoring", 30, 0, -0.1, 0.1, AggregateVerdict::parity, "parity — qwen2.5-coder can serve it");
  local_pair.baseline_location = config::Location::local;
  input.judging.groups = {local_pair};
  const Report local_only = build_report(input);
  const ShadowVerdictRow& row = local_only.shadow_verdicts[0];
  CHECK_FALSE(row.local_vs_cloud);
  CHECK(row.recommendation == "refactoring: parity — qwen2.5-coder can serve it");
}

TEST_CASE("the co-op economics: break-even is the hardware over the avoided cloud spend less electricity") {
  const config::ConfigPtr config = config::load_config_text(test::fixture_config_yaml("unused.db"), "fixture.yaml");
  ReportInput input;
  input.config = config.get();
  input.since_unix_ms = test::kDayStart;
  input.until_unix_ms = test::kDayStart + 24 * test::kHour;
  input.records = {test::fixture_record(
      {"big", test::kDayStart + test::kHour, "carol", "refactoring", "local", 1000, 100, 200, 1000, 50, 0.01, 10})};
  const Economics e = build_report(input).economics;
  CHECK(e.window_days == 1);
  CHECK(*e.cloud_spend_avoided == 10);
  CHECK(*e.monthly_cloud_spend_avoided == Approx(304));
  CHECK(*e.monthly_cloud_spend == 0);
  CHECK(e.monthly_amortisation == Approx(100));
  CHECK(e.monthly_electricity == Approx(7.6));  // 0.125 kW × 8 h × 30.4 days × 0.25
  CHECK(e.monthly_box_cost == Approx(107.6));
  CHECK(*e.monthly_net_saving == Approx(196.4));
  CHECK(*e.break_even_months == Approx(3600 / 296.4));  // 12.1 months
  CHECK(e.members == 1);
  CHECK(*e.monthly_box_cost_per_member == Approx(107.6));
}

TEST_CASE("an empty window gives an empty report, not a failure") {
  const config::ConfigPtr config = config::load_config_text(test::fixture_config_yaml("unused.db"), "fixture.yaml");
  ReportInput input;
  input.config = config.get();
  const Report report = build_report(input);
  CHECK(report.total.requests == 0);
  CHECK(report.tasks.empty());
  CHECK(report.models.empty());
  CHECK(report.cost_over_time.empty());
  CHECK_FALSE(report.total.all_cloud_cost.has_value());
  CHECK(report.economics.members == 0);
  CHECK_FALSE(report.economics.break_even_months.has_value());
}

TEST_CASE("requests without a cloud-equivalent cost leave the all-cloud cost and savings unknown") {
  const config::ConfigPtr config = config::load_config_text(test::fixture_config_yaml("unused.db"), "fixture.yaml");
  ReportInput input = fixture_input(*config);
  input.records[0].cloud_equivalent_cost.reset();
  const Report report = build_report(input);
  CHECK_FALSE(task_row(report, "debugging").all_cloud_cost.has_value());
  CHECK_FALSE(task_row(report, "debugging").savings.has_value());
  CHECK(*task_row(report, "architecture").all_cloud_cost == Approx(0.0405));
  CHECK_FALSE(report.economics.cloud_spend_avoided.has_value());
}
