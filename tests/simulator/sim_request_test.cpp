// Tests of reading request bodies: prompt size, conversation turns, tools, stream options.
#include "simulator/sim_request.hpp"

#include <doctest/doctest.h>
#include <simdjson.h>

using namespace llmroute::simulator;

namespace {

ParsedRequest parse(Endpoint endpoint, std::string_view body) {
  simdjson::dom::parser parser;
  return parse_sim_request(endpoint, body, parser);
}

}  // namespace

TEST_CASE("a chat request's stream flags, limits and prompt size are read") {
  const auto parsed = parse(Endpoint::chat_completions, R"({"model":"m+tokens=3","stream":true,
    "stream_options":{"include_usage":true},"max_completion_tokens":7,
    "messages":[{"role":"system","content":"0123456789abcdef"},
                {"role":"user","content":[{"type":"text","text":"01234567"}]}]})");
  REQUIRE(parsed.error.empty());
  const auto& r = parsed.request;
  CHECK(r.requested_model == "m+tokens=3");
  CHECK(r.stream);
  CHECK(r.include_usage);
  CHECK(r.max_tokens == 7);
  CHECK(r.prompt_bytes == 24);
  CHECK(r.prompt_tokens() == 6);
  CHECK(r.last_turn == LastTurn::user);
  CHECK(r.assistant_turns == 0);
  CHECK_FALSE(r.judge);
}

TEST_CASE("the turn number counts assistant messages and a tool result is recognised") {
  const auto parsed = parse(Endpoint::chat_completions, R"({"model":"m","messages":[
    {"role":"user","content":"read it"},
    {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
      "function":{"name":"read_file","arguments":"{\"path\":\"a\"}"}}]},
    {"role":"tool","tool_call_id":"call_1","content":"file text"}],
    "tools":[{"type":"function","function":{"name":"read_file","parameters":{"type":"object",
      "properties":{"encoding":{"type":"string"},"path":{"type":"string"}},"required":["path"]}}}]})");
  REQUIRE(parsed.error.empty());
  CHECK(parsed.request.assistant_turns == 1);
  CHECK(parsed.request.last_turn == LastTurn::tool_result);
  REQUIRE(parsed.request.first_tool);
  CHECK(parsed.request.first_tool->name == "read_file");
  CHECK(parsed.request.first_tool->argument == "path");
  CHECK(parsed.request.tool_call_ids == std::vector<std::string>{"call_1", "call_1"});
}

TEST_CASE("different prompts seed different answers and the same prompt the same one") {
  const auto a = parse(Endpoint::chat_completions, R"({"messages":[{"role":"user","content":"a"}]})");
  const auto a2 = parse(Endpoint::chat_completions, R"({"messages":[{"role":"user","content":"a"}]})");
  const auto b = parse(Endpoint::chat_completions, R"({"messages":[{"role":"user","content":"b"}]})");
  CHECK(a.request.prompt_hash == a2.request.prompt_hash);
  CHECK(a.request.prompt_hash != b.request.prompt_hash);
}

TEST_CASE("a legacy completion request's prompt is measured") {
  const auto parsed = parse(Endpoint::completions, R"({"model":"m","prompt":"def add(a, b):","max_tokens":16})");
  REQUIRE(parsed.error.empty());
  CHECK(parsed.request.prompt_bytes == 14);
  CHECK(parsed.request.max_tokens == 16);
}

TEST_CASE("a body that is not JSON, or a chat without messages, is rejected with a reason") {
  CHECK_FALSE(parse(Endpoint::chat_completions, "{nope").error.empty());
  CHECK_FALSE(parse(Endpoint::chat_completions, "[1]").error.empty());
  CHECK(parse(Endpoint::chat_completions, R"({"model":"m"})").error.find("messages") != std::string::npos);
}

TEST_CASE("a prompt carrying the judge marker is flagged and kept for judging") {
  const auto parsed = parse(Endpoint::chat_completions,
                            R"({"messages":[{"role":"system","content":"LLMROUTE-JUDGE compare"},
                                            {"role":"user","content":"Answer A: x"}]})");
  CHECK(parsed.request.judge);
  CHECK(parsed.request.judge_text.find("Answer A: x") != std::string::npos);
}
