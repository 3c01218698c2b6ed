// The Prometheus registry: values add up, labels are escaped, and promtool accepts the exposition.
#include <doctest/doctest.h>

#include "records/memory_record_sink.hpp"
#include "records/metrics.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace llmroute;
using namespace llmroute::records;

namespace {

RequestRecord record(const std::string& task, config::Location route, const std::string& backend,
                     const std::string& model, int status) {
  RequestRecord r;
  r.task = task;
  r.route = route;
  r.backend = backend;
  r.model_served = model;
  r.http_status = status;
  r.total_ms = 2500;
  r.ttft_ms = 300;
  r.queue_wait_ms = 20;
  r.proxy_time_us = 120;
  r.usage = Usage{.input = 1000, .output = 200, .reasoning = 50, .cache_read = 400, .cache_write = 0};
  r.cost = 0.25;
  r.cloud_equivalent_cost = 1.5;
  return r;
}

bool contains_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

struct CommandResult {
  int exit_code;
  std::string output;
};

/// Runs `promtool check metrics` with `exposition` on its standard input.
CommandResult promtool_check(const std::string& exposition) {
  const auto base = std::filesystem::temp_directory_path() / ("llmroute-metrics-" + std::to_string(::getpid()));
  const std::string input = base.string() + ".prom", output = base.string() + ".out";
  std::ofstream(input) << exposition;
  const int status = std::system(("promtool check metrics < '" + input + "' > '" + output + "' 2>&1").c_str());
  std::stringstream text;
  text << std::ifstream(output).rdbuf();
  std::filesystem::remove(input);
  std::filesystem::remove(output);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text.str()};
}

}  // namespace

TEST_CASE("counters and histogram buckets add up across observations") {
  Metrics metrics("SEK", nullptr);
  RequestRecord fast = record("commit_message", config::Location::local, "ollama", "qwen3-coder", 200);
  RequestRecord slow = fast;
  slow.ttft_ms = 4000;
  metrics.observe(fast);
  metrics.observe(slow);
  const std::string text = metrics.render();
  const std::string labels = R"(task="commit_message",route="local",backend="ollama",model="qwen3-coder",traffic="primary")";

  CHECK(contains_line(text, "llmroute_requests_total{" + labels + R"(,status="200"} 2)"));
  // TTFTs of 0.3 s and 4 s: none up to 0.25, one up to 0.5, both up to 5.
  CHECK(contains_line(text, "llmroute_ttft_seconds_bucket{" + labels + R"(,le="0.25"} 0)"));
  CHECK(contains_line(text, "llmroute_ttft_seconds_bucket{" + labels + R"(,le="0.5"} 1)"));
  CHECK(contains_line(text, "llmroute_ttft_seconds_bucket{" + labels + R"(,le="5"} 2)"));
  CHECK(contains_line(text, "llmroute_ttft_seconds_bucket{" + labels + R"(,le="+Inf"} 2)"));
  CHECK(contains_line(text, "llmroute_ttft_seconds_sum{" + labels + "} 4.3"));
  CHECK(contains_line(text, "llmroute_ttft_seconds_count{" + labels + "} 2"));
  // 120 µs of proxy time each: the 0.00025 s bucket.
  CHECK(contains_line(text, "llmroute_proxy_overhead_seconds_bucket{" + labels + R"(,le="0.0001"} 0)"));
  CHECK(contains_line(text, "llmroute_proxy_overhead_seconds_bucket{" + labels + R"(,le="0.00025"} 2)"));
  CHECK(contains_line(text, R"(llmroute_tokens_total{direction="input",)" + labels + "} 2000"));
  CHECK(contains_line(text, R"(llmroute_tokens_total{direction="cache_read",)" + labels + "} 800"));
  CHECK(contains_line(text, R"(llmroute_cost_total{currency="SEK",)" + labels + "} 0.5"));
  CHECK(contains_line(text, R"(llmroute_cloud_equivalent_cost_total{currency="SEK",)" + labels + "} 3"));
  CHECK(contains_line(text, R"(llmroute_records_dropped_total{reason="queue_full"} 0)"));
}

TEST_CASE("shadow copies, unrouted failures and unknown TTFTs get their own series") {
  Metrics metrics("USD", nullptr);
  RequestRecord shadow = record("docs", config::Location::cloud, "openrouter", "qwen3-32b", 200);
  shadow.shadow = true;
  RequestRecord unrouted;
  unrouted.http_status = 401;
  unrouted.failure_kind = "unauthenticated";
  metrics.observe(shadow);
  metrics.observe(unrouted);
  const std::string text = metrics.render();
  CHECK(contains_line(
      text, R"(llmroute_requests_total{task="docs",route="cloud",backend="openrouter",model="qwen3-32b",traffic="shadow",status="200"} 1)"));
  CHECK(contains_line(
      text, R"(llmroute_requests_total{task="unclassified",route="none",backend="none",model="none",traffic="primary",status="401"} 1)"));
  // Nothing arrived for the unrouted request: it has a duration but no TTFT observation.
  CHECK(text.find(R"(llmroute_ttft_seconds_count{task="unclassified")") == std::string::npos);
  CHECK(text.find(R"(llmroute_request_duration_seconds_count{task="unclassified")") != std::string::npos);
}

TEST_CASE("a refused request's requested model is not a label: clients choose it, so every distinct one would be new series") {
  Metrics metrics("USD", nullptr);
  for (int i = 0; i < 3; ++i) {
    RequestRecord refused;
    refused.task = "debugging";
    refused.http_status = 400;
    refused.model_requested = "made-up-model-" + std::to_string(i) + std::string(1000, 'x');
    metrics.observe(refused);
  }
  const std::string text = metrics.render();
  CHECK(text.find("made-up-model") == std::string::npos);
  CHECK(contains_line(
      text, R"(llmroute_requests_total{task="debugging",route="none",backend="none",model="none",traffic="primary",status="400"} 3)"));
}

TEST_CASE("later requests with the same labels count into the same series, a new status or first TTFT adds its own") {
  Metrics metrics("EUR", nullptr);
  RequestRecord first = record("refactor", config::Location::local, "ollama", "qwen3-coder", 200);
  first.ttft_ms.reset();
  first.cloud_equivalent_cost.reset();
  metrics.observe(first);
  const std::string labels = R"(task="refactor",route="local",backend="ollama",model="qwen3-coder",traffic="primary")";
  std::string text = metrics.render();
  CHECK(text.find("llmroute_ttft_seconds_count{" + labels) == std::string::npos);
  CHECK(text.find("llmroute_cloud_equivalent_cost_total{") == std::string::npos);

  RequestRecord failed = record("refactor", config::Location::local, "ollama", "qwen3-coder", 502);
  metrics.observe(failed);
  metrics.observe(first);
  text = metrics.render();
  CHECK(contains_line(text, "llmroute_requests_total{" + labels + R"(,status="200"} 2)"));
  CHECK(contains_line(text, "llmroute_requests_total{" + labels + R"(,status="502"} 1)"));
  CHECK(contains_line(text, "llmroute_ttft_seconds_count{" + labels + "} 1"));
  CHECK(contains_line(text, "llmroute_request_duration_seconds_count{" + labels + "} 3"));
  CHECK(contains_line(text, R"(llmroute_tokens_total{direction="output",)" + labels + "} 600"));
  CHECK(contains_line(text, R"(llmroute_cost_total{currency="EUR",)" + labels + "} 0.75"));
  CHECK(contains_line(text, R"(llmroute_cloud_equivalent_cost_total{currency="EUR",)" + labels + "} 1.5"));
  // Series come out ordered by label values whatever order they were first counted in.
  metrics.observe(record("docs", config::Location::local, "ollama", "qwen3-coder", 200));
  text = metrics.render();
  CHECK(text.find(R"(llmroute_requests_total{task="docs")") < text.find(R"(llmroute_requests_total{task="refactor")"));
}

TEST_CASE("label values are escaped and the in-flight gauge moves both ways") {
  Metrics metrics("USD", nullptr);
  metrics.observe(record("odd \"task\"\\with\nnewline", config::Location::local, "ollama", "m", 200));
  metrics.in_flight_add("ollama", 1);
  metrics.in_flight_add("ollama", 1);
  metrics.in_flight_add("ollama", -1);
  const std::string text = metrics.render();
  CHECK(text.find(R"(task="odd \"task\"\\with\nnewline")") != std::string::npos);
  CHECK(contains_line(text, R"(llmroute_requests_in_flight{backend="ollama"} 1)"));
}

TEST_CASE("the slot gauges show each limited backend's slots in use and queued requests as last set") {
  Metrics metrics("USD", nullptr);
  metrics.slots_set("ollama", 1, 19);
  metrics.slots_set("ollama", 1, 18);
  metrics.slots_set("vllm", 0, 0);
  const std::string text = metrics.render();
  CHECK(contains_line(text, R"(llmroute_backend_slots_in_use{backend="ollama"} 1)"));
  CHECK(contains_line(text, R"(llmroute_backend_queued_requests{backend="ollama"} 18)"));
  CHECK(contains_line(text, R"(llmroute_backend_slots_in_use{backend="vllm"} 0)"));
  CHECK(contains_line(text, R"(llmroute_backend_queued_requests{backend="vllm"} 0)"));
}

TEST_CASE("the dropped-records counter reads the record sink") {
  MemoryRecordSink sink(1);
  sink.submit(RequestRecord{});
  sink.submit(RequestRecord{});
  sink.submit(RequestRecord{});
  const Metrics metrics("USD", &sink);
  const std::string text = metrics.render();
  CHECK(contains_line(text, R"(llmroute_records_dropped_total{reason="queue_full"} 2)"));
  CHECK(contains_line(text, R"(llmroute_records_dropped_total{reason="write_error"} 0)"));
}

TEST_CASE("promtool accepts a rendered registry with several label sets") {
  MemoryRecordSink sink(0);
  sink.submit(RequestRecord{});
  Metrics metrics("SEK", &sink);
  metrics.observe(record("commit_message", config::Location::local, "ollama", "qwen3-coder", 200));
  metrics.observe(record("commit_message", config::Location::local, "ollama", "glm-4.7-flash", 200));
  metrics.observe(record("architecture", config::Location::cloud, "anthropic", "opus", 529));
  RequestRecord shadow = record("architecture", config::Location::local, "ollama", "qwen3-coder", 200);
  shadow.shadow = true;
  shadow.ttft_ms.reset();
  metrics.observe(shadow);
  metrics.observe(record("weird \"label\"\\value\n", config::Location::cloud, "openrouter", "qwen/qwen3-32b", 429));
  RequestRecord unrouted;
  unrouted.http_status = 413;
  metrics.observe(unrouted);
  metrics.in_flight_add("ollama", 2);
  metrics.in_flight_add("anthropic", 1);
  metrics.in_flight_add("anthropic", -1);
  metrics.slots_set("ollama", 2, 3);

  const CommandResult result = promtool_check(metrics.render());
  INFO("promtool output:\n" << result.output);
  // 127: the shell found no promtool; scripts/install-deps installs it (Debian package `prometheus`).
  REQUIRE_MESSAGE(result.exit_code != 127, "promtool is not installed");
  CHECK(result.exit_code == 0);
  CHECK(result.output.empty());
}

TEST_CASE("quota refusals are counted per user and quota") {
  Metrics metrics("USD", nullptr);
  metrics.quota_refused("bob", "requests_per_minute");
  metrics.quota_refused("bob", "requests_per_minute");
  metrics.quota_refused("ann", "cloud_spend_per_month");
  const std::string text = metrics.render();
  CHECK(contains_line(text, R"(llmroute_quota_refusals_total{user="bob",quota="requests_per_minute"} 2)"));
  CHECK(contains_line(text, R"(llmroute_quota_refusals_total{user="ann",quota="cloud_spend_per_month"} 1)"));
}
