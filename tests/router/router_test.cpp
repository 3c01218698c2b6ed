// decide_route: modes (auto, local, cloud, named, unknown, header), constraints, pins and health order.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "config/config_loader.hpp"
#include "router/router.hpp"
#include "router/task_kind.hpp"

using namespace llmroute;
using namespace llmroute::router;

namespace {

const char* kConfig = R"(backends:
  - name: box
    location: local
    url: http://127.0.0.1:11434/v1
    models:
      - { name: big-local, context_tokens: 32768 }
      - { name: small-local, context_tokens: 8192, tools: false }
  - name: claude
    kind: anthropic
    location: cloud
    url: https://api.anthropic.com/v1
    models:
      - { name: sonnet, context_tokens: 200000, vision: true }
  - name: router
    location: cloud
    url: https://openrouter.ai/api/v1
    models:
      - { name: cheap, context_tokens: 131072 }
routing:
  default: box/big-local
  tasks:
    debugging: [box/big-local, claude/sonnet]
    architecture: [claude/sonnet, box/big-local]
    autocomplete: [box/small-local]
    long-context: [claude/sonnet]
)";

const config::Config& test_config() {
  static const config::ConfigPtr config = config::load_config_text(kConfig, "router-test.yaml");
  return *config;
}

/// One row of the decision table: the request, and the candidates (or refusal) it must get.
struct Case {
  const char* name;
  TaskKind task = TaskKind::debugging;
  const char* model = "auto";
  std::optional<const char*> header{};
  UserPolicy policy = UserPolicy::standard;
  std::uint32_t input_tokens = 2000;
  std::optional<std::uint32_t> max_tokens{};
  std::uint32_t tools = 0;
  bool images = false;
  const char* key = "user|session:s1";
  std::optional<const char*> pinned{};
  std::vector<std::string> unhealthy_backends{};
  std::vector<std::string> expected{};  ///< candidates as backend/model, in order; empty: a refusal
  const char* refusal = "";           ///< expected refusal text (prefix)
  bool pin_new = false;
};

RouteDecision run(const Case& c, bool explain = true) {
  const config::Config& config = test_config();
  RequestFeatures features;
  features.estimated_input_tokens = c.input_tokens;
  features.max_tokens = c.max_tokens;
  features.tool_count = c.tools;
  features.has_images = c.images;
  RouteRequest request;
  request.explain = explain;
  request.features = &features;
  request.classification = Classification{c.task, 0.8, "test/rule"};
  request.requested_model = c.model;
  if (c.header) request.route_header = *c.header;
  request.policy = c.policy;
  request.conversation_key = c.key;
  if (c.pinned) request.pinned = config.find_ref(*c.pinned);
  const std::vector<std::string> unhealthy = c.unhealthy_backends;
  request.healthy = [&config, unhealthy](std::size_t backend) {
    for (const std::string& name : unhealthy)
      if (config.backends[backend].name == name) return false;
    return true;
  };
  return decide_route(config, request);
}

std::vector<std::string> names(const RouteDecision& d) {
  std::vector<std::string> out;
  for (const Candidate& c : d.candidates) out.push_back(test_config().ref_name(c.target));
  return out;
}

std::string trace_of(const RouteDecision& d) {
  std::string out;
  for (const std::string& line : d.trace) out += line + "\n";
  return out;
}

}  // namespace

TEST_CASE("the route table accepts exactly the task kinds the router knows") {
  REQUIRE(config::kTaskKindNames.size() == kAllTaskKinds.size());
  for (std::size_t i = 0; i < kAllTaskKinds.size(); ++i) CHECK(config::kTaskKindNames[i] == to_string(kAllTaskKinds[i]));
}

TEST_CASE("decide_route follows the decision table, with or without its trace") {
  const std::vector<Case> cases = {
      {.name = "auto routes by the task's candidates and pins a new conversation",
       .expected = {"box/big-local", "claude/sonnet"}, .pin_new = true},
      {.name = "an unconfigured model name (Claude Code's own) routes by task", .task = TaskKind::architecture,
       .model = "claude-opus-4-1-20250805", .expected = {"claude/sonnet", "box/big-local"}, .pin_new = true},
      {.name = "local keeps the task's local candidates", .task = TaskKind::architecture, .model = "local",
       .expected = {"box/big-local"}, .pin_new = true},
      {.name = "cloud keeps the task's cloud candidates", .model = "cloud", .expected = {"claude/sonnet"}, .pin_new = true},
      {.name = "cloud with no cloud candidate in the task takes every cloud model", .task = TaskKind::autocomplete,
       .model = "cloud", .expected = {"claude/sonnet", "router/cheap"}},
      {.name = "a configured model name is honoured alone", .model = "sonnet", .expected = {"claude/sonnet"}},
      {.name = "backend/model is honoured as is, even when it lacks a capability", .model = "box/small-local",
       .tools = 3, .expected = {"box/small-local"}},
      {.name = "the header beats the body's configured model", .model = "sonnet", .header = "local",
       .expected = {"box/big-local"}, .pin_new = true},
      {.name = "the header can name a model", .header = "router/cheap", .expected = {"router/cheap"}},
      {.name = "a header naming nothing is ignored", .header = "fastest", .expected = {"box/big-local", "claude/sonnet"},
       .pin_new = true},
      {.name = "a model whose context cannot hold input plus the answer reserve is skipped", .input_tokens = 30000,
       .expected = {"claude/sonnet"}, .pin_new = true},
      {.name = "a small max_tokens reserves less and fits", .input_tokens = 30000, .max_tokens = 1000,
       .expected = {"box/big-local", "claude/sonnet"}, .pin_new = true},
      {.name = "an 8K model takes a short request: a quarter of its window is reserved, not 8192",
       .task = TaskKind::autocomplete, .expected = {"box/small-local"}},
      {.name = "an 8K model takes a short request even when max_tokens asks for 32000",
       .task = TaskKind::autocomplete, .input_tokens = 5000, .max_tokens = 32000, .expected = {"box/small-local"}},
      {.name = "an 8K model is skipped when input plus its quarter reserve exceed the window",
       .task = TaskKind::autocomplete, .input_tokens = 7000, .expected = {"box/big-local", "claude/sonnet", "router/cheap"}},
      {.name = "requests with tools skip tools: false models and widen when nothing is left",
       .task = TaskKind::autocomplete, .tools = 2, .expected = {"box/big-local", "claude/sonnet", "router/cheap"}},
      {.name = "images need a vision model", .images = true, .expected = {"claude/sonnet"}, .pin_new = true},
      {.name = "a private user never gets a cloud candidate", .task = TaskKind::architecture,
       .policy = UserPolicy::private_user, .expected = {"box/big-local"}, .pin_new = true},
      {.name = "a private user naming a cloud model is routed by task, locally", .model = "sonnet",
       .policy = UserPolicy::private_user, .expected = {"box/big-local"}, .pin_new = true},
      {.name = "a private user asking for the cloud by header is routed locally", .header = "cloud",
       .policy = UserPolicy::private_user, .expected = {"box/big-local"}, .pin_new = true},
      {.name = "a private user with every local backend down still gets no cloud candidate",
       .policy = UserPolicy::private_user, .unhealthy_backends = {"box"}, .expected = {"box/big-local"},
       .pin_new = true},
      {.name = "a private user whose request fits no local model is refused", .task = TaskKind::long_context,
       .policy = UserPolicy::private_user, .input_tokens = 100000,
       .refusal = "private user: no local backend can serve this request"},
      {.name = "a request no model can hold is refused", .task = TaskKind::long_context, .input_tokens = 300000,
       .refusal = "no configured model can serve this request"},
      {.name = "a pinned conversation goes to its model first", .pinned = "claude/sonnet",
       .expected = {"claude/sonnet", "box/big-local"}},
      {.name = "a pin that no longer fits is replaced", .input_tokens = 30000, .pinned = "box/big-local",
       .expected = {"claude/sonnet"}, .pin_new = true},
      {.name = "a pin outside the requested location is replaced", .model = "local", .pinned = "claude/sonnet",
       .expected = {"box/big-local"}, .pin_new = true},
      {.name = "background requests neither use nor set pins", .task = TaskKind::background, .pinned = "claude/sonnet",
       .expected = {"box/big-local"}},
      {.name = "a request without a conversation key sets no pin", .key = "", .expected = {"box/big-local", "claude/sonnet"}},
      {.name = "unhealthy backends are moved last, not dropped", .unhealthy_backends = {"box"},
       .expected = {"claude/sonnet", "box/big-local"}, .pin_new = true},
      {.name = "an unhealthy pinned model keeps its pin but goes last", .pinned = "box/big-local",
       .unhealthy_backends = {"box"}, .expected = {"claude/sonnet", "box/big-local"}},
  };
  for (const Case& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    const RouteDecision d = run(c);
    CAPTURE(trace_of(d));
    if (c.expected.empty()) {
      REQUIRE(d.refusal.has_value());
      CHECK(d.refusal->starts_with(c.refusal));
      CHECK(d.candidates.empty());
    } else {
      CHECK_FALSE(d.refusal.has_value());
      CHECK(names(d) == c.expected);
    }
    CHECK(d.pin_new == c.pin_new);
    CHECK_FALSE(d.reason.empty());
    CHECK(d.reason.find('\n') == std::string::npos);
    CHECK_FALSE(d.trace.empty());

    // The proxy asks for no trace: the same decision, without the trace's strings.
    const RouteDecision quiet = run(c, false);
    CHECK(quiet.trace.empty());
    CHECK(names(quiet) == names(d));
    CHECK(quiet.reason == d.reason);
    CHECK(quiet.refusal == d.refusal);
    CHECK(quiet.pin_new == d.pin_new);
    CHECK(quiet.local_only == d.local_only);
  }
}

TEST_CASE("a request naming a configured model goes there whatever its task or pin, so its task can wait") {
  const config::Config& config = test_config();
  struct Named {
    const char* model;
    std::optional<const char*> header;
    UserPolicy policy;
    bool may_become_local_only;
    bool needs_task;
  };
  const std::vector<Named> cases = {
      {"sonnet", {}, UserPolicy::standard, false, false},
      {"box/small-local", {}, UserPolicy::standard, false, false},
      {"auto", "router/cheap", UserPolicy::standard, false, false},       // the header names it
      {"sonnet", "fastest", UserPolicy::standard, false, false},          // a header naming nothing is ignored
      {"big-local", {}, UserPolicy::private_user, false, false},          // a local model suits a private user
      {"big-local", {}, UserPolicy::standard, true, false},
      {"auto", {}, UserPolicy::standard, false, true},
      {"local", {}, UserPolicy::standard, false, true},
      {"cloud", {}, UserPolicy::standard, false, true},
      {"claude-opus-4-1-20250805", {}, UserPolicy::standard, false, true},  // not configured: routed by task
      {"sonnet", "auto", UserPolicy::standard, false, true},                 // the header wins
      {"sonnet", {}, UserPolicy::private_user, false, true},                 // a private user's cloud name is overridden
      {"sonnet", {}, UserPolicy::standard, true, true},                      // and so may an out-of-budget user's
  };
  for (const Named& n : cases) {
    CAPTURE(n.model);
    CAPTURE(n.header.value_or("(no header)"));
    RequestFeatures features;
    RouteRequest request;
    request.features = &features;
    request.requested_model = n.model;
    if (n.header) request.route_header = *n.header;
    request.policy = n.policy;
    CHECK(route_needs_task(config, request, n.may_become_local_only) == n.needs_task);
    if (n.needs_task) continue;
    // Every task, pinned elsewhere or not, gets the same decision.
    request.classification = Classification{TaskKind::debugging, 0.8, "test/rule"};
    const RouteDecision first = decide_route(config, request);
    for (const TaskKind kind : kAllTaskKinds) {
      request.classification = Classification{kind, 0.5, "other/rule"};
      request.conversation_key = "user|session:s1";
      request.pinned = config.find_ref("claude/sonnet");
      const RouteDecision d = decide_route(config, request);
      CHECK(names(d) == names(first));
      CHECK(d.reason == first.reason);
      CHECK_FALSE(d.pin_new);
    }
  }
}

TEST_CASE("refusals say whether the user's policy or the request's size is to blame") {
  Case private_user{.name = "private", .task = TaskKind::long_context, .policy = UserPolicy::private_user,
                    .input_tokens = 100000};
  CHECK(run(private_user).refusal_cause == RefusalCause::local_only);
  Case budget{.name = "budget", .task = TaskKind::long_context, .policy = UserPolicy::cloud_budget_exhausted,
              .input_tokens = 100000};
  CHECK(*run(budget).refusal == "cloud budget exhausted: no local backend can serve this request");
  Case huge{.name = "huge", .input_tokens = 300000};
  const RouteDecision d = run(huge);
  CHECK(d.refusal_cause == RefusalCause::no_fit);
  CHECK(d.refusal->find("box/big-local (context)") != std::string::npos);
}

TEST_CASE("a local-only user's decision says why the cloud cannot take over when the local candidates fail") {
  Case private_user{.name = "private", .policy = UserPolicy::private_user};
  CHECK(run(private_user).local_only == "a private user's requests never go to a cloud backend");
  Case budget{.name = "budget", .policy = UserPolicy::cloud_budget_exhausted};
  CHECK(run(budget).local_only.find("cloud budget is exhausted") != std::string::npos);
  Case member{.name = "member"};
  CHECK(run(member).local_only.empty());
}

TEST_CASE("the reason is short and names the task, skips, pins and demotions") {
  Case skipped{.name = "skipped", .input_tokens = 30000};
  const RouteDecision a = run(skipped);
  CHECK(a.reason == "task debugging (test/rule); skipped box/big-local (context)");

  Case pinned{.name = "pinned", .pinned = "claude/sonnet", .unhealthy_backends = {"router"}};
  CHECK(run(pinned).reason == "task debugging (test/rule); pinned conversation");

  Case demoted{.name = "demoted", .unhealthy_backends = {"box"}};
  CHECK(run(demoted).reason == "task debugging (test/rule); unhealthy last: box/big-local");

  Case named{.name = "named", .model = "sonnet"};
  CHECK(run(named).reason == "model named in request");
  Case header{.name = "header", .header = "box/big-local"};
  CHECK(run(header).reason == "model named in x-llmroute-route");
}

TEST_CASE("the trace records every constraint applied to every candidate") {
  Case c{.name = "trace", .policy = UserPolicy::private_user, .input_tokens = 30000, .images = true};
  const std::string trace = trace_of(run(c));
  CAPTURE(trace);
  CHECK(trace.find("task debugging (confidence 0.80, rule test/rule)") != std::string::npos);
  CHECK(trace.find("route table for debugging: box/big-local, claude/sonnet") != std::string::npos);
  CHECK(trace.find("skip box/big-local: the request has images") != std::string::npos);
  CHECK(trace.find("skip claude/sonnet: a cloud backend, and a private user may use local backends only") !=
        std::string::npos);
  CHECK(trace.find("no candidate of the task passes") != std::string::npos);
  CHECK(trace.find("skip box/small-local: the request has images") != std::string::npos);
  CHECK(trace.find("result: refused: private user") != std::string::npos);
}

TEST_CASE("a task kind missing from the table takes the default model") {
  Case c{.name = "missing", .task = TaskKind::non_coding};
  const RouteDecision d = run(c);
  CHECK(names(d) == std::vector<std::string>{"box/big-local"});
  CHECK(trace_of(d).find("route table has no entry for non-coding: default box/big-local") != std::string::npos);
}

TEST_CASE("the answer reserve is max_tokens capped by the config and by a quarter of the model's context") {
  RequestFeatures f;
  CHECK(reserved_output_tokens(test_config(), f) == 8192);  // before a model is chosen
  CHECK(reserved_output_tokens(test_config(), f, 131072) == 8192);
  CHECK(reserved_output_tokens(test_config(), f, 8192) == 2048);
  CHECK(reserved_output_tokens(test_config(), f, 4096) == 1024);
  f.max_tokens = 32000;  // Claude Code's usual request
  CHECK(reserved_output_tokens(test_config(), f, 200000) == 8192);
  CHECK(reserved_output_tokens(test_config(), f, 8192) == 2048);
  f.max_tokens = 500;
  CHECK(reserved_output_tokens(test_config(), f, 8192) == 500);
  CHECK(reserved_output_tokens(test_config(), f, 200000) == 500);
}
