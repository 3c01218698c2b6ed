// Tests of streamed answer translation: golden streams, split invariance, truncated and broken upstreams.
#include "wire/stream_translator.hpp"

#include <doctest/doctest.h>

#include "wire_test_helpers.hpp"

namespace {

using namespace llmroute::wire;
using namespace llmroute::wire::testing;

TranslationContext test_context(bool include_usage = true) {
  TranslationContext context;
  context.request_id = "req7";
  context.created = 1735689600;
  context.include_usage = include_usage;
  context.input_tokens_hint = 1000;
  context.tool_names.add("mcp__github", "read_issue", ToolShape::function);
  context.tool_names.add("", "apply_patch", ToolShape::custom);
  return context;
}

std::string run(WireFormat backend, WireFormat client, const std::vector<std::string_view>& pieces,
                StreamEnd end = StreamEnd::clean, const TranslationContext& context = test_context()) {
  StreamTranslator translator(backend, client, context);
  std::string out;
  for (const auto piece : pieces) translator.feed(piece, out);
  translator.finish(out, end);
  return out;
}

std::string run_whole(WireFormat backend, WireFormat client, std::string_view upstream,
                      const TranslationContext& context = test_context()) {
  return run(backend, client, {upstream}, StreamEnd::clean, context);
}

struct GoldenCase {
  const char* upstream;
  WireFormat backend;
  WireFormat client;
  const char* golden;
};

const GoldenCase kCases[] = {
    {"chat_tools.upstream.sse", WireFormat::chat, WireFormat::messages, "chat_tools.messages.sse"},
    {"chat_tools.upstream.sse", WireFormat::chat, WireFormat::responses, "chat_tools.responses.sse"},
    {"chat_think.upstream.sse", WireFormat::chat, WireFormat::messages, "chat_think.messages.sse"},
    {"messages_tools.upstream.sse", WireFormat::messages, WireFormat::chat, "messages_tools.chat.sse"},
    {"messages_tools.upstream.sse", WireFormat::messages, WireFormat::responses, "messages_tools.responses.sse"},
    {"responses_tools.upstream.sse", WireFormat::responses, WireFormat::chat, "responses_tools.chat.sse"},
    {"responses_tools.upstream.sse", WireFormat::responses, WireFormat::messages, "responses_tools.messages.sse"},
};

Assembled check_stream(WireFormat client, std::string_view out, bool include_usage = true) {
  switch (client) {
    case WireFormat::chat:
      return check_chat_stream(out, include_usage);
    case WireFormat::messages:
      return check_messages_stream(out);
    case WireFormat::responses:
      return check_responses_stream(out);
  }
  return {};
}

/// The chat_tools upstream without its finish chunk, usage chunk and [DONE].
std::string chat_tools_without_end() {
  const auto upstream = read_golden("chat_tools.upstream.sse");
  return upstream.substr(0, upstream.rfind("data: ", upstream.find(R"("finish_reason":"tool_calls")")));
}

std::string chat_chunk(std::string_view delta, std::string_view finish = "null") {
  return R"(data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":)" +
         std::string(delta) + R"(,"finish_reason":)" + std::string(finish) + "}]}\n\n";
}

}  // namespace

TEST_CASE("recorded upstream streams translate to the golden client streams") {
  for (const auto& c : kCases) {
    CAPTURE(c.golden);
    const auto out = run_whole(c.backend, c.client, read_golden(c.upstream));
    check_golden_text(c.golden, out);
    const auto assembled = check_stream(c.client, out);
    CHECK(assembled.error.empty());
  }
}

TEST_CASE("a chat stream with reasoning and three tool calls reaches Claude Code intact") {
  const auto out = run_whole(WireFormat::chat, WireFormat::messages, read_golden("chat_tools.upstream.sse"));
  const auto assembled = check_messages_stream(out);
  CHECK(assembled.reasoning == "The test fails on trailing commas.");
  CHECK(assembled.text == "Let me run the test — \"quoted\" \u00e9\n");
  REQUIRE(assembled.tool_calls.size() == 3);
  CHECK(assembled.tool_calls[0].first == "shell");
  CHECK(assembled.tool_calls[0].second == R"({"command": ["pytest", "-q"]})");
  CHECK(assembled.tool_ids[0] == "call_s1");
  CHECK(assembled.finish == "tool_use");
  // Anthropic's input_tokens excludes cache reads; the total stays 1850
  CHECK(assembled.usage.at("input_tokens") == 314);
  CHECK(assembled.usage.at("cache_read_input_tokens") == 1536);
  CHECK(assembled.usage.at("output_tokens") == 96);
}

TEST_CASE("a chat stream reaches Codex with namespaces and custom tools restored") {
  const auto out = run_whole(WireFormat::chat, WireFormat::responses, read_golden("chat_tools.upstream.sse"));
  const auto assembled = check_responses_stream(out);
  REQUIRE(assembled.tool_calls.size() == 3);
  CHECK(assembled.tool_calls[1].first == "mcp__github.read_issue");
  CHECK(assembled.tool_calls[2].first == "apply_patch");
  CHECK(assembled.tool_calls[2].second == "*** Begin Patch\n*** End Patch");
  CHECK(assembled.finish == "completed");
  CHECK(assembled.usage.at("input_tokens") == 1850);
  CHECK(assembled.usage.at("input_tokens_details").at("cached_tokens") == 1536);
  CHECK(assembled.usage.at("output_tokens_details").at("reasoning_tokens") == 12);
  CHECK(assembled.usage.at("total_tokens") == 1946);
}

TEST_CASE("an Anthropic stream reaches a chat client with usage, ids and finish reason") {
  const auto out = run_whole(WireFormat::messages, WireFormat::chat, read_golden("messages_tools.upstream.sse"));
  const auto assembled = check_chat_stream(out, true);
  CHECK(assembled.text == "I'll list the files.");
  CHECK(assembled.reasoning == "Need the file list.");
  REQUIRE(assembled.tool_calls.size() == 1);
  CHECK(assembled.tool_ids[0] == "toolu_01T1x1fJ34qAmk2tNTrN7Up6");
  CHECK(assembled.tool_calls[0].second == R"({"command": "ls -la"})");
  CHECK(assembled.finish == "tool_calls");
  CHECK(assembled.usage.at("prompt_tokens") == 27 + 210 + 4096);
  CHECK(assembled.usage.at("prompt_tokens_details").at("cached_tokens") == 4096);
  CHECK(assembled.usage.at("completion_tokens") == 89);
}

TEST_CASE("every split point of a recorded stream gives byte-identical output") {
  for (const auto& c : kCases) {
    CAPTURE(c.golden);
    const auto upstream = read_golden(c.upstream);
    const auto whole = run_whole(c.backend, c.client, upstream);
    for (std::size_t split = 0; split <= upstream.size(); ++split) {
      CAPTURE(split);
      REQUIRE(run(c.backend, c.client, split_at(upstream, {split})) == whole);
    }
  }
}

TEST_CASE("a stream cut in three pieces anywhere, or fed a byte at a time, gives byte-identical output") {
  for (const auto& c : kCases) {
    CAPTURE(c.golden);
    const auto upstream = read_golden(c.upstream);
    const auto whole = run_whole(c.backend, c.client, upstream);
    for (std::size_t first = 0; first <= upstream.size(); first += 41) {
      for (std::size_t second = first; second <= upstream.size(); second += 43) {
        CAPTURE(first);
        CAPTURE(second);
        REQUIRE(run(c.backend, c.client, split_at(upstream, {first, second})) == whole);
      }
    }
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < upstream.size(); ++i) bytes.push_back(std::string_view(upstream).substr(i, 1));
    CHECK(run(c.backend, c.client, bytes) == whole);
  }
}

TEST_CASE("an upstream without finish_reason or [DONE] still yields a compliant client stream") {
  const auto truncated = chat_tools_without_end();
  const auto messages = check_messages_stream(run_whole(WireFormat::chat, WireFormat::messages, truncated));
  CHECK(messages.finish == "tool_use");
  CHECK(messages.tool_calls.size() == 3);
  // usage was never reported: the hint and an estimate stand in, so clients never see zero
  CHECK(messages.usage.at("input_tokens") == 1000);
  CHECK(messages.usage.at("output_tokens").as_int64() > 0);
  const auto responses = check_responses_stream(run_whole(WireFormat::chat, WireFormat::responses, truncated));
  CHECK(responses.finish == "completed");
  CHECK(responses.tool_calls.size() == 3);

  const auto text_only = chat_chunk(R"({"role":"assistant","content":""})") + chat_chunk(R"({"content":"Hello"})");
  CHECK(check_messages_stream(run_whole(WireFormat::chat, WireFormat::messages, text_only)).finish == "end_turn");
  CHECK(check_responses_stream(run_whole(WireFormat::chat, WireFormat::responses, text_only)).text == "Hello");

  auto messages_upstream = read_golden("messages_tools.upstream.sse");
  messages_upstream = messages_upstream.substr(0, messages_upstream.find("event: message_delta"));
  const auto chat = check_chat_stream(run_whole(WireFormat::messages, WireFormat::chat, messages_upstream), true);
  CHECK(chat.finish == "tool_calls");
}

TEST_CASE("an empty upstream that closes cleanly still gives a complete, empty answer") {
  CHECK(check_messages_stream(run_whole(WireFormat::chat, WireFormat::messages, "")).finish == "end_turn");
  CHECK(check_chat_stream(run_whole(WireFormat::messages, WireFormat::chat, ""), true).finish == "stop");
  CHECK(check_responses_stream(run_whole(WireFormat::chat, WireFormat::responses, "")).finish == "completed");
}

TEST_CASE("an upstream that dies mid-answer ends the client stream with an error event") {
  const auto upstream = read_golden("chat_tools.upstream.sse");
  const std::string_view half = std::string_view(upstream).substr(0, upstream.size() / 2);
  for (const auto client : {WireFormat::messages, WireFormat::responses}) {
    StreamTranslator translator(WireFormat::chat, client, test_context());
    std::string out;
    translator.feed(half, out);
    translator.finish(out, StreamEnd::upstream_failed, "upstream read timed out after 120 s");
    const auto assembled = check_stream(client, out);
    CHECK(assembled.error == "upstream read timed out after 120 s");
    CHECK(translator.summary().error == "upstream read timed out after 120 s");
    CHECK(translator.summary().ended);
  }
  const auto messages_upstream = read_golden("messages_tools.upstream.sse");
  const auto chat = run(WireFormat::messages, WireFormat::chat, {std::string_view(messages_upstream).substr(0, 900)},
                        StreamEnd::upstream_failed);
  CHECK(check_chat_stream(chat, true).error.find("ended before the answer was complete") != std::string::npos);
}

TEST_CASE("a malformed upstream JSON chunk yields a clear error event and no crash") {
  const std::string upstream = chat_chunk(R"({"role":"assistant","content":""})") + chat_chunk(R"({"content":"Hi"})") +
                               "data: {\"choices\":[{\"delta\":{\"content\":\"x\"\n\n" +
                               chat_chunk(R"({"content":"more"})") + "data: [DONE]\n\n";
  for (const auto client : {WireFormat::messages, WireFormat::responses}) {
    StreamTranslator translator(WireFormat::chat, client, test_context());
    std::string out;
    translator.feed(upstream, out);
    translator.finish(out);
    const auto assembled = check_stream(client, out);
    CHECK(assembled.error.find("malformed chunk") != std::string::npos);
    CHECK(translator.summary().error.find("malformed chunk") != std::string::npos);
    CHECK(out.find("more") == std::string::npos);  // nothing after the broken chunk is relayed
  }
  for (const auto backend : {WireFormat::messages, WireFormat::responses}) {
    const auto out = run_whole(backend, WireFormat::chat, "event: x\ndata: {oops}\n\n");
    CHECK(check_chat_stream(out, true).error.find("malformed event") != std::string::npos);
  }
}

TEST_CASE("a malformed chunk with bytes that are not UTF-8 is quoted in an error event the client can parse") {
  const std::string upstream = chat_chunk(R"({"role":"assistant","content":""})") + "data: {\"id\":\"c\xa2\"}\n\n";
  for (const auto client : {WireFormat::messages, WireFormat::responses}) {
    StreamTranslator translator(WireFormat::chat, client, test_context());
    std::string out;
    translator.feed(upstream, out);
    translator.finish(out);
    const auto assembled = check_stream(client, out);
    CHECK(assembled.error.find("malformed chunk") != std::string::npos);
    CHECK(assembled.error.find("c\xEF\xBF\xBD") != std::string::npos);
  }
}

TEST_CASE("an error the backend reports mid-stream becomes the client's error event") {
  const auto recorded = read_golden("messages_tools.upstream.sse");
  const std::string overloaded =
      recorded.substr(0, recorded.find("\n\n", 600) + 2) +
      "event: error\ndata: "
      "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
  const auto responses = check_responses_stream(run_whole(WireFormat::messages, WireFormat::responses, overloaded));
  CHECK(responses.error == "the backend reported an error: Overloaded");
  const auto chat = chat_chunk(R"({"content":"a"})") + "data: {\"error\":{\"message\":\"CUDA out of memory\"}}\n\n";
  CHECK(check_messages_stream(run_whole(WireFormat::chat, WireFormat::messages, chat)).error ==
        "the backend reported an error: CUDA out of memory");
}

TEST_CASE("the summary reports usage, finish reason, tool calls and when the first content was relayed") {
  const auto upstream = read_golden("chat_tools.upstream.sse");
  StreamTranslator translator(WireFormat::chat, WireFormat::messages, test_context());
  std::string out;
  const auto first_event_end = upstream.find("\n\n") + 2;
  translator.feed(std::string_view(upstream).substr(0, first_event_end), out);
  CHECK_FALSE(translator.first_content_seen());  // the role chunk is not content
  CHECK(out.find("message_start") != std::string::npos);
  translator.feed(std::string_view(upstream).substr(first_event_end), out);
  CHECK(translator.first_content_seen());
  translator.finish(out);
  const auto& summary = translator.summary();
  CHECK(summary.upstream_id == "chatcmpl-7f3a");
  CHECK(summary.model == "qwen3-coder-30b");
  CHECK(summary.tool_calls == 3);
  CHECK(summary.finish_reason == FinishReason::tool_calls);
  CHECK_FALSE(summary.truncated);
  CHECK(summary.usage_reported);
  CHECK(summary.usage.input == 1850);
  CHECK(summary.usage.cache_read == 1536);
  CHECK(summary.usage.output == 96);
  CHECK(summary.usage.reasoning == 12);
  CHECK(summary.output_tokens() == 96);
  CHECK(summary.text_bytes == std::string("Let me run the test — \"quoted\" \u00e9\n").size());
  CHECK(summary.ended);
  CHECK(summary.error.empty());
}

TEST_CASE("tool calls whose argument deltas interleave still give whole tool_use blocks") {
  const std::string upstream =
      chat_chunk(R"({"role":"assistant","content":""})") +
      chat_chunk(
          R"({"tool_calls":[{"index":0,"id":"a","type":"function","function":{"name":"f","arguments":"{\"x\":"}}]})") +
      chat_chunk(
          R"({"tool_calls":[{"index":1,"id":"b","type":"function","function":{"name":"g","arguments":"{\"y\":"}}]})") +
      chat_chunk(R"({"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]})") +
      chat_chunk(R"({"tool_calls":[{"index":1,"function":{"arguments":"2}"}}]})") +
      chat_chunk("{}", R"("tool_calls")") + "data: [DONE]\n\n";
  const auto assembled = check_messages_stream(run_whole(WireFormat::chat, WireFormat::messages, upstream));
  REQUIRE(assembled.tool_calls.size() == 2);
  CHECK(assembled.tool_calls[0] == std::pair<std::string, std::string>{"f", R"({"x":1})"});
  CHECK(assembled.tool_calls[1] == std::pair<std::string, std::string>{"g", R"({"y":2})"});
  const auto responses = check_responses_stream(run_whole(WireFormat::chat, WireFormat::responses, upstream));
  REQUIRE(responses.tool_calls.size() == 2);
  CHECK(responses.tool_calls[1].second == R"({"y":2})");
}

TEST_CASE("loose tool call deltas from local servers are assembled: shared index, no id, late name, object arguments") {
  const std::string upstream =
      chat_chunk(R"({"role":"assistant"})") +
      // two calls on index 0 told apart by their ids (Gemini-style)
      chat_chunk(R"({"tool_calls":[{"index":0,"id":"one","function":{"name":"f","arguments":"{}"}}]})") +
      chat_chunk(R"({"tool_calls":[{"index":0,"id":"two","function":{"name":"g","arguments":"{\"a\":1}"}}]})") +
      // no id at all, the name in a later chunk, arguments as an object
      chat_chunk(R"({"tool_calls":[{"index":2,"function":{"arguments":""}}]})") +
      chat_chunk(R"({"tool_calls":[{"index":2,"function":{"name":"h","arguments":{"b":true}}}]})") +
      chat_chunk("{}", R"("stop")") + "data: [DONE]\n\n";
  // through Messages and back to Chat: both encoders and both decoders see the loose shapes' result
  const auto via_messages = run_whole(WireFormat::chat, WireFormat::messages, upstream);
  const auto assembled = check_chat_stream(run_whole(WireFormat::messages, WireFormat::chat, via_messages), true);
  REQUIRE(assembled.tool_calls.size() == 3);
  CHECK(assembled.tool_calls[0].first == "f");
  CHECK(assembled.tool_calls[1].second == R"({"a":1})");
  CHECK(assembled.tool_calls[2].first == "h");
  CHECK(assembled.tool_calls[2].second == R"({"b":true})");
  CHECK(assembled.tool_ids[2] == "call_req7_2");  // generated: the client must be able to answer it
  CHECK(assembled.finish == "tool_calls");        // Ollama says "stop" after tool calls
}

TEST_CASE("think tags split across chunks become reasoning, and the blank line after them is dropped") {
  const auto out = run_whole(WireFormat::chat, WireFormat::messages, read_golden("chat_think.upstream.sse"));
  const auto assembled = check_messages_stream(out);
  CHECK(assembled.reasoning == "\nUser wants a commit message. Keep it short.");
  CHECK(assembled.text == "Fix parser: keep trailing commas");
  auto keep = test_context();
  keep.think_tags = ThinkTags::keep;
  const auto kept = check_messages_stream(
      run_whole(WireFormat::chat, WireFormat::messages, read_golden("chat_think.upstream.sse"), keep));
  CHECK(kept.reasoning.empty());
  CHECK(kept.text.starts_with("<think>"));
}

TEST_CASE("a token-limit stop is reported as truncation in every client format") {
  const std::string upstream =
      chat_chunk(R"({"content":"partial"})") + chat_chunk("{}", R"("length")") + "data: [DONE]\n\n";
  CHECK(check_messages_stream(run_whole(WireFormat::chat, WireFormat::messages, upstream)).finish == "max_tokens");
  const auto responses = run_whole(WireFormat::chat, WireFormat::responses, upstream);
  CHECK(check_responses_stream(responses).finish == "incomplete");
  CHECK(responses.find(R"("incomplete_details":{"reason":"max_output_tokens"})") != std::string::npos);
  StreamTranslator translator(WireFormat::chat, WireFormat::messages, test_context());
  std::string out;
  translator.feed(upstream, out);
  CHECK(translator.summary().truncated);
  const auto anthropic = std::string(
      "event: message_start\ndata: "
      "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"c\",\"usage\":{\"input_tokens\":5}}}\n\n"
      "event: content_block_start\ndata: "
      "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
      "event: content_block_delta\ndata: "
      "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"cut\"}}\n\n"
      "event: message_delta\ndata: "
      "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"},\"usage\":{\"output_tokens\":3}}\n\n"
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
  CHECK(check_chat_stream(run_whole(WireFormat::messages, WireFormat::chat, anthropic), true).finish == "length");
}

/// The data of a Messages stream's message_delta event.
boost::json::object message_delta(std::string_view stream) {
  for (const auto& event : parse_events(stream))
    if (event.event == "message_delta") return boost::json::parse(event.data).as_object();
  FAIL("no message_delta event in: " << stream);
  return {};
}

TEST_CASE("a stop sequence that vLLM names in a stream reaches an Anthropic client as stop_sequence, with the string") {
  const std::string upstream = chat_chunk(R"({"content":"the answer"})") +
                               chat_chunk("{}", R"("stop","stop_reason":"</answer>")") + "data: [DONE]\n\n";
  const std::string out = run_whole(WireFormat::chat, WireFormat::messages, upstream);
  CHECK(check_messages_stream(out).finish == "stop_sequence");
  const boost::json::object delta = message_delta(out).at("delta").as_object();
  CHECK(delta.at("stop_reason") == "stop_sequence");
  CHECK(delta.at("stop_sequence") == "</answer>");
}

TEST_CASE("a stream that vLLM stopped on a stop token id, or that names no stop string, ends an Anthropic client's turn") {
  for (const std::string finish : {R"("stop","stop_reason":151645)", R"("stop","stop_reason":null)", R"("stop")"}) {
    CAPTURE(finish);
    const std::string upstream = chat_chunk(R"({"content":"the answer"})") + chat_chunk("{}", finish) + "data: [DONE]\n\n";
    const boost::json::object delta = message_delta(run_whole(WireFormat::chat, WireFormat::messages, upstream)).at("delta").as_object();
    CHECK(delta.at("stop_reason") == "end_turn");
    CHECK(delta.at("stop_sequence").is_null());
  }
}

TEST_CASE("a chat client that did not ask for usage gets no usage chunk, one that did gets it last") {
  auto context = test_context(false);
  const auto without =
      run_whole(WireFormat::messages, WireFormat::chat, read_golden("messages_tools.upstream.sse"), context);
  check_chat_stream(without, false);
  const auto with = run_whole(WireFormat::messages, WireFormat::chat, read_golden("messages_tools.upstream.sse"));
  const auto events = parse_events(with);
  REQUIRE(events.size() >= 2);
  CHECK(events[events.size() - 2].data.find(R"("choices":[],"usage")") != std::string::npos);
}

TEST_CASE("the same format on both sides passes bytes through and still fills the summary") {
  const auto upstream = read_golden("messages_tools.upstream.sse");
  StreamTranslator translator(WireFormat::messages, WireFormat::messages, test_context());
  std::string out;
  for (std::size_t i = 0; i < upstream.size(); i += 100)
    translator.feed(std::string_view(upstream).substr(i, 100), out);
  translator.finish(out);
  CHECK(out == upstream);
  CHECK(translator.summary().usage.output == 89);
  CHECK(translator.summary().usage.cache_read == 4096);
  CHECK(translator.summary().tool_calls == 1);
  CHECK(translator.summary().finish_reason == FinishReason::tool_calls);

  StreamTranslator dying(WireFormat::chat, WireFormat::chat, test_context());
  std::string relayed;
  const auto chat = read_golden("chat_tools.upstream.sse");
  dying.feed(std::string_view(chat).substr(0, 501), relayed);
  dying.finish(relayed, StreamEnd::upstream_failed);
  CHECK(relayed.starts_with(chat.substr(0, 501)));
  CHECK(relayed.ends_with("data: [DONE]\n\n"));
  CHECK(relayed.find("ended before the answer was complete") != std::string::npos);
}

TEST_CASE("observing a same-format stream fills the summary like feeding it, and does nothing across formats") {
  const auto upstream = read_golden("chat_tools.upstream.sse");
  StreamTranslator fed(WireFormat::chat, WireFormat::chat, test_context());
  StreamTranslator observed(WireFormat::chat, WireFormat::chat, test_context());
  std::string out;
  for (std::size_t i = 0; i < upstream.size(); i += 77) {
    std::string piece = upstream.substr(i, 77);
    fed.feed(piece, out);
    observed.observe(piece);
    piece.assign(piece.size(), '#');  // the relay reuses its read buffer
  }
  std::string end;
  fed.finish(out);
  observed.finish(end);
  CHECK(end.empty());
  const StreamSummary& a = fed.summary();
  const StreamSummary& b = observed.summary();
  CHECK(a.tool_calls == b.tool_calls);
  CHECK(a.text_bytes == b.text_bytes);
  CHECK(a.argument_bytes == b.argument_bytes);
  CHECK(a.usage.output == b.usage.output);
  CHECK(a.usage_reported == b.usage_reported);
  CHECK(a.finish_reason == b.finish_reason);
  CHECK(b.tool_calls > 0);

  StreamTranslator translating(WireFormat::chat, WireFormat::messages, test_context());
  translating.observe(upstream);
  CHECK_FALSE(translating.first_content_seen());
}

TEST_CASE("finishing twice or feeding after the end adds nothing") {
  StreamTranslator translator(WireFormat::chat, WireFormat::messages, test_context());
  std::string out;
  translator.feed(read_golden("chat_tools.upstream.sse"), out);
  translator.finish(out);
  const auto size = out.size();
  translator.finish(out, StreamEnd::upstream_failed);
  translator.feed(chat_chunk(R"({"content":"late"})"), out);
  CHECK(out.size() == size);
}

TEST_CASE("a backend that says tool_calls without calling a tool ends the turn normally") {
  const std::string upstream =
      chat_chunk(R"({"content":"nothing to run"})") + chat_chunk("{}", R"("tool_calls")") + "data: [DONE]\n\n";
  const auto via_messages = run_whole(WireFormat::chat, WireFormat::messages, upstream);
  CHECK(check_messages_stream(via_messages).finish == "end_turn");
  CHECK(check_chat_stream(run_whole(WireFormat::messages, WireFormat::chat, via_messages), true).finish == "stop");
}

TEST_CASE("llama.cpp's timings count the tokens of a stream that reports no usage") {
  StreamTranslator translator(WireFormat::chat, WireFormat::chat, test_context(false));
  std::string out;
  translator.feed(chat_chunk(R"({"role":"assistant","content":"Hi"})"), out);
  translator.feed(R"(data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"timings":{"cache_n":100,"prompt_n":23,"prompt_ms":12.5,"predicted_n":7,"predicted_ms":70.0}})"
                  "\n\ndata: [DONE]\n\n",
                  out);
  translator.finish(out, StreamEnd::clean);
  const StreamSummary& summary = translator.summary();
  CHECK(summary.usage_reported);
  CHECK(summary.usage.input == 123);
  CHECK(summary.usage.cache_read == 100);
  CHECK(summary.usage.output == 7);
}

TEST_CASE("a usage object wins over llama.cpp's timings when a stream sends both") {
  StreamTranslator translator(WireFormat::chat, WireFormat::chat, test_context(true));
  std::string out;
  translator.feed(chat_chunk(R"({"role":"assistant","content":"Hi"})", R"("stop")"), out);
  translator.feed(R"(data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":50,"completion_tokens":9},"timings":{"prompt_n":1,"predicted_n":1}})"
                  "\n\ndata: [DONE]\n\n",
                  out);
  translator.finish(out, StreamEnd::clean);
  CHECK(translator.summary().usage.input == 50);
  CHECK(translator.summary().usage.output == 9);
}

TEST_CASE("a tool called without arguments reaches Chat and Responses clients with \"{}\", which parses") {
  // Anthropic streams a parameterless call as `input: {}` and one empty input_json_delta.
  const std::string upstream =
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
      "\"role\":\"assistant\",\"model\":\"claude\",\"content\":[],\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}\n\n"
      "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
      "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"now\",\"input\":{}}}\n\n"
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
      "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}\n\n"
      "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
      "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},"
      "\"usage\":{\"output_tokens\":5}}\n\n"
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
  const auto chat = check_chat_stream(run_whole(WireFormat::messages, WireFormat::chat, upstream), true);
  REQUIRE(chat.tool_calls.size() == 1);
  CHECK(chat.tool_calls[0].second == "{}");
  CHECK(chat.finish == "tool_calls");
  const auto responses = check_responses_stream(run_whole(WireFormat::messages, WireFormat::responses, upstream));
  REQUIRE(responses.tool_calls.size() == 1);
  CHECK(responses.tool_calls[0] == std::pair<std::string, std::string>("now", "{}"));

  // A Chat backend that names the call and never sends arguments.
  const std::string bare = chat_chunk(R"({"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"now"}}]})") +
                           chat_chunk("{}", R"("tool_calls")") + "data: [DONE]\n\n";
  const auto from_chat = check_responses_stream(run_whole(WireFormat::chat, WireFormat::responses, bare));
  REQUIRE(from_chat.tool_calls.size() == 1);
  CHECK(from_chat.tool_calls[0].second == "{}");
}

TEST_CASE("a backend that fails before its first event still starts a Responses client's stream, then fails it") {
  // The openai SDK's responses.stream() rejects a stream whose first event is not response.created, and the
  // backend's message would be lost behind "expected 'response.created' event".
  const std::string context_error = "data: {\"error\":{\"message\":\"maximum context length is 4096 tokens\"}}\n\n";
  const auto failed = check_responses_stream(run_whole(WireFormat::chat, WireFormat::responses, context_error));
  CHECK(failed.error == "the backend reported an error: maximum context length is 4096 tokens");
  const auto events = parse_events(run_whole(WireFormat::chat, WireFormat::responses, context_error));
  REQUIRE(events.size() == 3);
  CHECK(events[1].event == "response.in_progress");
  CHECK(boost::json::parse(events[0].data).at("response").at("id") == boost::json::parse(events[2].data).at("response").at("id"));

  const auto malformed = check_responses_stream(run_whole(WireFormat::messages, WireFormat::responses, "data: {oops\n\n"));
  CHECK(malformed.error.find("malformed event") != std::string::npos);

  StreamTranslator dead(WireFormat::chat, WireFormat::responses, test_context());
  std::string out;
  dead.finish(out, StreamEnd::upstream_failed, "backend 'gpu' refused the connection");
  CHECK(check_responses_stream(out).error == "backend 'gpu' refused the connection");
}

TEST_CASE("a relayed Responses stream that breaks ends with one response.failed for the relayed response") {
  const std::string created =
      "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,"
      "\"response\":{\"id\":\"resp_up1\",\"object\":\"response\",\"status\":\"in_progress\",\"model\":\"gpt-5\",\"output\":[]}}\n\n";
  StreamTranslator relay(WireFormat::responses, WireFormat::responses, TranslationContext{});
  std::string out;
  relay.feed(created, out);
  relay.finish(out, StreamEnd::upstream_failed, "backend went away");
  const auto events = parse_events(out);
  REQUIRE(events.size() == 2);  // no second response.created
  CHECK(events[0].event == "response.created");
  const auto failed = boost::json::parse(events[1].data);
  CHECK(failed.at("type") == "response.failed");
  CHECK(failed.at("response").at("id") == "resp_up1");
  CHECK(failed.at("response").at("error").at("message") == "backend went away");
}

TEST_CASE("the response.failed added to a relayed Responses stream continues its sequence numbers") {
  const std::string created =
      "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,"
      "\"response\":{\"id\":\"resp_up1\",\"object\":\"response\",\"status\":\"in_progress\",\"model\":\"gpt-5\",\"output\":[]}}\n\n";
  const std::string delta =
      "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":6,"
      "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hel\"}\n\n";
  StreamTranslator relay(WireFormat::responses, WireFormat::responses, TranslationContext{});
  std::string out;
  relay.feed(created + delta, out);
  relay.feed(delta.substr(0, 40), out);  // cut inside the next event: its number was never seen whole
  relay.finish(out, StreamEnd::upstream_failed, "backend went away");
  const auto events = parse_events(out);
  REQUIRE(events.size() >= 3);
  const auto failed = boost::json::parse(events.back().data);
  CHECK(failed.at("type") == "response.failed");
  CHECK(failed.at("sequence_number") == 7);
  CHECK(failed.at("response").at("id") == "resp_up1");
  CHECK(relay.summary().last_sequence_number == 6);
}

TEST_CASE("the response.failed added to a relayed Responses stream carries the relayed response's created_at") {
  const std::string created =
      "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,"
      "\"response\":{\"id\":\"resp_up1\",\"object\":\"response\",\"created_at\":1764000000,"
      "\"status\":\"in_progress\",\"model\":\"gpt-5\",\"output\":[]}}\n\n";
  StreamTranslator relay(WireFormat::responses, WireFormat::responses, TranslationContext{});
  std::string out;
  relay.feed(created, out);
  relay.finish(out, StreamEnd::upstream_failed, "backend went away");
  const auto events = parse_events(out);
  REQUIRE(events.size() == 2);
  const auto failed = boost::json::parse(events[1].data);
  CHECK(failed.at("type") == "response.failed");
  CHECK(failed.at("response").at("created_at") == 1764000000);
  CHECK(relay.summary().created == 1764000000);

  // A translated stream keeps the proxy's own time, whatever the backend said.
  TranslationContext context;
  context.created = 1700000000;
  StreamTranslator translated(WireFormat::chat, WireFormat::responses, context);
  std::string translated_out;
  translated.finish(translated_out, StreamEnd::upstream_failed, "backend went away");
  for (const auto& event : parse_events(translated_out))
    CHECK(boost::json::parse(event.data).at("response").at("created_at") == 1700000000);
}

TEST_CASE("the summary parts of a Responses backend's reasoning stay separate paragraphs in the client's thinking") {
  const auto event = [](std::string_view type, std::string_view rest) {
    return "event: " + std::string(type) + "\ndata: {\"type\":\"" + std::string(type) + "\"," + std::string(rest) + "}\n\n";
  };
  const auto part = [&](int index, std::string_view text) {
    const std::string where = R"("item_id":"rs_1","output_index":0,"summary_index":)" + std::to_string(index);
    return event("response.reasoning_summary_part.added", where + R"(,"part":{"type":"summary_text","text":""})") +
           event("response.reasoning_summary_text.delta", where + R"(,"delta":")" + std::string(text) + "\"");
  };
  const std::string upstream =
      event("response.created", R"("response":{"id":"resp_1","status":"in_progress","model":"gpt-5","output":[]})") +
      event("response.output_item.added", R"("output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]})") +
      part(0, "**Plan**\\n\\nRead it.") + part(1, "**Then**\\n\\nFix it.") +
      event("response.output_item.added", R"("output_index":1,"item":{"id":"msg_1","type":"message","role":"assistant","content":[]})") +
      event("response.output_text.delta", R"("item_id":"msg_1","output_index":1,"content_index":0,"delta":"Done.")") +
      event("response.completed", R"("response":{"id":"resp_1","status":"completed","model":"gpt-5","output":[]})");
  const auto messages = check_messages_stream(run_whole(WireFormat::responses, WireFormat::messages, upstream));
  CHECK(messages.reasoning == "**Plan**\n\nRead it.\n\n**Then**\n\nFix it.");
  CHECK(messages.text == "Done.");
  CHECK(check_chat_stream(run_whole(WireFormat::responses, WireFormat::chat, upstream), true).reasoning ==
        "**Plan**\n\nRead it.\n\n**Then**\n\nFix it.");
}

TEST_CASE("a backend token count too large for an integer is taken as not reported") {
  const std::string upstream =
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
      "\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"usage\":{\"input_tokens\":10,"
      "\"cache_read_input_tokens\":1e36,\"output_tokens\":1}}}\n\n"
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
  StreamTranslator translator(WireFormat::messages, WireFormat::chat, test_context());
  std::string out;
  translator.feed(upstream, out);
  translator.finish(out);
  CHECK(translator.summary().usage.input == 10);
  CHECK(translator.summary().usage.cache_read == 0);
}

TEST_CASE("absurd token counts from a backend (2^63 - 1, negative) are taken as not reported, never summed") {
  const std::string upstream =
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
      "\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"usage\":{\"input_tokens\":9223372036854775807,"
      "\"cache_read_input_tokens\":9223372036854775807,\"cache_creation_input_tokens\":-5,\"output_tokens\":-1}}}\n\n"
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
  StreamTranslator translator(WireFormat::messages, WireFormat::chat, test_context());
  std::string out;
  translator.feed(upstream, out);
  translator.finish(out);
  CHECK(translator.summary().usage.input == 0);
  CHECK(translator.summary().usage.output == 0);
}
