// The shadow's alternate model: configured targets, defaults by the primary's location, private users.
#include <doctest/doctest.h>

#include "config/config_loader.hpp"
#include "policies/shadow_target.hpp"

using namespace llmroute;

namespace {

const char* kConfig = R"(backends:
  - { name: box, location: local, url: 'http://127.0.0.1:1/v1', models: [qwen, small] }
  - { name: or, location: cloud, url: 'https://openrouter.ai/api/v1', models: [{ name: big, price: { input: 1, output: 2 } }] }
  - { name: claude, kind: anthropic, location: cloud, url: 'https://api.anthropic.com/v1', models: [sonnet] }
routing:
  default: box/qwen
  tasks:
    debugging: [box/qwen, claude/sonnet]
    architecture: [claude/sonnet, box/small]
    reasoning: [or/big]
cost: { baseline: or/big }
judging: { judges: [or/big, claude/sonnet] }
shadow:
  rate: 0.1
  monthly_budget: 1
  tasks:
    multi-file: { rate: 0.5, target: claude/sonnet }
)";

struct Fixture {
  config::ConfigPtr config = config::load_config_text(kConfig, "target.yaml");
  config::ModelRef ref(const char* name) const { return *config->find_ref(name); }
  std::string target(const char* task, const char* primary, bool private_user = false) const {
    const policies::ShadowTarget t = policies::shadow_target(*config, task, ref(primary), private_user);
    return t.target ? config->ref_name(*t.target) : "skip: " + std::string(t.skip);
  }
};

}  // namespace

TEST_CASE("a primary answered locally is shadowed on the kind's first cloud candidate, else the baseline") {
  Fixture f;
  CHECK(f.target("debugging", "box/qwen") == "claude/sonnet");
  CHECK(f.target("documentation", "box/qwen") == "or/big");  // no route table entry: the cost baseline
}

TEST_CASE("a primary answered in the cloud is shadowed on the kind's first local candidate, else the default") {
  Fixture f;
  CHECK(f.target("architecture", "claude/sonnet") == "box/small");
  CHECK(f.target("reasoning", "or/big") == "box/qwen");  // no local candidate: routing.default
}

TEST_CASE("a configured target wins over the default") {
  Fixture f;
  CHECK(f.target("multi-file", "box/qwen") == "claude/sonnet");
  CHECK(f.target("multi-file", "claude/sonnet") == "skip: same-model");
}

TEST_CASE("a private user's request is never shadowed to the cloud, but may be shadowed locally") {
  Fixture f;
  CHECK(f.target("debugging", "box/qwen", true) == "skip: private-user");
  CHECK(f.target("documentation", "box/qwen", true) == "skip: private-user");
  CHECK(f.target("multi-file", "box/qwen", true) == "skip: private-user");
  CHECK(f.target("architecture", "box/qwen", true) == "skip: private-user");
  CHECK(f.target("architecture", "claude/sonnet", true) == "box/small");
}

TEST_CASE("without a cloud candidate or a baseline a local primary has no alternate") {
  const auto config = config::load_config_text(
      "backends: [{ name: box, url: 'http://127.0.0.1:1/v1', models: [m, judge] }]\n"
      "judging: { judges: [box/m, box/judge] }\nshadow: { rate: 1, monthly_budget: 1 }\n",
      "target.yaml");
  const policies::ShadowTarget t = policies::shadow_target(*config, "debugging", config::ModelRef{0, 0}, false);
  CHECK_FALSE(t.target);
  CHECK(t.skip == "no-alternate");
}
