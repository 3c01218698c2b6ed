// End-to-end tests of the simulator's other wire formats: Anthropic Messages, OpenAI Responses,
// llama.cpp tokenize, and judge mode.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/simulator_process.hpp"

using namespace llmroute::test;
namespace json = boost::json;

namespace {

const std::vector<std::string> kFastArgs{"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "4"};

std::string messages_body(json::object extra = {}) {
  json::object body{{"model", "claude-sonnet"},
                    {"max_tokens", 1024},
                    {"system", "You review code."},
                    {"messages", json::array{json::object{{"role", "user"}, {"content", "Explain this diff"}}}}};
  for (const auto& [key, value] : extra) body[key] = value;
  return json::serialize(body);
}

std::vector<std::string> event_names(const HttpResponse& response) {
  std::vector<std::string> names;
  for (const auto& event : response.events) names.push_back(event.event);
  return names;
}

const json::array kAnthropicTools{
    json::object{{"name", "read_file"},
                 {"input_schema", json::object{{"type", "object"},
                                               {"properties", json::object{{"path", json::object{{"type", "string"}}}}},
                                               {"required", json::array{"path"}}}}}};

}  // namespace

TEST_CASE("an Anthropic Messages stream has the real event sequence and usage") {
  SimulatorProcess sim(kFastArgs);
  HttpClient client("127.0.0.1", sim.port());
  const auto response = client.post_json("/v1/messages", messages_body({{"stream", true}}));
  REQUIRE(response.complete());
  CHECK(response.header("content-type") == "text/event-stream");
  CHECK(event_names(response) == std::vector<std::string>{"message_start", "content_block_start", "ping",
                                                          "content_block_delta", "content_block_delta",
                                                          "content_block_delta", "content_block_delta",
                                                          "content_block_stop", "message_delta", "message_stop"});
  const auto start = response.events[0].json();
  CHECK(start.at("message").at("model") == "claude-sonnet");
  CHECK(start.at("message").at("usage").at("input_tokens") == 8);  // 33 bytes / 4
  const auto delta = response.events[8].json();
  CHECK(delta.at("delta").at("stop_reason") == "end_turn");
  CHECK(delta.at("usage").at("output_tokens") == 4);
}

TEST_CASE("a non-streaming Anthropic answer is a message with content blocks") {
  SimulatorProcess sim(kFastArgs);
  HttpClient client("127.0.0.1", sim.port());
  const auto response = client.post_json("/v1/messages", messages_body({{"max_tokens", 2}}));
  const auto body = response.json();
  CHECK(body.at("type") == "message");
  CHECK(body.at("id").as_string().starts_with("msg_"));
  CHECK(body.at("content").at(0).at("type") == "text");
  CHECK(body.at("content").at(0).at("text") == "Here is");
  CHECK(body.at("stop_reason") == "max_tokens");
}

TEST_CASE("a scripted Anthropic conversation uses the tool, then answers after the tool result") {
  SimulatorProcess sim(kFastArgs);
  HttpClient client("127.0.0.1", sim.port());
  const std::vector<std::pair<std::string, std::string>> script{{"x-sim-script", "tool,text"}};
  const auto first = client.post_json("/v1/messages", messages_body({{"tools", kAnthropicTools}}), script);
  const auto use = first.json();
  CHECK(use.at("stop_reason") == "tool_use");
  const auto& block = use.at("content").at(0);
  CHECK(block.at("type") == "tool_use");
  CHECK(block.at("input").at("path") == "README.md");

  const json::array messages{json::object{{"role", "user"}, {"content", "Explain this diff"}},
                             json::object{{"role", "assistant"}, {"content", json::array{block}}},
                             json::object{{"role", "user"},
                                          {"content", json::array{json::object{{"type", "tool_result"},
                                                                               {"tool_use_id", block.at("id")},
                                                                               {"content", "# Title"}}}}}};
  const auto second =
      client.post_json("/v1/messages", messages_body({{"tools", kAnthropicTools}, {"messages", messages}}), script);
  CHECK(second.json().at("stop_reason") == "end_turn");
}

TEST_CASE("a repeated cache_control prefix is reported as a cache read") {
  SimulatorProcess sim(kFastArgs);
  HttpClient client("127.0.0.1", sim.port());
  const json::array system{json::object{
      {"type", "text"}, {"text", std::string(400, 'x')}, {"cache_control", json::object{{"type", "ephemeral"}}}}};
  const auto first = client.post_json("/v1/messages", messages_body({{"system", system}})).json();
  CHECK(first.at("usage").at("cache_creation_input_tokens") == 100);
  CHECK(first.at("usage").at("cache_read_input_tokens") == 0);
  const auto second = client.post_json("/v1/messages", messages_body({{"system", system}})).json();
  CHECK(second.at("usage").at("cache_creation_input_tokens") == 0);
  CHECK(second.at("usage").at("cache_read_input_tokens") == 100);
  CHECK(second.at("usage").at("input_tokens") == 4);
}

TEST_CASE("count_tokens estimates the prompt without generating") {
  SimulatorProcess sim(kFastArgs);
  HttpClient client("127.0.0.1", sim.port());
  const auto response = client.post_json("/v1/messages/count_tokens", messages_body());
  CHECK(response.status == 200);
  CHECK(response.json().at("input_tokens") == 8);
}

TEST_CASE("Anthropic endpoints get Anthropic-shaped errors, and overloaded is a 529") {
  SimulatorProcess sim(kFastArgs);
  HttpClient client("127.0.0.1", sim.port());
  const auto overloaded = client.post_json("/v1/messages", messages_body({{"model", "claude+fault=overloaded"}}));
  CHECK(overloaded.status == 529);
  CHECK(overloaded.json().at("type") == "error");
  CHECK(overloaded.json().at("error").at("type") == "overloaded_error");
  const auto limited = client.post_json("/v1/messages", messages_body(), {{"x-sim-fault", "429"}});
  CHECK(limited.status == 429);
  CHECK(limited.header("retry-after") == "2");
  CHECK(limited.json().at("error").at("type") == "rate_limit_error");
  const auto bad = client.post_json("/v1/messages", R"({"model":"claude"})");
  CHECK(bad.status == 400);
  CHECK(bad.json().at("error").at("type") == "invalid_request_error");
}

TEST_CASE("a Responses API stream has the real event sequence and ends with response.completed") {
  SimulatorProcess sim(kFastArgs);
  HttpClient client("127.0.0.1", sim.port());
  const auto response =
      client.post_json("/v1/responses", R"({"model":"gpt-test","input":"Summarise the change","stream":true})");
  REQUIRE(response.complete());
  const auto names = event_names(response);
  REQUIRE(names.size() == 12);
  CHECK(names.front() == "response.created");
  CHECK(names[1] == "response.in_progress");
  CHECK(names[2] == "response.output_item.added");
  CHECK(names[3] == "response.content_part.added");
  CHECK(names[4] == "response.output_text.delta");
  CHECK(names.back() == "response.completed");
  const auto completed = response.events.back().json().at("response");
  CHECK(completed.at("status") == "completed");
  CHECK(completed.at("output").at(0).at("content").at(0).at("text") == "Here is a simulated");
  CHECK(completed.at("usage").at("output_tokens") == 4);
}

TEST_CASE("a Responses API function call is scripted like the other formats") {
  SimulatorProcess sim(kFastArgs);
  HttpClient client("127.0.0.1", sim.port());
  const auto body = json::serialize(json::object{
      {"model", "gpt-test"},
      {"input", "read the readme"},
      {"tools",
       json::array{json::object{
           {"type", "function"},
           {"name", "read_file"},
           {"parameters", json::object{{"type", "object"},
                                       {"properties", json::object{{"path", json::object{{"type", "string"}}}}}}}}}}});
  const auto response = client.post_json("/v1/responses", body, {{"x-sim-script", "tool"}});
  const auto answer = response.json();
  const auto& item = answer.at("output").at(0);
  CHECK(item.at("type") == "function_call");
  CHECK(item.at("name") == "read_file");
  CHECK(json::parse(item.at("arguments").as_string()).at("path") == "README.md");
}

TEST_CASE("a Responses answer cut by max_output_tokens is incomplete") {
  SimulatorProcess sim(kFastArgs);
  HttpClient client("127.0.0.1", sim.port());
  const auto response = client.post_json("/v1/responses", R"({"model":"m","input":"hi","max_output_tokens":2})");
  const auto body = response.json();
  CHECK(body.at("status") == "incomplete");
  CHECK(body.at("incomplete_details").at("reason") == "max_output_tokens");
  CHECK(body.at("max_output_tokens") == 2);
}

TEST_CASE("the llama.cpp tokenize endpoint returns token ids") {
  SimulatorProcess sim(kFastArgs);
  HttpClient client("127.0.0.1", sim.port());
  const auto response = client.post_json("/tokenize", R"({"content":"int main() { return 0; }"})");
  CHECK(response.status == 200);
  CHECK(response.json().at("tokens").as_array().size() == 6);
}

TEST_CASE("a judge prompt gets a verdict JSON that prefers the longer answer by default") {
  SimulatorProcess sim(kFastArgs);
  HttpClient client("127.0.0.1", sim.port());
  const auto prompt =
      "LLMROUTE-JUDGE Compare the answers.\n<answer_a>x = 1</answer_a>\n"
      "<answer_b>Set x to 1, then check the bounds before use.</answer_b>";
  const auto body = json::serialize(
      json::object{{"model", "judge"}, {"messages", json::array{json::object{{"role", "user"}, {"content", prompt}}}}});
  const auto response = client.post_json("/v1/chat/completions", body);
  const auto verdict = json::parse(response.json().at("choices").at(0).at("message").at("content").as_string());
  CHECK(verdict.at("winner") == "B");
  CHECK(verdict.at("scores").at("A").at("correctness").is_int64());

  const auto preferred = client.post_json("/v1/chat/completions", body, {{"x-sim-judge", "A"}});
  CHECK(json::parse(preferred.json().at("choices").at(0).at("message").at("content").as_string()).at("winner") == "A");

  const auto malformed = client.post_json("/v1/chat/completions", body, {{"x-sim-judge", "malformed"}});
  boost::system::error_code ec;
  json::parse(malformed.json().at("choices").at(0).at("message").at("content").as_string(), ec);
  CHECK(ec);
}

TEST_CASE("--judge-prefers sets the judge's preference for the whole process") {
  SimulatorProcess sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--judge-prefers", "tie"});
  HttpClient client("127.0.0.1", sim.port());
  const auto body = json::serialize(json::object{
      {"model", "judge"},
      {"messages", json::array{json::object{{"role", "system"}, {"content", "LLMROUTE-JUDGE"}},
                               json::object{{"role", "user"}, {"content", "Answer A: a\nAnswer B: bb"}}}}});
  const auto response = client.post_json("/v1/chat/completions", body);
  CHECK(json::parse(response.json().at("choices").at(0).at("message").at("content").as_string()).at("winner") == "tie");
}
