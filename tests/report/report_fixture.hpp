// The report tests' fixture: a two-backend config and eight client requests plus one shadow copy over
// 2026-11-01 (UTC), whose every report number was computed by hand (see the expectations in the tests).
#pragma once

#include "config/config_loader.hpp"
#include "records/request_record.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace llmroute::test {

inline constexpr std::int64_t kDayStart = 1793491200000;  // 2026-11-01T00:00:00Z
inline constexpr std::int64_t kHour = 3'600'000;
inline constexpr std::int64_t kMinute = 60'000;

/// Local box 3,600 over 36 months (100 a month) at 125 W, 8 h a day, 0.25 a kWh (7.60 a month);
/// cloud-equivalent costs at sonnet's 3 / 15 per million tokens.
inline std::string fixture_config_yaml(const std::string& db_path) {
  return R"(currency: USD
backends:
  - name: ollama
    kind: openai
    location: local
    url: http://127.0.0.1:11434/v1
    models: [qwen3-coder]
  - name: anthropic
    kind: anthropic
    location: cloud
    url: https://api.anthropic.com/v1
    api_key_env: ANTHROPIC_API_KEY
    models:
      - name: sonnet
        price: { input: 3, output: 15 }
routing:
  default: ollama/qwen3-coder
cost:
  hardware_price: 3600
  amortisation_months: 36
  power_watts: 125
  electricity_price_per_kwh: 0.25
  busy_hours_per_day: 8
  baseline: anthropic/sonnet
records:
  retention: 0
  path: )" + db_path + "\n";
}

struct FixtureRequest {
  const char* id;
  std::int64_t start;
  const char* user;
  const char* task;
  const char* where;  // "local", "cloud" or "" (failed before routing)
  std::uint64_t input;
  std::uint64_t output;
  double ttft;  // < 0: no token arrived
  double total;
  double tokens_per_second;  // < 0: not measured
  double cost;
  double cloud_equivalent;
};

inline records::RequestRecord fixture_record(const FixtureRequest& f) {
  records::RequestRecord r;
  r.id = f.id;
  r.start_unix_ms = f.start;
  r.user = f.user;
  r.client_tool = "aider";
  r.task = f.task;
  const std::string where = f.where;
  if (where == "local") {
    r.route = config::Location::local;
    r.backend = "ollama";
    r.model_served = "qwen3-coder";
  } else if (where == "cloud") {
    r.route = config::Location::cloud;
    r.backend = "anthropic";
    r.model_served = "sonnet";
  }
  r.http_status = 200;
  r.finish_reason = "stop";
  r.usage.input = f.input;
  r.usage.output = f.output;
  if (f.ttft >= 0) r.ttft_ms = f.ttft;
  r.total_ms = f.total;
  if (f.tokens_per_second >= 0) r.tokens_per_second = f.tokens_per_second;
  r.cost = f.cost;
  r.cloud_equivalent_cost = f.cloud_equivalent;
  return r;
}

/// r1..r8 are client requests, s1 a shadow copy of r1 sent to the cloud.
inline std::vector<records::RequestRecord> fixture_records() {
  const std::int64_t d = kDayStart;
  std::vector<records::RequestRecord> out = {
      fixture_record({"r1", d + 1 * kHour, "alice", "debugging", "local", 1000, 100, 200, 2000, 50, 0.001, 0.0045}),
      fixture_record({"r2", d + 1 * kHour + 30 * kMinute, "alice", "debugging", "local", 2000, 200, 400, 4000, 40,
                      0.002, 0.009}),
      fixture_record({"r3", d + 2 * kHour, "alice", "debugging", "cloud", 1000, 300, 800, 6000, 100, 0.0075, 0.0075}),
      fixture_record({"r4", d + 3 * kHour, "alice", "debugging", "local", 500, 0, -1, 50, -1, 0, 0.0015}),
      fixture_record({"r5", d + 5 * kHour, "bob", "architecture", "cloud", 4000, 1000, 1000, 10000, 110, 0.027, 0.027}),
      fixture_record({"r6", d + 5 * kHour + 10 * kMinute, "bob", "architecture", "cloud", 2000, 500, 600, 5000, 90,
                      0.0135, 0.0135}),
      fixture_record({"r7", d + 10 * kHour, "alice", "commit-message", "local", 300, 20, 100, 500, 60, 0.0005, 0.0012}),
      fixture_record({"r8", d + 23 * kHour + 59 * kMinute, "bob", "unclassified", "", 0, 0, -1, 5, -1, 0, 0}),
      fixture_record({"s1", d + 1 * kHour + 5000, "alice", "debugging", "cloud", 1000, 120, 700, 3000, 95, 0.0048,
                      0.0048}),
  };
  out[1].truncated = true;  // r2 hit max_tokens
  out[1].finish_reason = "length";
  out[2].fallback_attempts = 1;  // r3 fell back from the local box
  out[3].http_status = 502;      // r4: the local box refused
  out[3].failure_kind = "upstream_refused";
  out[3].finish_reason = "";
  out[7].http_status = 400;  // r8: malformed request
  out[7].failure_kind = "bad_request";
  out[7].finish_reason = "";
  out[8].shadow = true;
  out[8].primary_id = "r1";
  return out;
}

}  // namespace llmroute::test
