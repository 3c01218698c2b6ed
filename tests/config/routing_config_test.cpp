// The routing section: route table per task kind, thresholds, pins and health, and its errors with positions.
#include <doctest/doctest.h>

#include "config_error.hpp"

#include <string>
#include <vector>

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

std::string error_of(const std::string& routing) { return llmroute::test::config_error(std::string(kBackends) + routing, "routing.yaml"); }

std::vector<std::string> names(const Config& c, const std::vector<ModelRef>& refs) {
  std::vector<std::string> out;
  for (ModelRef r : refs) out.push_back(c.ref_name(r));
  return out;
}

}  // namespace

TEST_CASE("the route table maps task kinds to ordered candidates") {
  auto c = load_config_text(std::string(kBackends) + R"(routing:
  default: box/big
  tasks:
    debugging: [box/big, claude/sonnet]
    architecture: [claude/sonnet, big]
    autocomplete: box/small
  long_context_tokens: 40000
  output_reserve_tokens: 2048
  pin_ttl: 30m
  max_pins: 500
  health: { failures: 5, cooldown: 10s, max_cooldown: 1m }
)",
                            "routing.yaml");
  CHECK(names(*c, *c->routing.candidates("debugging")) == std::vector<std::string>{"box/big", "claude/sonnet"});
  CHECK(names(*c, *c->routing.candidates("architecture")) == std::vector<std::string>{"claude/sonnet", "box/big"});
  CHECK(names(*c, *c->routing.candidates("autocomplete")) == std::vector<std::string>{"box/small"});
  CHECK(c->routing.candidates("refactoring")->empty());
  CHECK(c->routing.candidates("Debugging") == nullptr);
  CHECK(c->routing.long_context_tokens == 40000u);
  CHECK(c->routing.output_reserve_tokens == 2048);
  CHECK(c->routing.pin_ttl.count() == 30 * 60 * 1000);
  CHECK(c->routing.max_pins == 500);
  CHECK(c->routing.health.failures == 5);
  CHECK(c->routing.health.cooldown.count() == 10'000);
  CHECK(c->routing.health.max_cooldown.count() == 60'000);
}

TEST_CASE("routing keys have defaults when only the default model is given") {
  auto c = load_config_text(std::string(kBackends) + "routing:\n  default: claude/sonnet\n", "routing.yaml");
  CHECK(c->ref_name(c->default_model) == "claude/sonnet");
  CHECK_FALSE(c->routing.long_context_tokens.has_value());
  CHECK(c->routing.output_reserve_tokens == 8192);
  CHECK(c->routing.pin_ttl.count() == 2 * 3600 * 1000);
  CHECK(c->routing.health.failures == 3);
  for (const auto& candidates : c->routing.tasks) CHECK(candidates.empty());
}

TEST_CASE("an unknown task kind is an error at its position, listing the kinds") {
  const std::string e = error_of("routing:\n  default: box/big\n  tasks:\n    debuging: [box/big]\n");
  CHECK(e.find("routing.yaml:13:5: routing.tasks.debuging: unknown task kind 'debuging' (task kinds: commit-message,") == 0);
  CHECK(e.find("autocomplete)") != std::string::npos);
}

TEST_CASE("dangling candidates are errors naming the missing backend or model") {
  CHECK(error_of("routing:\n  default: box/big\n  tasks:\n    debugging: [box/big, cloud/sonnet]\n") ==
        "routing.yaml:13:26: routing.tasks.debugging[1]: no backend named 'cloud'");
  CHECK(error_of("routing:\n  default: box/big\n  tasks:\n    debugging: box/huge\n") ==
        "routing.yaml:13:16: routing.tasks.debugging: backend 'box' has no model 'huge'");
  CHECK(error_of("routing:\n  default: box/nope\n") == "routing.yaml:11:12: routing.default: backend 'box' has no model 'nope'");
}

TEST_CASE("route table mistakes are errors: empty lists, repeats, wrong shapes, bad values") {
  CHECK(error_of("routing:\n  default: box/big\n  tasks:\n    debugging: []\n").find(
            "routing.tasks.debugging: needs at least one backend/model candidate") != std::string::npos);
  CHECK(error_of("routing:\n  default: box/big\n  tasks:\n    debugging: [box/big, big]\n").find(
            "routing.tasks.debugging[1]: 'big' is listed twice") != std::string::npos);
  CHECK(error_of("routing:\n  default: box/big\n  tasks: [box/big]\n").find(
            "routing.tasks: expected a mapping of task kind") != std::string::npos);
  CHECK(error_of("routing:\n  default: box/big\n  pin_ttl: 0s\n").find("routing.pin_ttl: must be more than 0") !=
        std::string::npos);
  CHECK(error_of("routing:\n  default: box/big\n  long_context_tokens: 0\n").find("routing.long_context_tokens: must be between") !=
        std::string::npos);
  CHECK(error_of("routing:\n  default: box/big\n  health: { cooldown: 1m, max_cooldown: 10s }\n").find(
            "routing.health.max_cooldown: must be at least the cooldown") != std::string::npos);
  CHECK(error_of("routing:\n  default: box/big\n  health: { failure: 2 }\n").find("routing.health.failure: unknown key") !=
        std::string::npos);
  CHECK(error_of("routing:\n  default: box/big\n  route: x\n").find("routing.route: unknown key") != std::string::npos);
}

TEST_CASE("a task kind listed twice is an error") {
  const std::string e = error_of("routing:\n  default: box/big\n  tasks:\n    debugging: [box/big]\n    debugging: [claude/sonnet]\n");
  CHECK(e.find("routing.tasks.debugging: task kind 'debugging' is listed twice") != std::string::npos);
}

TEST_CASE("auto, local and cloud cannot be model names") {
  try {
    load_config_text("backends:\n  - name: box\n    url: http://127.0.0.1:1/v1\n    models: [auto]\n", "r.yaml");
    FAIL("a model named auto was accepted");
  } catch (const ConfigError& error) {
    CHECK(std::string(error.what()) == "r.yaml:4:14: backends[0].models[0]: 'auto' is reserved for routing (auto, local, cloud)");
  }
}

TEST_CASE("the shipped configs carry route tables, and coop.yaml splits local and cloud as the guide says") {
  auto def = load_config_file(LLMROUTE_SOURCE_DIR "/config/default.yaml");
  for (const auto& candidates : def->routing.tasks) CHECK(names(*def, candidates) == std::vector<std::string>{"ollama/qwen3-coder"});
  auto example = load_config_file(LLMROUTE_SOURCE_DIR "/config/example.yaml");
  CHECK_FALSE(example->routing.candidates("debugging")->empty());

  auto coop = load_config_file(LLMROUTE_SOURCE_DIR "/config/coop.yaml");
  auto first_location = [&](std::string_view task) {
    const auto* candidates = coop->routing.candidates(task);
    REQUIRE(candidates != nullptr);
    REQUIRE_FALSE(candidates->empty());
    return coop->backend(candidates->front()).location;
  };
  auto has_fallback_elsewhere = [&](std::string_view task) {
    const auto& candidates = *coop->routing.candidates(task);
    for (ModelRef r : candidates)
      if (coop->backend(r).location != coop->backend(candidates.front()).location) return true;
    return false;
  };
  for (std::string_view task : {"refactoring", "documentation", "commit-message", "status-report", "simple-coding", "debugging"}) {
    CAPTURE(task);
    CHECK(first_location(task) == Location::local);
    CHECK(has_fallback_elsewhere(task));
  }
  for (std::string_view task : {"architecture", "long-context", "code-review"}) {
    CAPTURE(task);
    CHECK(first_location(task) == Location::cloud);
    CHECK(has_fallback_elsewhere(task));
  }
  for (std::string_view task : {"background", "autocomplete"}) {
    CAPTURE(task);
    for (ModelRef r : *coop->routing.candidates(task)) CHECK(coop->backend(r).location == Location::local);
  }
  CHECK(coop->backend(coop->default_model).location == Location::local);
  int cloud_with_keys = 0;
  for (const auto& b : coop->backends)
    if (b.location == Location::cloud && !b.api_key_env.empty()) ++cloud_with_keys;
  CHECK(cloud_with_keys == 3);  // Anthropic, OpenRouter, OpenAI
}
