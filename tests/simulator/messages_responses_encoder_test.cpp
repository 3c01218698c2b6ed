// Tests of the Anthropic Messages and OpenAI Responses encoders: event order and shapes.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "simulator/wire_encoder.hpp"

using namespace llmroute::simulator;
namespace json = boost::json;

namespace {

struct Event {
  std::string name;
  json::value data;
};

ResponseMeta meta_for_test() {
  ResponseMeta meta;
  meta.id_suffix = "abc";
  meta.created = 1700000000;
  meta.model = "claude-test";
  meta.prompt_tokens = 20;
  return meta;
}

/// Streams the answer and parses every `event:`/`data:` pair, checking that the names agree.
std::vector<Event> stream(Endpoint endpoint, const ResponseMeta& meta, const Answer& answer) {
  const auto encoder = make_encoder(endpoint, meta, answer);
  std::string out;
  encoder->begin_stream(out);
  for (const auto& piece : answer.pieces) encoder->piece(piece, out);
  encoder->end_stream(Timings{}, out);
  std::vector<Event> events;
  std::size_t at = 0;
  while (at < out.size()) {
    const auto end = out.find("\n\n", at);
    REQUIRE(end != std::string::npos);
    const std::string text = out.substr(at, end - at);
    const auto newline = text.find('\n');
    REQUIRE(text.starts_with("event: "));
    REQUIRE(text.substr(newline + 1).starts_with("data: "));
    Event event{text.substr(7, newline - 7), json::parse(text.substr(newline + 7))};
    CHECK(event.data.at("type").as_string() == event.name);
    events.push_back(std::move(event));
    at = end + 2;
  }
  return events;
}

std::vector<std::string> names(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const auto& event : events) out.push_back(event.name);
  return out;
}

Answer text_answer(int tokens, int think = 0) {
  AnswerSpec spec;
  spec.tokens = tokens;
  spec.think_tokens = think;
  spec.think_style = ThinkStyle::field;
  return build_text_answer(spec);
}

Answer tool_answer() {
  ToolSpec tool;
  tool.name = "read_file";
  tool.argument = "path";
  return build_tool_call_answer(tool, AnswerSpec{});
}

}  // namespace

TEST_CASE("an Anthropic text stream has the documented event sequence") {
  const auto answer = text_answer(2);
  const auto meta = meta_for_test();
  const auto events = stream(Endpoint::messages, meta, answer);
  CHECK(names(events) == std::vector<std::string>{"message_start", "content_block_start", "ping", "content_block_delta",
                                                  "content_block_delta", "content_block_stop", "message_delta",
                                                  "message_stop"});
  const auto& message = events[0].data.at("message");
  CHECK(message.at("id") == "msg_abc");
  CHECK(message.at("role") == "assistant");
  CHECK(message.at("usage").at("input_tokens") == 20);
  CHECK(events[1].data.at("content_block").at("type") == "text");
  CHECK(events[3].data.at("delta").at("type") == "text_delta");
  CHECK(events[3].data.at("delta").at("text") == "Here");
  CHECK(events[6].data.at("delta").at("stop_reason") == "end_turn");
  CHECK(events[6].data.at("usage").at("output_tokens") == 2);
}

TEST_CASE("Anthropic thinking comes first in its own block, closed with a signature") {
  const auto answer = text_answer(1, 2);
  const auto meta = meta_for_test();
  const auto events = stream(Endpoint::messages, meta, answer);
  CHECK(events[1].data.at("content_block").at("type") == "thinking");
  CHECK(events[3].data.at("delta").at("type") == "thinking_delta");
  CHECK(events[5].data.at("delta").at("type") == "signature_delta");
  CHECK(events[6].name == "content_block_stop");
  CHECK(events[7].data.at("index") == 1);
  CHECK(events[7].data.at("content_block").at("type") == "text");
  const auto body = json::parse(make_encoder(Endpoint::messages, meta, answer)->whole_body(Timings{}));
  CHECK(body.at("content").at(0).at("type") == "thinking");
  CHECK(body.at("content").at(0).at("thinking") == "Let me");
  CHECK(body.at("content").at(0).as_object().contains("signature"));
  CHECK(body.at("content").at(1).at("text") == "Here");
}

TEST_CASE("an Anthropic tool_use block streams input_json_delta and stops with tool_use") {
  const auto answer = tool_answer();
  const auto meta = meta_for_test();
  const auto events = stream(Endpoint::messages, meta, answer);
  const auto& block = events[1].data.at("content_block");
  CHECK(block.at("type") == "tool_use");
  CHECK(block.at("name") == "read_file");
  CHECK(block.at("id").as_string().starts_with("toolu_"));
  std::string partial;
  for (const auto& event : events) {
    if (event.name == "content_block_delta") {
      CHECK(event.data.at("delta").at("type") == "input_json_delta");
      partial += event.data.at("delta").at("partial_json").as_string();
    }
  }
  CHECK(json::parse(partial).at("path") == "README.md");
  CHECK(events[events.size() - 2].data.at("delta").at("stop_reason") == "tool_use");
  const auto body = json::parse(make_encoder(Endpoint::messages, meta, answer)->whole_body(Timings{}));
  CHECK(body.at("content").at(0).at("input").at("path") == "README.md");
  CHECK(body.at("stop_reason") == "tool_use");
}

TEST_CASE("an Anthropic answer cut by max_tokens stops with max_tokens and reports cache usage") {
  AnswerSpec spec;
  spec.tokens = 10;
  spec.max_tokens = 4;
  const auto answer = build_text_answer(spec);
  auto meta = meta_for_test();
  meta.cache_read_tokens = 15;
  const auto body = json::parse(make_encoder(Endpoint::messages, meta, answer)->whole_body(Timings{}));
  CHECK(body.at("stop_reason") == "max_tokens");
  CHECK(body.at("usage").at("input_tokens") == 5);
  CHECK(body.at("usage").at("cache_read_input_tokens") == 15);
  CHECK(body.at("usage").at("cache_creation_input_tokens") == 0);
  CHECK(body.at("usage").at("output_tokens") == 4);
}

TEST_CASE("a Responses text stream has the documented event sequence and numbering") {
  const auto answer = text_answer(2);
  const auto meta = meta_for_test();
  const auto events = stream(Endpoint::responses, meta, answer);
  CHECK(names(events) == std::vector<std::string>{"response.created", "response.in_progress",
                                                  "response.output_item.added", "response.content_part.added",
                                                  "response.output_text.delta", "response.output_text.delta",
                                                  "response.output_text.done", "response.content_part.done",
                                                  "response.output_item.done", "response.completed"});
  for (std::size_t i = 0; i < events.size(); ++i) CHECK(events[i].data.at("sequence_number") == i);
  CHECK(events[0].data.at("response").at("status") == "in_progress");
  CHECK(events[4].data.at("delta") == "Here");
  CHECK(events[6].data.at("text") == "Here is");
  const auto& done = events.back().data.at("response");
  CHECK(done.at("status") == "completed");
  CHECK(done.at("output").at(0).at("content").at(0).at("text") == "Here is");
  CHECK(done.at("usage").at("input_tokens") == 20);
  CHECK(done.at("usage").at("output_tokens") == 2);
  CHECK(done.at("usage").at("total_tokens") == 22);
}

TEST_CASE("a Responses function call streams its arguments and lands in the output") {
  const auto answer = tool_answer();
  const auto meta = meta_for_test();
  const auto events = stream(Endpoint::responses, meta, answer);
  const auto& item = events[2].data.at("item");
  CHECK(item.at("type") == "function_call");
  CHECK(item.at("name") == "read_file");
  CHECK(item.at("call_id").as_string().starts_with("call_"));
  std::string arguments;
  for (const auto& event : events) {
    if (event.name == "response.function_call_arguments.delta") arguments += event.data.at("delta").as_string();
    if (event.name == "response.function_call_arguments.done")
      CHECK(event.data.at("arguments").as_string() == arguments);
  }
  CHECK(json::parse(arguments).at("path") == "README.md");
  const auto body = json::parse(make_encoder(Endpoint::responses, meta, answer)->whole_body(Timings{}));
  CHECK(body.at("output").at(0).at("arguments").as_string() == arguments);
}

TEST_CASE("a Responses answer cut by max_output_tokens ends incomplete, with reasoning counted") {
  AnswerSpec spec;
  spec.tokens = 10;
  spec.think_tokens = 2;
  spec.think_style = ThinkStyle::field;
  spec.max_tokens = 4;
  const auto answer = build_text_answer(spec);
  const auto meta = meta_for_test();
  const auto events = stream(Endpoint::responses, meta, answer);
  CHECK(events[2].data.at("item").at("type") == "reasoning");
  CHECK(events[3].name == "response.content_part.added");
  CHECK(events[3].data.at("part").at("type") == "reasoning_text");
  CHECK(events[4].name == "response.reasoning_text.delta");
  CHECK(events.back().name == "response.incomplete");
  const auto& response = events.back().data.at("response");
  CHECK(response.at("status") == "incomplete");
  CHECK(response.at("incomplete_details").at("reason") == "max_output_tokens");
  CHECK(response.at("usage").at("output_tokens_details").at("reasoning_tokens") == 2);
  const auto body = json::parse(make_encoder(Endpoint::responses, meta, answer)->whole_body(Timings{}));
  CHECK(body.at("output").as_array().size() == 2);
  CHECK(body.at("status") == "incomplete");
}
