// The `cost:` and `records:` sections: defaults, the seed's figures, and located errors for mistakes.
#include <doctest/doctest.h>

#include "config_error.hpp"

#include "config/config_loader.hpp"

using namespace llmroute::config;

namespace {

std::string error_of(const std::string& yaml) { return llmroute::test::config_error(yaml, "test.yaml"); }

const std::string kBackends = R"(backends:
  - name: box
    url: http://127.0.0.1:11434/v1
    models: [qwen3-coder]
  - name: cloud
    location: cloud
    url: https://api.example.com/v1
    models:
      - name: sonnet
        price: { input: 3, output: 15 }
      - name: unpriced
)";

}  // namespace

TEST_CASE("without cost and records sections the defaults apply") {
  const auto c = load_config_text(kBackends, "test.yaml");
  CHECK(c->cost.hardware_price == 0);
  CHECK(c->cost.amortisation_months == 36);
  CHECK(c->cost.busy_hours_per_day == 8);
  CHECK_FALSE(c->cost.baseline.has_value());
  CHECK(c->records.enabled);
  CHECK(c->records.path == "llmroute.db");
  CHECK(c->records.retention == std::chrono::hours(90 * 24));
  CHECK(c->records.queue_capacity == 10'000);
}

TEST_CASE("the seed's co-op box and a cloud baseline load into the cost section") {
  const auto c = load_config_text(kBackends + R"(cost:
  hardware_price: 40000
  amortisation_months: 36
  power_watts: 120
  electricity_price_per_kwh: 2
  busy_hours_per_day: 8
  baseline: cloud/sonnet
)",
                                  "test.yaml");
  CHECK(c->cost.hardware_price == 40000);
  CHECK(c->cost.power_watts == 120);
  CHECK(c->cost.electricity_price_per_kwh == 2);
  REQUIRE(c->cost.baseline.has_value());
  CHECK(c->model(*c->cost.baseline).name == "sonnet");
}

TEST_CASE("the records section takes a path, a retention in days, a queue capacity and an on/off switch") {
  const auto c = load_config_text(kBackends + R"(records:
  enabled: false
  path: /var/lib/llmroute/records.db
  retention: 30d
  queue_capacity: 500
)",
                                  "test.yaml");
  CHECK_FALSE(c->records.enabled);
  CHECK(c->records.path == "/var/lib/llmroute/records.db");
  CHECK(c->records.retention == std::chrono::hours(30 * 24));
  CHECK(c->records.queue_capacity == 500);
  CHECK(load_config_text(kBackends + "records:\n  retention: 0\n", "test.yaml")->records.retention.count() == 0);
}

TEST_CASE("a baseline must name a priced model") {
  CHECK(error_of(kBackends + "cost:\n  baseline: cloud/unpriced\n") ==
        "test.yaml:13:13: cost.baseline: the baseline model has no price");
  CHECK(error_of(kBackends + "cost:\n  baseline: cloud/nope\n") ==
        "test.yaml:13:13: cost.baseline: backend 'cloud' has no model 'nope'");
}

TEST_CASE("impossible cost and records values are located errors") {
  CHECK(error_of(kBackends + "cost:\n  busy_hours_per_day: 25\n") ==
        "test.yaml:13:23: cost.busy_hours_per_day: must be more than 0 and at most 24");
  CHECK(error_of(kBackends + "cost:\n  amortisation_months: 0\n") ==
        "test.yaml:13:24: cost.amortisation_months: must be more than 0");
  CHECK(error_of(kBackends + "cost:\n  power_watts: -5\n").find("cost.power_watts: must be at least 0") !=
        std::string::npos);
  CHECK(error_of(kBackends + "records:\n  queue_capacity: 0\n") ==
        "test.yaml:13:19: records.queue_capacity: must be between 1 and 10000000, found 0");
  CHECK(error_of(kBackends + "records:\n  retention: forever\n").find("records.retention: expected a duration") !=
        std::string::npos);
  CHECK(error_of(kBackends + "records:\n  path: \"\"\n") == "test.yaml:13:9: records.path: must not be empty");
}

TEST_CASE("unknown keys in the cost and records sections are errors") {
  CHECK(error_of(kBackends + "cost:\n  hardware_cost: 1\n").find("test.yaml:13:3: cost.hardware_cost: unknown key") == 0);
  CHECK(error_of(kBackends + "records:\n  retain: 90d\n").find("test.yaml:13:3: records.retain: unknown key") == 0);
}

TEST_CASE("the example config documents the cost and records keys") {
  const auto c = load_config_file(LLMROUTE_SOURCE_DIR "/config/example.yaml");
  CHECK(c->cost.hardware_price == 3700);
  CHECK(c->cost.power_watts == 120);
  REQUIRE(c->cost.baseline.has_value());
  CHECK(c->model(*c->cost.baseline).name == "qwen3-32b-cloud");
  CHECK(c->records.path == "llmroute.db");
  CHECK(c->records.retention == std::chrono::hours(90 * 24));
  CHECK(c->records.queue_capacity == 10'000);
}
