// Tests of non-streamed answer translation and of error body translation.
#include "wire/response_translation.hpp"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "wire/format_mappings.hpp"
#include "wire_test_helpers.hpp"

namespace {

namespace json = boost::json;
using namespace llmroute::wire;
using namespace llmroute::wire::testing;

constexpr std::string_view kChatCompletion = R"({
  "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG", "object": "chat.completion", "created": 1741570283,
  "model": "qwen3-coder-30b",
  "choices": [{"index": 0, "finish_reason": "tool_calls", "logprobs": null,
    "message": {"role": "assistant", "content": "Reading both.", "reasoning_content": "Two files matter.",
      "tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": "Read", "arguments": "{\"file_path\": \"a.py\"}"}},
        {"id": "call_2", "type": "function", "function": {"name": "mcp__github__read_issue", "arguments": "{\"number\": 42}"}},
        {"id": "call_3", "type": "function", "function": {"name": "apply_patch", "arguments": "{\"input\": \"*** Begin Patch\\n*** End Patch\"}"}}
      ]}}],
  "usage": {"prompt_tokens": 2006, "completion_tokens": 300, "total_tokens": 2306,
            "prompt_tokens_details": {"cached_tokens": 1920}, "completion_tokens_details": {"reasoning_tokens": 120}}
})";

constexpr std::string_view kMessagesAnswer = R"({
  "id": "msg_013Zva2CMHLNnXjNJJKqJ2EF", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5-20250929",
  "content": [
    {"type": "thinking", "thinking": "Check the flag.", "signature": "WaUjzkyp"},
    {"type": "text", "text": "Adding the flag."},
    {"type": "tool_use", "id": "toolu_01A", "name": "edit", "input": {"path": "cli.py", "lines": [1, 2]}}
  ],
  "stop_reason": "tool_use", "stop_sequence": null,
  "usage": {"input_tokens": 12, "cache_creation_input_tokens": 100, "cache_read_input_tokens": 3000, "output_tokens": 77}
})";

constexpr std::string_view kResponsesAnswer = R"({
  "id": "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b", "object": "response", "created_at": 1741476542,
  "status": "incomplete", "incomplete_details": {"reason": "max_output_tokens"}, "model": "gpt-5",
  "output": [
    {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "Thinking about it."}]},
    {"type": "message", "id": "msg_1", "status": "completed", "role": "assistant",
     "content": [{"type": "output_text", "text": "In a tiny village", "annotations": []}]},
    {"type": "function_call", "id": "fc_1", "call_id": "call_9", "name": "read_issue", "namespace": "mcp__github", "arguments": "{}"}
  ],
  "usage": {"input_tokens": 36, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 87,
            "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 123}
})";

TranslationContext context() {
  TranslationContext c;
  c.request_id = "r1";
  c.created = 1735689600;
  c.tool_names.add("mcp__github", "read_issue", ToolShape::function);
  c.tool_names.add("", "apply_patch", ToolShape::custom);
  return c;
}

json::value translated(WireFormat backend, WireFormat client, std::string_view body) {
  auto result = translate_response(backend, client, body, context());
  REQUIRE_MESSAGE(result.ok(), (result.ok() ? std::string() : result.error().message));
  return json::parse(result->body);
}

}  // namespace

TEST_CASE("a chat completion becomes an Anthropic message with thinking, tool_use blocks and split usage") {
  const auto message = translated(WireFormat::chat, WireFormat::messages, kChatCompletion);
  check_golden_json("chat_completion.messages.json", json::serialize(message));
  CHECK(message.at("id") == "msg_r1");
  CHECK(message.at("stop_reason") == "tool_use");
  const auto& content = message.at("content").as_array();
  CHECK(content[0].at("type") == "thinking");
  CHECK(content[1].at("text") == "Reading both.");
  CHECK(content[2].at("input").at("file_path") == "a.py");
  CHECK(message.at("usage").at("input_tokens") == 86);
  CHECK(message.at("usage").at("cache_read_input_tokens") == 1920);
  CHECK(message.at("usage").at("output_tokens") == 300);
}

TEST_CASE("a chat completion becomes a Responses object with namespaces and custom tools restored") {
  const auto response = translated(WireFormat::chat, WireFormat::responses, kChatCompletion);
  check_golden_json("chat_completion.responses.json", json::serialize(response));
  CHECK(response.at("status") == "completed");
  const auto& output = response.at("output").as_array();
  REQUIRE(output.size() == 5);
  CHECK(output[0].at("type") == "reasoning");
  CHECK(output[3].at("name") == "read_issue");
  CHECK(output[3].at("namespace") == "mcp__github");
  CHECK(output[4].at("type") == "custom_tool_call");
  CHECK(output[4].at("input") == "*** Begin Patch\n*** End Patch");
  CHECK(response.at("usage").at("output_tokens_details").at("reasoning_tokens") == 120);
  CHECK(response.at("usage").at("total_tokens") == 2306);
}

TEST_CASE("an Anthropic message becomes a chat completion with cache reads counted as prompt tokens") {
  const auto completion = translated(WireFormat::messages, WireFormat::chat, kMessagesAnswer);
  check_golden_json("messages_answer.chat.json", json::serialize(completion));
  const auto& message = completion.at("choices").at(0).at("message");
  CHECK(message.at("content") == "Adding the flag.");
  CHECK(message.at("reasoning_content") == "Check the flag.");
  CHECK(json::parse(message.at("tool_calls").at(0).at("function").at("arguments").as_string()) ==
        json::parse(R"({"path":"cli.py","lines":[1,2]})"));
  CHECK(completion.at("choices").at(0).at("finish_reason") == "tool_calls");
  CHECK(completion.at("usage").at("prompt_tokens") == 3112);
  CHECK(completion.at("usage").at("prompt_tokens_details").at("cached_tokens") == 3000);
}

TEST_CASE("a truncated Responses answer becomes a chat completion that says length") {
  const auto completion = translated(WireFormat::responses, WireFormat::chat, kResponsesAnswer);
  CHECK(completion.at("choices").at(0).at("finish_reason") == "length");
  CHECK(completion.at("choices").at(0).at("message").at("content") == "In a tiny village");
  CHECK(completion.at("choices").at(0).at("message").at("tool_calls").at(0).at("function").at("name") ==
        "mcp__github__read_issue");
  const auto message = translated(WireFormat::responses, WireFormat::messages, kResponsesAnswer);
  CHECK(message.at("stop_reason") == "max_tokens");
}

TEST_CASE("think tags in a non-streamed chat answer become reasoning") {
  const auto completion = parse_completion(
      WireFormat::chat,
      R"({"id":"x","choices":[{"message":{"role":"assistant","content":"<think>plan</think>\n\nanswer"},"finish_reason":"stop"}]})");
  REQUIRE(completion.ok());
  REQUIRE(completion->items.size() == 2);
  CHECK(completion->items[0].kind == ItemKind::reasoning);
  CHECK(completion->items[0].text == "plan");
  CHECK(completion->items[1].text == "answer");
  CHECK_FALSE(completion->usage_reported);
}

TEST_CASE("a stop sequence reported by vLLM reaches Anthropic clients as stop_sequence") {
  const auto message = translated(
      WireFormat::chat, WireFormat::messages,
      R"({"id":"x","model":"m","choices":[{"message":{"content":"done"},"finish_reason":"stop","stop_reason":"</answer>"}]})");
  CHECK(message.at("stop_reason") == "stop_sequence");
  CHECK(message.at("stop_sequence") == "</answer>");
}

TEST_CASE("a stop token id or a null stop_reason from vLLM, or none at all, ends an Anthropic client's turn") {
  // vLLM: an integer for a stop token id (not a stop sequence the client sent), null when neither stopped it.
  for (const std::string stop_reason : {R"(,"stop_reason":151645)", R"(,"stop_reason":null)", ""}) {
    CAPTURE(stop_reason);
    const auto message = translated(WireFormat::chat, WireFormat::messages,
                                    R"({"id":"x","model":"m","choices":[{"message":{"content":"done"},"finish_reason":"stop")" +
                                        stop_reason + "}]}");
    CHECK(message.at("stop_reason") == "end_turn");
    CHECK(message.at("stop_sequence").is_null());
  }
}

TEST_CASE("an answer without choices is rejected with a clear message") {
  const auto result =
      translate_response(WireFormat::chat, WireFormat::messages, R"({"id":"x","choices":[]})", context());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message == "choices: the answer has no choice");
}

TEST_CASE("backend error bodies are rewritten in the client's error shape with the backend's message") {
  const auto anthropic =
      json::parse(translate_error(WireFormat::chat, WireFormat::messages, 404,
                                  R"({"error":{"message":"model 'x' not found","type":"invalid_request_error"}})"));
  CHECK(anthropic.at("type") == "error");
  CHECK(anthropic.at("error").at("type") == "not_found_error");
  CHECK(anthropic.at("error").at("message") == "model 'x' not found");
  const auto ollama =
      json::parse(translate_error(WireFormat::chat, WireFormat::messages, 500, R"({"error":"out of memory"})"));
  CHECK(ollama.at("error").at("message") == "out of memory");
  CHECK(ollama.at("error").at("type") == "api_error");
  const auto vllm =
      json::parse(translate_error(WireFormat::chat, WireFormat::responses, 400,
                                  R"({"object":"error","message":"too long","type":"BadRequestError","code":400})"));
  CHECK(vllm.at("error").at("message") == "too long");
  CHECK(vllm.at("error").at("type") == "invalid_request_error");
  const auto overloaded =
      json::parse(translate_error(WireFormat::messages, WireFormat::chat, 529,
                                  R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"));
  CHECK(overloaded.at("error").at("message") == "Overloaded");
  CHECK(overloaded.at("error").at("type") == "server_error");
  const auto plain = json::parse(translate_error(WireFormat::chat, WireFormat::messages, 502, "Bad Gateway"));
  CHECK(plain.at("error").at("message") == "Bad Gateway");
  CHECK(translate_error(WireFormat::chat, WireFormat::chat, 400, "as is") == "as is");
}

TEST_CASE("a backend error body that is not UTF-8 reaches the client as JSON, stray bytes shown as U+FFFD") {
  // A proxy or a crashed server in front of the backend may answer with any bytes; clients parse the error as JSON.
  const std::string body = translate_error(WireFormat::chat, WireFormat::messages, 502, "Bad \xff Gateway \xc3");
  boost::system::error_code ec;
  const auto parsed = json::parse(body, ec);
  REQUIRE_MESSAGE(!ec, body);
  CHECK(parsed.at("error").at("message") == "Bad \xEF\xBF\xBD Gateway \xEF\xBF\xBD");
}

TEST_CASE("absurd token counts in a whole answer (2^63 - 1) are taken as not reported, never summed") {
  const auto completion = parse_completion(
      WireFormat::chat,
      R"({"id":"x","choices":[{"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"timings":{"cache_n":9223372036854775807,"prompt_n":9223372036854775807,"predicted_n":2}})");
  REQUIRE(completion.ok());
  CHECK(completion->usage.input == 0);
  CHECK(completion->usage.output == 2);
}

TEST_CASE("llama.cpp's timings count the tokens of a whole answer that reports no usage") {
  const auto completion = parse_completion(
      WireFormat::chat,
      R"({"id":"x","choices":[{"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"timings":{"cache_n":10,"prompt_n":5,"predicted_n":2}})");
  REQUIRE(completion.ok());
  CHECK(completion->usage_reported);
  CHECK(completion->usage.input == 15);
  CHECK(completion->usage.cache_read == 10);
  CHECK(completion->usage.output == 2);
}

TEST_CASE("a whole answer's tool call with empty arguments reaches Chat and Responses clients as \"{}\"") {
  constexpr std::string_view chat = R"({"id": "c1", "object": "chat.completion", "created": 1, "model": "m",
    "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant", "content": null,
      "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "now", "arguments": ""}}]}}]})";
  CHECK(translated(WireFormat::chat, WireFormat::responses, chat).at("output").at(0).at("arguments") == "{}");
  constexpr std::string_view responses = R"({"id": "resp_1", "object": "response", "status": "completed", "model": "m",
    "output": [{"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "now", "arguments": ""}]})";
  const auto completion = translated(WireFormat::responses, WireFormat::chat, responses);
  CHECK(completion.at("choices").at(0).at("message").at("tool_calls").at(0).at("function").at("arguments") == "{}");
}

TEST_CASE("the summary parts of a whole Responses answer's reasoning stay separate paragraphs") {
  constexpr std::string_view answer = R"({"id": "resp_1", "object": "response", "status": "completed", "model": "gpt-5",
    "output": [{"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "**Plan**\n\nRead it."},
                                                            {"type": "summary_text", "text": "**Then**\n\nFix it."}]},
               {"type": "message", "id": "msg_1", "role": "assistant", "content": [{"type": "output_text", "text": "Done."}]}]})";
  CHECK(translated(WireFormat::responses, WireFormat::messages, answer).at("content").at(0).at("thinking") ==
        "**Plan**\n\nRead it.\n\n**Then**\n\nFix it.");
}

TEST_CASE("an Anthropic answer's redacted thinking is kept for Anthropic clients and left out for Chat and Responses clients") {
  constexpr std::string_view kRedacted = R"({
    "id": "msg_redacted", "type": "message", "role": "assistant", "model": "claude-3-7-sonnet",
    "content": [{"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix"}, {"type": "text", "text": "Done."}],
    "stop_reason": "end_turn", "stop_sequence": null, "usage": {"input_tokens": 10, "output_tokens": 5}
  })";
  auto completion = parse_completion(WireFormat::messages, kRedacted);
  REQUIRE(completion);
  const json::value messages = json::parse(render_completion(WireFormat::messages, *completion, TranslationContext{}));
  REQUIRE(messages.at("content").as_array().size() == 2);
  CHECK(messages.at("content").at(0) == json::parse(R"({"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix"})"));

  const auto responses = translate_response(WireFormat::messages, WireFormat::responses, kRedacted, TranslationContext{});
  REQUIRE(responses);
  const json::value output = json::parse(responses->body).at("output");
  REQUIRE(output.as_array().size() == 1);
  CHECK(output.at(0).at("type") == "message");
  const auto chat = translate_response(WireFormat::messages, WireFormat::chat, kRedacted, TranslationContext{});
  REQUIRE(chat);
  const json::value message = json::parse(chat->body).at("choices").at(0).at("message");
  CHECK(message.at("content") == "Done.");
  CHECK_FALSE(message.as_object().contains("reasoning_content"));
}
