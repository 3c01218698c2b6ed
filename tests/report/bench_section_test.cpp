// The report's bench section: the latest `llmroute bench` run per model, shown even for a model without traffic.
#include <doctest/doctest.h>

#include "benchmark/bench_store.hpp"
#include "records/sqlite_record_store.hpp"
#include "report/renderers.hpp"
#include "report/report_tables.hpp"
#include "report/report_loader.hpp"
#include "report_fixture.hpp"
#include "report_schema_check.hpp"
#include "support/child_process.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <sstream>

using namespace llmroute;
using namespace llmroute::report;
using doctest::Approx;

namespace {

benchmark::BenchResult pair(const char* task, const char* model, const char* route, double ttft_ms, double quality,
                            int checks_passed) {
  benchmark::BenchResult r;
  r.run_id = "bench-new-model";
  r.task_id = task;
  r.model = model;
  r.route = route;
  r.category = "simple-coding";
  r.state = benchmark::PairState::done;
  r.ttft_ms = ttft_ms;
  r.total_ms = 4 * ttft_ms;
  r.tokens_per_second = 50;
  r.usage.output = 700;
  r.usage.reasoning = 100;
  r.cost = 0.01;
  r.judges = 2;
  r.quality = quality;
  r.checks_passed = checks_passed;
  r.checks_total = 7;
  return r;
}

/// The fixture's traffic (which never used ollama/devstral) plus a bench run of devstral against sonnet.
struct BenchDatabase {
  test::TempDir dir;
  config::ConfigPtr config;
  Report report;

  BenchDatabase() {
    config = config::load_config_text(test::fixture_config_yaml((dir / "records.db").string()), "fixture.yaml");
    {
      records::SqliteRecordStore store(config->records);
      for (records::RequestRecord& r : test::fixture_records()) REQUIRE(store.submit(std::move(r)));
    }
    benchmark::BenchStore bench((dir / "records.db").string());
    REQUIRE(bench.create_run({"bench-older", test::kDayStart - test::kHour, "tasks/suite", {"anthropic/sonnet"}, {}, 1})
                .empty());
    REQUIRE(bench.create_run({"bench-new-model", test::kDayStart, "tasks/suite", {"ollama/devstral", "anthropic/sonnet"},
                              {"a/judge", "b/judge"}, 2})
                .empty());
    REQUIRE(bench.save(pair("todo", "ollama/devstral", "local", 2000, 2.0, 7)).empty());
    REQUIRE(bench.save(pair("slug", "ollama/devstral", "local", 1000, 1.0, 3)).empty());
    benchmark::BenchResult truncated = pair("todo", "anthropic/sonnet", "cloud", 800, 1.5, 0);
    truncated.truncated = true;
    REQUIRE(bench.save(truncated).empty());
    benchmark::BenchResult failed = pair("slug", "anthropic/sonnet", "cloud", 0, 0, 0);
    failed.state = benchmark::PairState::failed;
    failed.ttft_ms.reset();
    failed.quality.reset();
    REQUIRE(bench.save(failed).empty());

    LoadedReport loaded = load_report(*config, test::kDayStart, test::kDayStart + 24 * test::kHour);
    REQUIRE_MESSAGE(loaded.report.has_value(), loaded.error);
    report = std::move(*loaded.report);
  }
};

}  // namespace

TEST_CASE("the latest bench run is summarised per model, in the run's order, whatever the window") {
  const BenchDatabase db;
  REQUIRE(db.report.bench.has_value());
  const BenchRunSection& bench = *db.report.bench;
  CHECK(bench.run_id == "bench-new-model");
  CHECK(bench.start_unix_ms == test::kDayStart);
  REQUIRE(bench.models.size() == 2);
  const benchmark::ModelSummary& devstral = bench.models[0];
  CHECK(devstral.model == "ollama/devstral");
  CHECK(devstral.route == "local");
  CHECK(devstral.done == 2);
  CHECK(*devstral.mean_ttft_ms == Approx(1500));
  CHECK(*devstral.mean_quality == Approx(1.5));
  CHECK(devstral.checks_passed == 10);
  CHECK(devstral.checks_total == 14);
  CHECK(devstral.reasoning_tokens == 200);
  const benchmark::ModelSummary& sonnet = bench.models[1];
  CHECK(sonnet.failed == 1);
  CHECK(sonnet.truncated == 1);
  CHECK(*sonnet.mean_ttft_ms == Approx(800));
  // devstral served no traffic, so only the bench section knows it.
  for (const ModelRow& m : db.report.models) CHECK(m.model != "devstral");
}

TEST_CASE("every format shows the bench section, and the JSON still matches docs/report-schema.json") {
  const BenchDatabase db;
  const std::string text = render_text(db.report);
  CHECK(text.find("Latest bench run bench-new-model (2026-11-01 00:00 UTC)\n") != std::string::npos);
  CHECK(text.find("ollama/devstral") != std::string::npos);
  CHECK(text.find("10/14") != std::string::npos);
  CHECK(render_markdown(db.report).find("## Latest bench run bench-new-model") != std::string::npos);
  CHECK(render_html(db.report).find("<h2>Latest bench run bench-new-model (2026-11-01 00:00 UTC)</h2>") !=
        std::string::npos);

  const std::string json = render_json(db.report);
  const boost::json::value document = boost::json::parse(json);
  CHECK(document.at("bench").at("run_id") == "bench-new-model");
  CHECK(document.at("bench").at("models").at(0).at("checks_passed") == 10);
  CHECK(document.at("bench").at("models").at(1).at("truncated") == 1);
  test::TempDir dir;
  std::ofstream(dir / "report.json") << json;
  const test::SchemaCheck schema = test::check_report_schema(dir / "report.json");
  CHECK_MESSAGE(schema.exit_code == 0, schema.errors);
}

TEST_CASE("without a bench run the section says how to make one") {
  test::TempDir dir;
  const config::ConfigPtr config =
      config::load_config_text(test::fixture_config_yaml((dir / "records.db").string()), "fixture.yaml");
  {
    records::SqliteRecordStore store(config->records);
    for (records::RequestRecord& r : test::fixture_records()) REQUIRE(store.submit(std::move(r)));
  }
  const LoadedReport loaded = load_report(*config, std::nullopt, std::nullopt);
  REQUIRE_MESSAGE(loaded.report.has_value(), loaded.error);
  CHECK_FALSE(loaded.report->bench.has_value());
  CHECK(render_text(*loaded.report).find(kNoBenchRun) != std::string::npos);
  CHECK(boost::json::parse(render_json(*loaded.report)).at("bench").is_null());
}

TEST_CASE("the HTML report charts the bench run: one point per judged model, quality against speed") {
  const BenchDatabase db;
  const std::string html = render_html(db.report);
  const auto chart = html.find("data-chart=\"bench-quality-vs-speed\"");
  REQUIRE(chart != std::string::npos);
  const std::string svg = html.substr(chart, html.find("</svg>", chart) - chart);
  std::size_t marks = 0;
  for (auto at = svg.find("class=\"mark\""); at != std::string::npos; at = svg.find("class=\"mark\"", at + 1)) ++marks;
  CHECK(marks == 2);  // devstral and sonnet were both judged
  CHECK(svg.find("ollama/devstral") != std::string::npos);
}
