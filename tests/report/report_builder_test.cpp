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

TEST_CASE("shadow verdicts turn into plain recommendations with the money they are worth") {
  const config::ConfigPtr config = config::load_config_text(test::fixture_config_yaml("unused.db"), "fixture.yaml");
  ReportInput input = fixture_input(*config);
  input.pairwise = {{"debugging", 140, 0.52, 0.437, 0.602},
                    {"architecture", 60, 0.20, 0.11, 0.32},
                    {"commit-message", 12, 0.55, 0.28, 0.79}};
  const Report report = build_report(input);

  REQUIRE(report.shadow_verdicts.size() == 3);
  CHECK(report.shadow_verdicts[0].task == "commit-message");
  CHECK(report.shadow_verdicts[0].verdict == "inconclusive");
  CHECK(report.shadow_verdicts[0].recommendation ==
        "commit-message: no clear verdict over 12 pairs (local wins 55%, 95% CI 28%–79%) — keep the current route "
        "and collect more pairs");
  // debugging is 75 % local and saved 0.012 in one day: 0.3648 a month.
  CHECK(report.shadow_verdicts[1].verdict == "local-at-parity");
  CHECK(report.shadow_verdicts[1].pairs == 140);
  CHECK(report.shadow_verdicts[1].recommendation ==
        "debugging: local at parity over 140 pairs — keep local, saves USD 0.3648 per month");
  CHECK(report.shadow_verdicts[2].verdict == "cloud-better");
  CHECK(report.shadow_verdicts[2].recommendation == "architecture: cloud clearly better over 60 pairs — keep cloud");

  input.pairwise = {{"architecture", 300, 0.5, 0.45, 0.6}};
  const Report moved = build_report(input);
  // architecture runs in the cloud at 0.0405 a day: 1.2312 a month could move to the local box.
  CHECK(moved.shadow_verdicts[0].recommendation ==
        "architecture: local at parity over 300 pairs — move local, saves up to USD 1.23 per month");

  CHECK(verdict_of({"x", 50, 0.7, 0.56, 0.82}) == "local-better");
  CHECK(verdict_of({"x", 0, 0, 0, 0}) == "inconclusive");
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
