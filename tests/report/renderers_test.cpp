// The four formats of the fixture report: text and markdown lines, JSON against docs/report-schema.json, and
// the HTML page in headless Chromium (no console message, every chart's marks, a screenshot that shows them).
#include <doctest/doctest.h>

#include "report/renderers.hpp"
#include "report/report_builder.hpp"
#include "headless_chromium.hpp"
#include "report_fixture.hpp"
#include "report_schema_check.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fstream>

using namespace llmroute;
using namespace llmroute::report;

namespace {

/// The fixture day with judgments and shadow verdicts, so that every section and chart has data.
Report full_fixture_report(const config::Config& config) {
  ReportInput input;
  input.config = &config;
  input.records = test::fixture_records();
  input.since_unix_ms = test::kDayStart;
  input.until_unix_ms = test::kDayStart + 24 * test::kHour;
  input.judgments = {{"debugging", "qwen3-coder", 1.6}, {"debugging", "qwen3-coder", 1.2}, {"debugging", "sonnet", 1.8},
                     {"architecture", "sonnet", 2.0}};
  policies::PairAggregate debugging;
  debugging.task = "debugging";
  debugging.candidate_model = "qwen3-coder";
  debugging.baseline_model = "sonnet";
  debugging.n = 140;
  debugging.wins = 60;
  debugging.ties = 30;
  debugging.losses = 50;
  debugging.mean_difference = -0.04;
  debugging.ci_low = -0.15;
  debugging.ci_high = 0.07;
  debugging.verdict = policies::AggregateVerdict::parity;
  debugging.verdict_text = "parity — can run local";
  debugging.mean_latency_difference_ms = 850;
  debugging.mean_cost_difference = -0.0123;
  debugging.same_family_judged = 12;
  policies::PairAggregate architecture = debugging;
  architecture.mean_latency_difference_ms.reset();
  architecture.mean_cost_difference.reset();
  architecture.same_family_judged = 0;
  architecture.task = "architecture";
  architecture.n = 60;
  architecture.wins = 10;
  architecture.ties = 10;
  architecture.losses = 40;
  architecture.mean_difference = -0.61;
  architecture.ci_low = -0.8;
  architecture.ci_high = -0.42;
  architecture.verdict = policies::AggregateVerdict::baseline_better;
  architecture.verdict_text = "cloud clearly better — keep on cloud";
  input.judging.groups = {debugging, architecture};
  return build_report(input);
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

struct Fixture {
  config::ConfigPtr config = config::load_config_text(test::fixture_config_yaml("unused.db"), "fixture.yaml");
  Report report = full_fixture_report(*config);
};

}  // namespace

TEST_CASE("the text report reads as aligned tables with the hand-computed numbers") {
  const Fixture f;
  const std::string text = render_text(f.report);
  CHECK(text.starts_with("llmroute report: 2026-11-01 00:00 UTC to 2026-11-02 00:00 UTC (1.0 days)\n"
                         "8 requests (57% local), cost USD 0.0515 against USD 0.0642 all-cloud: saved USD 0.0127; "
                         "shadow copies: 1 (USD 0.0048).\n"));
  CHECK(text.find("task            requests  local  cloud  tokens in  tokens out  TTFT p50  TTFT p95  tok/s  "
                  "total p50  total p95\n") != std::string::npos);
  CHECK(text.find("debugging              4    75%    25%      4,500         600    400 ms    800 ms   63.3     "
                  "2.00 s     6.00 s\n") != std::string::npos);
  CHECK(text.find("ollama/qwen3-coder  local         4   50.0  233 ms    1.64 s     1.40         320  USD 0.0035  "
                  "     USD 0.0025\n") != std::string::npos);
  CHECK(text.find("net saving (avoided − box)                                  USD -107.11 per month\n") !=
        std::string::npos);
  CHECK(text.find("- debugging: local at parity over 140 pairs — keep local, saves USD 0.3648 per month\n") !=
        std::string::npos);
  CHECK(text.find("debugging     qwen3-coder vs sonnet    140          60/30/50       -0.04  -0.15 … +0.07    "
                  "+850 ms  USD -0.0123  parity — can run local\n") != std::string::npos);
  CHECK(text.find("architecture  qwen3-coder vs sonnet     60          10/10/40       -0.61  -0.80 … -0.42          "
                  "–            –  cloud clearly better — keep on cloud\n") != std::string::npos);
  CHECK(text.find("local box: total                                            USD 107.60 per month\n") !=
        std::string::npos);
  CHECK(text.find("break-even                                                  never at this rate\n") !=
        std::string::npos);
}

TEST_CASE("the markdown report has the same rows as GitHub tables") {
  const Fixture f;
  const std::string markdown = render_markdown(f.report);
  CHECK(markdown.starts_with("# llmroute report\n"));
  CHECK(markdown.find("| task | requests | local | cloud | tokens in | tokens out | TTFT p50 | TTFT p95 | tok/s | "
                      "total p50 | total p95 |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n") != std::string::npos);
  CHECK(markdown.find("| architecture | USD 0.0405 | USD 0.0405 | USD 0.0000 | 0 | 0 | 0 |\n") != std::string::npos);
  CHECK(markdown.find("| alice | 5 | 80% | 4,800 | 620 | USD 0.0110 | USD 0.0075 |\n") != std::string::npos);
  CHECK(markdown.find("| members | 2 |\n") != std::string::npos);
}

TEST_CASE("a report without shadow data says so in every format") {
  const config::ConfigPtr config = config::load_config_text(test::fixture_config_yaml("unused.db"), "fixture.yaml");
  ReportInput input;
  input.config = config.get();
  input.records = test::fixture_records();
  input.records.pop_back();  // no shadow copy either
  const Report report = build_report(input);
  CHECK(render_text(report).find("no shadow data yet") != std::string::npos);
  CHECK(render_markdown(report).find("no shadow data yet") != std::string::npos);
  CHECK(render_html(report).find("no shadow data yet") != std::string::npos);
  CHECK(boost::json::parse(render_json(report)).at("shadow").at("verdicts").as_array().empty());

  input.records = test::fixture_records();
  input.judging.pending = 1;
  const std::string waiting = render_text(build_report(input));
  CHECK(waiting.find("shadow copies: 1 (USD 0.0048); pairs judged 0, waiting 1, invalid 0, failed 0, awaiting human "
                     "review 0; judge calls 0 (USD 0.0000)\n\nno verdict yet (pairs waiting for judges: 1)\n") !=
        std::string::npos);
}

TEST_CASE("the JSON report matches docs/report-schema.json and carries the same numbers") {
  const Fixture f;
  test::TempDir dir;
  const std::string json = render_json(f.report);
  write_file(dir / "report.json", json);
  const boost::json::value document = boost::json::parse(json);
  CHECK(document.at("schema_version").as_int64() == 1);
  CHECK(document.at("total").at("requests").to_number<std::uint64_t>() == 8);
  CHECK(document.at("tasks").at(1).at("ttft_ms").at("p95").as_double() == 800);
  CHECK(document.at("economics").at("monthly_box_cost").as_double() == doctest::Approx(107.6));
  CHECK(document.at("economics").at("break_even_months").is_null());
  const boost::json::value& debugging = document.at("shadow").at("verdicts").at(0);
  CHECK(debugging.at("task") == "debugging");
  CHECK(debugging.at("latency_difference_ms").as_double() == 850);
  CHECK(debugging.at("cost_difference").as_double() == doctest::Approx(-0.0123));
  CHECK(debugging.at("same_family_judged").to_number<std::uint64_t>() == 12);
  CHECK(document.at("shadow").at("verdicts").at(1).at("latency_difference_ms").is_null());

  const test::SchemaCheck schema = test::check_report_schema(dir / "report.json");
  REQUIRE(schema.exit_code.has_value());
  CHECK_MESSAGE(*schema.exit_code == 0, schema.errors);

  // The schema rejects what it should: a negative count.
  boost::json::value broken = document;
  broken.at("total").as_object()["requests"] = -1;
  write_file(dir / "report.json", boost::json::serialize(broken));
  CHECK(test::check_report_schema(dir / "report.json").exit_code == 1);
}

TEST_CASE("the HTML report opens in headless Chromium without a console message and draws every chart") {
  const Fixture f;
  test::TempDir dir;
  const std::string html = render_html(f.report);
  CHECK(html.find("http://") == std::string::npos);  // nothing to fetch: works offline
  CHECK(html.find("https://") == std::string::npos);
  write_file(dir / "report.html", html);
  const std::string url = "file://" + (dir / "report.html").string();

  const test::ChromiumRun dom = test::run_chromium({"--dump-dom"}, url);
  REQUIRE_MESSAGE(dom.exit_code == 0, dom.log);
  CHECK_MESSAGE(dom.console.empty(), dom.console.front());
  const std::map<std::string, int> marks = test::count_marks(dom.output);
  CHECK(marks.at("tokens-per-second") == 2);  // one bar per model
  CHECK(marks.at("ttft") == 2);
  CHECK(marks.at("quality-vs-speed") == 2);   // one point per judged model
  CHECK(marks.at("quality-heatmap") == 3);    // debugging × 2 models, architecture × sonnet
  CHECK(marks.at("local-cloud-split") == 4);  // commit-message local, debugging local + cloud, architecture cloud
  CHECK(marks.at("cost-over-time") == 48);    // 24 hourly points, actual and all-cloud
  CHECK(marks.size() == 6);

  const test::ChromiumRun shot =
      test::run_chromium({"--window-size=1280,1600", "--screenshot=" + (dir / "report.png").string()}, url);
  REQUIRE_MESSAGE(shot.exit_code == 0, shot.log);
  const test::PngSummary png = test::summarise_png(dir / "report.png");
  CHECK(png.width == 1280);
  CHECK(png.height == 1600);
  CHECK(png.non_background > 0.05);
  CHECK(png.colours > 50);
}

TEST_CASE("the Chromium check does see console errors (so an empty list means something)") {
  test::TempDir dir;
  write_file(dir / "broken.html", "<!DOCTYPE html><html><body><script>console.error('boom'); no_such_function();"
                                  "</script></body></html>");
  const test::ChromiumRun run = test::run_chromium({"--dump-dom"}, "file://" + (dir / "broken.html").string());
  REQUIRE(run.console.size() == 2);
  CHECK(run.console[0].find("boom") != std::string::npos);
  CHECK(run.console[1].find("no_such_function is not defined") != std::string::npos);
}
