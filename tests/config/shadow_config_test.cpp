// The shadow section: rates per task kind, background kinds off by default, targets, caps, and its errors.
#include <doctest/doctest.h>

#include <string>

#include "config/config_loader.hpp"

using namespace llmroute::config;

namespace {

const char* kBackends = R"(backends:
  - name: box
    url: http://127.0.0.1:11434/v1
    models: [big, small]
  - name: claude
    kind: anthropic
    location: cloud
    url: https://api.anthropic.com/v1
    models: [sonnet]
)";

// After the shadow section, so that error positions in it stay put.
const char* kJudging = "judging: { judges: [box/big, claude/sonnet] }\n";

ConfigPtr load(const std::string& shadow) {
  return load_config_text(std::string(kBackends) + shadow + kJudging, "shadow.yaml");
}

std::string error_of(const std::string& shadow) {
  try {
    load(shadow);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("without a shadow section nothing is shadowed") {
  const ConfigPtr c = load("");
  CHECK_FALSE(c->shadow.enabled());
  CHECK(c->shadow.task("debugging") == nullptr);
}

TEST_CASE("the default rate applies to every task kind except the background kinds") {
  const ConfigPtr c = load("shadow: { rate: 0.1, monthly_budget: 5 }\n");
  CHECK(c->shadow.enabled());
  CHECK(c->shadow.task("debugging")->rate == 0.1);
  CHECK(c->shadow.task("commit-message")->rate == 0.1);
  CHECK(c->shadow.task("background")->rate == 0);
  CHECK(c->shadow.task("autocomplete")->rate == 0);
  CHECK_FALSE(c->shadow.task("debugging")->target);
  CHECK(c->shadow.task("no-such-kind") == nullptr);
  CHECK(c->shadow.monthly_budget == 5);
  CHECK(c->shadow.max_in_flight == 2);
  CHECK(c->shadow.local_only_when_idle);
  CHECK_FALSE(c->shadow.seed);
}

TEST_CASE("the task table sets a kind's rate and target, and can turn a background kind on") {
  const ConfigPtr c = load(R"(shadow:
  rate: 0.05
  tasks:
    debugging: { rate: 0.5, target: claude/sonnet }
    commit-message: 0
    background: 0.01
  monthly_budget: 12.5
  max_in_flight: 4
  local_only_when_idle: false
  max_answer_bytes: 16KiB
  timeout: 90s
  seed: 42
)");
  const ShadowConfig& s = c->shadow;
  CHECK(s.task("debugging")->rate == 0.5);
  REQUIRE(s.task("debugging")->target);
  CHECK(c->ref_name(*s.task("debugging")->target) == "claude/sonnet");
  CHECK(s.task("commit-message")->rate == 0);
  CHECK(s.task("background")->rate == 0.01);
  CHECK(s.task("architecture")->rate == 0.05);
  CHECK(s.monthly_budget == 12.5);
  CHECK(s.max_in_flight == 4);
  CHECK_FALSE(s.local_only_when_idle);
  CHECK(s.max_answer_bytes == 16 * 1024);
  CHECK(s.timeout == std::chrono::seconds(90));
  CHECK(s.seed == 42u);
}

TEST_CASE("a rate of 0 everywhere needs no budget") {
  CHECK_FALSE(load("shadow: { rate: 0 }\n")->shadow.enabled());
}

TEST_CASE("shadowing needs judges: without a judging section a rate is an error") {
  try {
    load_config_text(std::string(kBackends) + "shadow: { rate: 0.1, monthly_budget: 1 }\n", "shadow.yaml");
    FAIL("loaded without judges");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()) == "shadow.yaml:10:9: shadow: shadow copies are judged: a judging section with two judge "
                                   "models is needed when a task kind has a rate");
  }
  CHECK_FALSE(load_config_text(std::string(kBackends) + "shadow: { rate: 0 }\n", "shadow.yaml")->shadow.enabled());
}

TEST_CASE("shadow config errors name the key and its position") {
  CHECK(error_of("shadow: { rate: 0.1 }\n") ==
        "shadow.yaml:10:9: shadow: monthly_budget is required when a task kind has a rate (in USD)");
  CHECK(error_of("shadow: { rate: 1.5, monthly_budget: 1 }\n") ==
        "shadow.yaml:10:17: shadow.rate: a rate is a share of requests, from 0 to 1");
  CHECK(error_of("shadow: { rate: 0.1, monthly_budget: 1, sample: 2 }\n").find(
            "shadow.yaml:10:41: shadow.sample: unknown key") == 0);
  CHECK(error_of("shadow:\n  monthly_budget: 1\n  tasks: { debuging: 0.1 }\n").find(
            "shadow.yaml:12:12: shadow.tasks.debuging: unknown task kind 'debuging' (task kinds: commit-message") == 0);
  CHECK(error_of("shadow:\n  monthly_budget: 1\n  tasks: { debugging: { rate: 0.1, target: box/huge } }\n") ==
        "shadow.yaml:12:44: shadow.tasks.debugging.target: backend 'box' has no model 'huge'");
  CHECK(error_of("shadow:\n  monthly_budget: 1\n  tasks: { debugging: { target: claude/sonnet } }\n") ==
        "shadow.yaml:12:23: shadow.tasks.debugging: missing required key 'rate'");
  CHECK(error_of("shadow: { rate: 0.1, monthly_budget: 1, max_in_flight: 0 }\n").find("shadow.max_in_flight") !=
        std::string::npos);
  CHECK(error_of("shadow: { rate: 0.1, monthly_budget: -1 }\n").find("shadow.monthly_budget") != std::string::npos);
}
