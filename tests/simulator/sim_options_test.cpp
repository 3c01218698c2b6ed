// Tests of `llmroute simulate`'s command-line parsing and per-request overrides.
#include "simulator/sim_options.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "simulator/request_knobs.hpp"

using namespace llmroute::simulator;

namespace {

ParsedOptions parse(std::vector<std::string> args) {
  args.insert(args.begin(), "simulate");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  return parse_sim_options(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST_CASE("with no options the simulator listens on the Ollama port with documented defaults") {
  const auto parsed = parse({});
  REQUIRE(parsed.error.empty());
  CHECK(parsed.options.listen_host == "127.0.0.1");
  CHECK(parsed.options.listen_port == 11434);
  CHECK(parsed.options.ttft == std::chrono::milliseconds(50));
  CHECK(parsed.options.tokens == 32);
  CHECK(parsed.options.usage);
  CHECK(parsed.options.model_names == std::vector<std::string>{"sim-model"});
  CHECK(token_interval(parsed.options.tokens_per_second, parsed.options.chunk_interval) ==
        std::chrono::milliseconds(20));
}

TEST_CASE("every documented option is accepted") {
  const auto parsed =
      parse({"--listen", "0.0.0.0:0", "--ttft-ms",         "7",    "--tokens-per-second", "0",      "--tokens",  "3",
             "--usage",  "off",       "--think",           "4",    "--model-name",        "a,b",    "--seed",    "9",
             "--name",   "alpha",     "--quality",         "poor", "--port-file",         "/tmp/p", "--threads", "2",
             "--fault",  "die-mid",   "--idle-timeout-ms", "100",  "--judge-prefers",     "B"});
  REQUIRE(parsed.error.empty());
  const auto& o = parsed.options;
  CHECK(o.listen_host == "0.0.0.0");
  CHECK(o.listen_port == 0);
  CHECK(o.ttft == std::chrono::milliseconds(7));
  CHECK(token_interval(o.tokens_per_second, o.chunk_interval).count() == 0);
  CHECK(o.tokens == 3);
  CHECK_FALSE(o.usage);
  CHECK(o.think_tokens == 4);
  CHECK(o.model_names == std::vector<std::string>{"a", "b"});
  CHECK(o.seed == 9);
  CHECK(o.name == "alpha");
  CHECK(o.quality == Quality::poor);
  CHECK(o.port_file == "/tmp/p");
  CHECK(o.threads == 2);
  CHECK(o.fault == Fault::die_mid);
  CHECK(o.idle_timeout == std::chrono::milliseconds(100));
  CHECK(o.judge_prefers == JudgePreference::b);
}

TEST_CASE("a fixed chunk interval replaces the token rate") {
  const auto parsed = parse({"--chunk-interval-ms", "35"});
  REQUIRE(parsed.error.empty());
  CHECK(token_interval(parsed.options.tokens_per_second, parsed.options.chunk_interval) ==
        std::chrono::milliseconds(35));
}

TEST_CASE("bad options are reported by name instead of being ignored") {
  CHECK(parse({"--tokens", "many"}).error.find("--tokens") != std::string::npos);
  CHECK(parse({"--listen", "nowhere"}).error.find("--listen") != std::string::npos);
  CHECK(parse({"--fault", "explode"}).error.find("--fault") != std::string::npos);
  CHECK(parse({"--bogus", "1"}).error.find("--bogus") != std::string::npos);
  CHECK(parse({"--ttft-ms"}).error.find("needs a value") != std::string::npos);
}

TEST_CASE("--help asks for the usage text, which documents the fault kinds") {
  CHECK(parse({"--help"}).help);
  for (const auto* kind : {"refuse", "401", "403", "429", "500", "503", "stall-headers", "stall-mid", "die-mid", "malformed"}) {
    CHECK(sim_usage().find(kind) != std::string_view::npos);
    CHECK(parse_fault(kind).has_value());
  }
}

TEST_CASE("a model suffix carries simulator settings and is removed from the model name") {
  const auto split = split_model_suffix("qwen2.5-coder:7b+fault=429+tokens=5+script=tool,text");
  CHECK(split.model == "qwen2.5-coder:7b");
  REQUIRE(split.settings.size() == 3);
  CHECK(split.settings[0].key == "fault");
  CHECK(split.settings[0].value == "429");
  CHECK(split.settings[2].value == "tool,text");
  CHECK(split_model_suffix("plain").settings.empty());
}

TEST_CASE("per-request settings override the command line, later settings winning") {
  SimOptions options;
  const auto resolved = resolve_knobs(options, {{"tokens", "5"},
                                                {"ttft-ms", "0"},
                                                {"tokens-per-second", "100"},
                                                {"usage", "off"},
                                                {"think", "3"},
                                                {"reasoning-field", "1"},
                                                {"timings", "1"},
                                                {"script", "tool, text"},
                                                {"fault", "stall-mid"},
                                                {"tokens", "6"}});
  REQUIRE(resolved.error.empty());
  const auto& knobs = resolved.knobs;
  CHECK(knobs.tokens == 6);
  CHECK(knobs.ttft.count() == 0);
  CHECK(knobs.interval == std::chrono::milliseconds(10));
  CHECK_FALSE(knobs.usage);
  CHECK(knobs.think_tokens == 3);
  CHECK(knobs.think_style == ThinkStyle::field);
  CHECK(knobs.timings);
  CHECK(knobs.fault == Fault::stall_mid);
  CHECK(behaviour_for_turn(knobs, 0) == TurnBehaviour::tool);
  CHECK(behaviour_for_turn(knobs, 1) == TurnBehaviour::text);
  CHECK(behaviour_for_turn(knobs, 7) == TurnBehaviour::text);
}

TEST_CASE("an unknown or invalid per-request setting is an error, not silently ignored") {
  SimOptions options;
  CHECK(resolve_knobs(options, {{"tokenz", "5"}}).error.find("tokenz") != std::string::npos);
  CHECK_FALSE(resolve_knobs(options, {{"usage", "maybe"}}).error.empty());
  CHECK_FALSE(resolve_knobs(options, {{"script", "tool,dance"}}).error.empty());
  CHECK_FALSE(resolve_knobs(options, {{"tool-ids", "strict"}}).error.empty());
}

TEST_CASE("a Mistral tool-id rule refuses any id but 9 letters or digits; vLLM's cuts long ids to their last 9 first") {
  SimOptions options;
  CHECK(resolve_knobs(options, {}).knobs.tool_ids == ToolIdRule::any);
  CHECK(resolve_knobs(options, {{"tool-ids", "vllm-mistral"}}).knobs.tool_ids == ToolIdRule::vllm_mistral);
  const std::vector<std::string> claude_code{"toolu_01A09q90qw90lq917835lq9"};
  const std::vector<std::string> ollama{"9HxEI5Kcl", "call_k2j4h6g8"};
  CHECK(refused_tool_id(ToolIdRule::any, ollama).empty());
  CHECK(refused_tool_id(ToolIdRule::mistral, {"9HxEI5Kcl"}).empty());
  CHECK(refused_tool_id(ToolIdRule::mistral, claude_code) ==
        "Tool call id was toolu_01A09q90qw90lq917835lq9 but must be a-z, A-Z, 0-9, with a length of 9.");
  CHECK(refused_tool_id(ToolIdRule::vllm_mistral, claude_code).empty());  // its last 9 are letters and digits
  CHECK(refused_tool_id(ToolIdRule::vllm_mistral, ollama) ==
        "Tool call id was _k2j4h6g8 but must be a-z, A-Z, 0-9, with a length of 9.");
  CHECK_FALSE(refused_tool_id(ToolIdRule::vllm_mistral, {"call_1"}).empty());  // short ids are not padded
}
