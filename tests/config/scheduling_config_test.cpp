// Per-backend max_concurrency and the scheduling section: defaults, values, and strict errors with positions.
#include <doctest/doctest.h>

#include "config_error.hpp"

#include <string>

#include "config/config_loader.hpp"

using namespace llmroute::config;

namespace {

std::string backend(const std::string& extra) {
  return "backends:\n  - name: box\n    url: http://127.0.0.1:11434/v1\n    models: [m1]\n" + extra;
}

std::string error_of(const std::string& yaml) { return llmroute::test::config_error(yaml, "sched.yaml"); }

}  // namespace

TEST_CASE("backends are unlimited and a slot is waited for 30 s with a 503 by default") {
  const auto c = load_config_text(backend(""), "sched.yaml");
  CHECK(c->backends[0].max_concurrency == 0);
  CHECK(c->scheduling.max_queue_wait == std::chrono::seconds(30));
  CHECK(c->scheduling.queue_timeout_status == 503);
}

TEST_CASE("max_concurrency, max_queue_wait and a 429 status are read") {
  const auto c = load_config_text(
      backend("    max_concurrency: 2\nscheduling:\n  max_queue_wait: 1500ms\n  queue_timeout_status: 429\n"), "sched.yaml");
  CHECK(c->backends[0].max_concurrency == 2);
  CHECK(c->scheduling.max_queue_wait == std::chrono::milliseconds(1500));
  CHECK(c->scheduling.queue_timeout_status == 429);
}

TEST_CASE("a negative or non-numeric max_concurrency is rejected with its position") {
  CHECK(error_of(backend("    max_concurrency: -1\n")).find("sched.yaml:5:22: backends[0].max_concurrency:") == 0);
  CHECK(error_of(backend("    max_concurrency: two\n")).find("backends[0].max_concurrency:") != std::string::npos);
}

TEST_CASE("the scheduling section rejects unknown keys, a zero wait and statuses other than 503 and 429") {
  CHECK(error_of(backend("scheduling:\n  max_wait: 1s\n")).find("sched.yaml:6:3: scheduling.max_wait: unknown key") == 0);
  CHECK(error_of(backend("scheduling:\n  max_queue_wait: 0s\n")).find("scheduling.max_queue_wait: must be more than 0") !=
        std::string::npos);
  CHECK(error_of(backend("scheduling:\n  queue_timeout_status: 500\n")) ==
        "sched.yaml:6:25: scheduling.queue_timeout_status: must be 503 or 429");
}
