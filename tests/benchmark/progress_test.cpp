// The progress line: counts, percentage and an ETA from the pace so far.
#include <doctest/doctest.h>

#include "benchmark/bench_summary.hpp"
#include "benchmark/progress.hpp"

#include <cstdio>
#include <string>

using namespace llmroute::benchmark;
using namespace std::chrono_literals;

namespace {

std::string written(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string text;
  for (int c; (c = std::fgetc(f)) != EOF;) text += static_cast<char>(c);
  return text;
}

}  // namespace

TEST_CASE("durations read like people write them") {
  CHECK(format_duration(45s) == "45s");
  CHECK(format_duration(185s) == "3m05s");
  CHECK(format_duration(3720s) == "1h02m");
  CHECK(format_duration(-3s) == "0s");
}

TEST_CASE("the ETA is the time per finished pair so far times the pairs left") {
  std::FILE* f = std::tmpfile();
  const auto start = Progress::Clock::time_point{};
  Progress progress(f, Progress::Style::lines, 4, start);
  CHECK(progress.counts(start + 1s) == "0/4 0%");
  progress.finished("a × m", "done in 10.0 s", start + 10s);
  CHECK(progress.counts(start + 10s) == "1/4 25% · ETA 30s");
  CHECK(progress.status(start + 10s) == "[######..................] 1/4 25% · ETA 30s");
  CHECK(written(f) == "bench: 1/4 25% · ETA 30s · a × m: done in 10.0 s\n");
  std::fclose(f);
}

TEST_CASE("on a terminal the bar is redrawn in place and finished pairs stay above it") {
  std::FILE* f = std::tmpfile();
  const auto start = Progress::Clock::time_point{};
  Progress progress(f, Progress::Style::bar, 2, start);
  progress.finished("a × m", "failed (timeout)", start + 5s);
  progress.close();
  const std::string text = written(f);
  CHECK(text == "\r\033[Ka × m: failed (timeout)\n\r\033[K[############............] 1/2 50% · ETA 5s\n");
  std::fclose(f);
}

TEST_CASE("the summary averages each model's answered pairs and leaves failures out") {
  BenchResult a;
  a.model = "m";
  a.route = "local";
  a.state = PairState::done;
  a.ttft_ms = 1000;
  a.total_ms = 4000;
  a.tokens_per_second = 50;
  a.usage.output = 150;
  a.usage.reasoning = 30;
  a.cost = 0.5;
  a.truncated = true;
  a.quality = 1.5;
  a.checks_passed = 5;
  a.checks_total = 7;
  BenchResult b = a;
  b.ttft_ms = 3000;
  b.truncated = false;
  b.quality.reset();
  b.checks_passed.reset();
  b.checks_total.reset();
  BenchResult failed;
  failed.model = "m";
  failed.state = PairState::failed;
  failed.total_ms = 99999;
  const auto summaries = summarize({a, b, failed}, {"m", "unused"});
  REQUIRE(summaries.size() == 2);
  const ModelSummary& s = summaries[0];
  CHECK(s.pairs == 3);
  CHECK(s.done == 2);
  CHECK(s.failed == 1);
  CHECK(s.truncated == 1);
  CHECK(s.mean_ttft_ms == 2000);
  CHECK(s.mean_total_ms == 4000);
  CHECK(s.output_tokens == 300);
  CHECK(s.reasoning_tokens == 60);
  CHECK(s.cost == 1.0);
  CHECK(s.judged == 1);
  CHECK(s.mean_quality == 1.5);
  CHECK(s.checks_passed == 5);
  CHECK(s.checks_total == 7);
  CHECK(summaries[1].pairs == 0);
  const std::string table = render_summary(summaries, "SEK");
  CHECK(table.find("cost SEK") != std::string::npos);
  CHECK(table.find("5/7") != std::string::npos);
}
