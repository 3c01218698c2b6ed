// Tests of a whole answer told as the client's stream (a backend that ignored `stream`).
#include "wire/completion_stream.hpp"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "wire/response_translation.hpp"
#include "wire_test_helpers.hpp"

namespace {

using namespace llmroute::wire;
using namespace llmroute::wire::testing;

/// A whole Chat answer with reasoning, text and two tool calls, as a vLLM that ignored `stream` sends it.
constexpr std::string_view kChatAnswer = R"({
  "id": "chatcmpl-whole1", "object": "chat.completion", "created": 1741570283, "model": "qwen3-coder-30b",
  "choices": [{"index": 0, "finish_reason": "tool_calls",
    "message": {"role": "assistant", "content": "Reading both.", "reasoning_content": "Two files matter.",
      "tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": "Read", "arguments": "{\"file_path\": \"a.py\"}"}},
        {"id": "call_2", "type": "function", "function": {"name": "Grep", "arguments": "{\"pattern\": \"x\"}"}}]}}],
  "usage": {"prompt_tokens": 2006, "completion_tokens": 300, "total_tokens": 2306}
})";

Completion chat_answer() {
  auto parsed = parse_completion(WireFormat::chat, kChatAnswer);
  REQUIRE(parsed);
  return *parsed;
}

}  // namespace

TEST_CASE("a whole answer told as a Chat stream has its content, tool calls, one finish reason, the usage asked for and [DONE]") {
  TranslationContext context;
  context.include_usage = true;
  const std::string stream = completion_stream(WireFormat::chat, chat_answer(), context);
  const Assembled told = check_chat_stream(stream, true);
  CHECK(told.text == "Reading both.");
  CHECK(told.reasoning == "Two files matter.");
  REQUIRE(told.tool_calls.size() == 2);
  CHECK(told.tool_calls[0] == std::pair<std::string, std::string>{"Read", R"({"file_path": "a.py"})"});
  CHECK(told.tool_calls[1].first == "Grep");
  CHECK(told.tool_ids == std::vector<std::string>{"call_1", "call_2"});
  CHECK(told.finish == "tool_calls");
  CHECK(told.usage.at("prompt_tokens") == 2006);
  CHECK(told.usage.at("completion_tokens") == 300);
  // The backend's id and time, as a relayed stream would carry them.
  const auto first = boost::json::parse(parse_events(stream).front().data);
  CHECK(first.at("id") == "chatcmpl-whole1");
  CHECK(first.at("created") == 1741570283);

  CHECK(check_chat_stream(completion_stream(WireFormat::chat, chat_answer(), TranslationContext{}), false).text == "Reading both.");
}

TEST_CASE("a whole answer told as an Anthropic stream runs from message_start to message_stop with one block per item") {
  const Assembled told = check_messages_stream(completion_stream(WireFormat::messages, chat_answer(), TranslationContext{}));
  CHECK(told.error.empty());
  CHECK(told.reasoning == "Two files matter.");
  CHECK(told.text == "Reading both.");
  REQUIRE(told.tool_calls.size() == 2);
  CHECK(told.tool_calls[1] == std::pair<std::string, std::string>{"Grep", R"({"pattern": "x"})"});
  CHECK(told.finish == "tool_use");
  CHECK(told.usage.at("output_tokens") == 300);
}

TEST_CASE("a whole answer told as a Responses stream runs from response.created to response.completed") {
  const Assembled told = check_responses_stream(completion_stream(WireFormat::responses, chat_answer(), TranslationContext{}));
  CHECK(told.error.empty());
  CHECK(told.text == "Reading both.");
  CHECK(told.reasoning == "Two files matter.");
  REQUIRE(told.tool_calls.size() == 2);
  CHECK(told.tool_calls[0].first == "Read");
  CHECK(told.finish == "completed");
  CHECK(told.usage.at("input_tokens") == 2006);
}

TEST_CASE("an empty whole answer still makes a complete stream, with the usage estimated when the backend gave none") {
  Completion empty;
  empty.id = "chatcmpl-empty";
  empty.model = "m";
  empty.finish = FinishReason::stop;
  TranslationContext context;
  context.include_usage = true;
  context.input_tokens_hint = 12;
  const Assembled told = check_chat_stream(completion_stream(WireFormat::chat, empty, context), true);
  CHECK(told.text.empty());
  CHECK(told.finish == "stop");
  CHECK(told.usage.at("prompt_tokens") == 12);
  CHECK(check_messages_stream(completion_stream(WireFormat::messages, empty, context)).finish == "end_turn");
}

TEST_CASE("a whole legacy completion told as a legacy completions stream has text_completion chunks, one finish reason, the usage asked for and [DONE]") {
  constexpr std::string_view kLegacyAnswer = R"({
    "id": "cmpl-whole2", "object": "text_completion", "created": 1741570290, "model": "qwen2.5-coder-7b",
    "choices": [{"text": "    return n if n < 2 else fib(n - 1) + fib(n - 2)\n", "index": 0, "logprobs": null,
                 "finish_reason": "length"}],
    "usage": {"prompt_tokens": 7, "completion_tokens": 16, "total_tokens": 23}
  })";
  auto answer = parse_completion(WireFormat::chat, kLegacyAnswer);
  REQUIRE(answer);
  TranslationContext context;
  context.include_usage = true;
  const auto events = parse_events(text_completion_stream(*answer, context));
  REQUIRE(events.size() == 4);  // the text, the finish chunk, the usage chunk, [DONE]
  CHECK(events.back().data == "[DONE]");
  std::string text;
  std::vector<std::string> finishes;
  for (std::size_t i = 0; i + 2 < events.size(); ++i) {
    const auto chunk = boost::json::parse(events[i].data);
    CHECK(chunk.at("id") == "cmpl-whole2");
    CHECK(chunk.at("object") == "text_completion");
    CHECK(chunk.at("created") == 1741570290);
    CHECK(chunk.at("model") == "qwen2.5-coder-7b");
    REQUIRE(chunk.at("choices").as_array().size() == 1);
    const auto& choice = chunk.at("choices").at(0);
    CHECK(choice.at("index") == 0);
    CHECK(choice.at("logprobs").is_null());
    text += choice.at("text").as_string();
    if (!choice.at("finish_reason").is_null()) finishes.emplace_back(choice.at("finish_reason").as_string());
  }
  CHECK(text == "    return n if n < 2 else fib(n - 1) + fib(n - 2)\n");
  CHECK(finishes == std::vector<std::string>{"length"});
  const auto usage_chunk = boost::json::parse(events[2].data);
  CHECK(usage_chunk.at("object") == "text_completion");
  CHECK(usage_chunk.at("choices").as_array().empty());
  CHECK(usage_chunk.at("usage").at("prompt_tokens") == 7);
  CHECK(usage_chunk.at("usage").at("completion_tokens") == 16);

  // Without stream_options.include_usage there is no usage chunk.
  const auto plain = parse_events(text_completion_stream(*answer, TranslationContext{}));
  REQUIRE(plain.size() == 3);
  CHECK(boost::json::parse(plain[1].data).at("choices").at(0).at("finish_reason") == "length");
  CHECK(plain.back().data == "[DONE]");
}

TEST_CASE("a whole Anthropic answer told as an Anthropic stream keeps each thinking block's signature and its redacted thinking") {
  constexpr std::string_view kMessagesAnswer = R"({
    "id": "msg_whole3", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
    "content": [
      {"type": "thinking", "thinking": "The test imports a.py.", "signature": "EqQBCkYIBRgCKkD1signedA"},
      {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"},
      {"type": "thinking", "thinking": "", "signature": "EqQBCkYIBRgCKkD2signedB"},
      {"type": "text", "text": "Reading it."},
      {"type": "tool_use", "id": "toolu_01", "name": "Read", "input": {"file_path": "a.py"}}],
    "stop_reason": "tool_use", "stop_sequence": null,
    "usage": {"input_tokens": 120, "output_tokens": 40}
  })";
  auto answer = parse_completion(WireFormat::messages, kMessagesAnswer);
  REQUIRE(answer);
  const std::string stream = completion_stream(WireFormat::messages, *answer, TranslationContext{});
  const Assembled told = check_messages_stream(stream);
  CHECK(told.error.empty());
  CHECK(told.reasoning == "The test imports a.py.");
  CHECK(told.signatures == std::vector<std::string>{"EqQBCkYIBRgCKkD1signedA", "EqQBCkYIBRgCKkD2signedB"});
  CHECK(told.redacted == std::vector<std::string>{"EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"});
  CHECK(told.text == "Reading it.");
  REQUIRE(told.tool_calls.size() == 1);
  CHECK(told.finish == "tool_use");

  // Block by block as Anthropic streams them: a signature is its block's last delta, before content_block_stop.
  std::vector<std::string> shape;
  for (const auto& event : parse_events(stream)) {
    const auto value = boost::json::parse(event.data);
    if (event.event == "content_block_start") shape.push_back("start " + std::string(value.at("content_block").at("type").as_string()));
    if (event.event == "content_block_delta") shape.push_back(std::string(value.at("delta").at("type").as_string()));
    if (event.event == "content_block_stop") shape.push_back("stop");
  }
  CHECK(shape == std::vector<std::string>{"start thinking", "thinking_delta", "signature_delta", "stop",
                                          "start redacted_thinking", "stop",
                                          "start thinking", "signature_delta", "stop",
                                          "start text", "text_delta", "stop",
                                          "start tool_use", "input_json_delta", "stop"});

  // Other formats have no place for either: a Chat client gets the readable reasoning and the rest of the answer.
  const Assembled chat = check_chat_stream(completion_stream(WireFormat::chat, *answer, TranslationContext{}), false);
  CHECK(chat.reasoning == "The test imports a.py.");
  CHECK(chat.text == "Reading it.");
}
