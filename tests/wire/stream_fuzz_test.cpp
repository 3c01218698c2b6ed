// Randomised stream tests: generated chat streams and mutated recordings must always give
// well-formed client streams, whatever the split.
#include <doctest/doctest.h>

#include <random>

#include "wire/stream_translator.hpp"
#include "wire_test_helpers.hpp"

namespace {

using namespace llmroute::wire;
using namespace llmroute::wire::testing;

std::string chunk(const std::string& delta, const std::string& finish = "null") {
  return R"(data: {"id":"g","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":)" +
         delta + R"(,"finish_reason":)" + finish + "}]}\n\n";
}

std::string quoted(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

struct Generated {
  std::string upstream;
  std::string text;
  std::string reasoning;
  std::vector<std::pair<std::string, std::string>> calls;  // name, arguments in order of first appearance
};

/// A chat stream as local servers send them: reasoning, then text, then tool calls whose argument
/// pieces may interleave, with or without finish reason, usage and [DONE].
Generated generate(std::mt19937& rng) {
  static const std::vector<std::string> kWords = {"fix", " the", " parser", "\n",        " \"quoted\"", " é",  " {}",
                                                  " \\", "\t",   " 😀",      " </think>", " <b>",        " ok."};
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  Generated g;
  g.upstream = chunk(R"({"role":"assistant","content":""})");
  for (std::size_t i = pick(4); i > 0; --i) {
    const auto& word = kWords[pick(kWords.size())];
    g.reasoning += word;
    g.upstream += chunk(R"({"reasoning_content":)" + quoted(word) + "}");
  }
  for (std::size_t i = pick(6); i > 0; --i) {
    const auto& word = kWords[pick(kWords.size())];
    if (g.text.empty() && word.find('<') != std::string::npos) continue;
    g.text += word;
    g.upstream += chunk(R"({"content":)" + quoted(word) + "}");
  }
  const auto call_count = pick(4);
  std::vector<std::vector<std::string>> pieces(call_count);
  for (std::size_t c = 0; c < call_count; ++c) {
    const std::string name = "tool_" + std::to_string(c);
    const std::string arguments =
        R"({"path":"src/)" + std::to_string(rng() % 1000) + R"(.py","lines":[1,2],"note":"a\"b"})";
    g.calls.emplace_back(name, arguments);
    std::size_t at = 0;
    while (at < arguments.size()) {
      const auto length = 1 + pick(9);
      pieces[c].push_back(arguments.substr(at, length));
      at += length;
    }
  }
  std::vector<std::size_t> next(call_count, 0);
  std::size_t begun = 0;
  while (true) {
    std::vector<std::size_t> ready;
    for (std::size_t c = 0; c < call_count; ++c) {
      if (next[c] < pieces[c].size() && c <= begun) ready.push_back(c);
    }
    if (ready.empty()) break;
    const auto c = ready[pick(ready.size())];
    const auto index = std::to_string(c);
    const auto piece = quoted(pieces[c][next[c]]);
    if (next[c] == 0) {
      g.upstream +=
          chunk(R"({"tool_calls":[{"index":)" + index + R"(,"id":"call_)" + index +
                R"(","type":"function","function":{"name":"tool_)" + index + R"(","arguments":)" + piece + "}}]}");
      if (c == begun && begun + 1 < call_count) ++begun;
    } else {
      g.upstream += chunk(R"({"tool_calls":[{"index":)" + index + R"(,"function":{"arguments":)" + piece + "}}]}");
    }
    ++next[c];
  }
  if (pick(3) != 0) g.upstream += chunk("{}", call_count > 0 ? R"("tool_calls")" : R"("stop")");
  if (pick(2) != 0)
    g.upstream += R"(data: {"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5}})"
                  "\n\n";
  if (pick(3) != 0) g.upstream += "data: [DONE]\n\n";
  return g;
}

std::string translate(WireFormat backend, WireFormat client, std::string_view upstream, std::mt19937& rng) {
  TranslationContext context;
  context.request_id = "f";
  context.include_usage = true;
  StreamTranslator translator(backend, client, context);
  std::string out;
  std::size_t at = 0;
  while (at < upstream.size()) {
    const auto length = 1 + rng() % 64;
    translator.feed(upstream.substr(at, length), out);
    at += length;
  }
  translator.finish(out);
  return out;
}

/// Every event parses and the stream ends with the format's terminal event.
void check_terminated(WireFormat client, std::string_view out) {
  const auto events = parse_events(out);
  REQUIRE(!events.empty());
  for (const auto& event : events) {
    if (event.data != "[DONE]") CHECK_MESSAGE(valid_json_object(event.data), event.data);
  }
  const auto& last = events.back();
  switch (client) {
    case WireFormat::chat:
      CHECK(last.data == "[DONE]");
      break;
    case WireFormat::messages:
      CHECK((last.event == "message_stop" || last.event == "error"));
      break;
    case WireFormat::responses:
      CHECK((last.event == "response.completed" || last.event == "response.failed"));
      break;
  }
}

}  // namespace

TEST_CASE("generated chat streams with interleaved tool calls always reach every client whole") {
  std::mt19937 rng(20250101);
  for (int round = 0; round < 400; ++round) {
    CAPTURE(round);
    const auto g = generate(rng);
    CAPTURE(g.upstream);
    const auto messages = check_messages_stream(translate(WireFormat::chat, WireFormat::messages, g.upstream, rng));
    CHECK(messages.error.empty());
    CHECK(messages.text == g.text);
    CHECK(messages.reasoning == g.reasoning);
    CHECK(messages.tool_calls == g.calls);
    CHECK(messages.finish == (g.calls.empty() ? "end_turn" : "tool_use"));

    const auto responses_stream = translate(WireFormat::chat, WireFormat::responses, g.upstream, rng);
    const auto responses = check_responses_stream(responses_stream);
    CHECK(responses.text == g.text);
    CHECK(responses.tool_calls == g.calls);

    // and back: Messages and Responses streams decoded into chat chunks keep everything
    const auto chat_from_messages =
        check_chat_stream(translate(WireFormat::messages, WireFormat::chat,
                                    translate(WireFormat::chat, WireFormat::messages, g.upstream, rng), rng),
                          true);
    CHECK(chat_from_messages.text == g.text);
    CHECK(chat_from_messages.tool_calls == g.calls);
    const auto chat_from_responses =
        check_chat_stream(translate(WireFormat::responses, WireFormat::chat, responses_stream, rng), true);
    CHECK(chat_from_responses.text == g.text);
    CHECK(chat_from_responses.reasoning == g.reasoning);
    CHECK(chat_from_responses.tool_calls == g.calls);
  }
}

TEST_CASE("recorded streams with random bytes damaged still end in a well-formed client stream") {
  std::mt19937 rng(7);
  const std::pair<const char*, WireFormat> recordings[] = {
      {"chat_tools.upstream.sse", WireFormat::chat},
      {"messages_tools.upstream.sse", WireFormat::messages},
      {"responses_tools.upstream.sse", WireFormat::responses},
  };
  const char kNoise[] = "{}[]\":,\\\n\r x0-";
  for (const auto& [file, backend] : recordings) {
    const auto recorded = read_golden(file);
    for (int round = 0; round < 150; ++round) {
      auto damaged = recorded;
      for (int hits = 1 + static_cast<int>(rng() % 3); hits > 0; --hits) {
        damaged[rng() % damaged.size()] = kNoise[rng() % (sizeof kNoise - 1)];
      }
      if (rng() % 4 == 0) damaged.resize(rng() % damaged.size());
      for (const auto client : {WireFormat::chat, WireFormat::messages, WireFormat::responses}) {
        if (client == backend) continue;
        CAPTURE(file);
        CAPTURE(damaged);
        check_terminated(client, translate(backend, client, damaged, rng));
      }
    }
  }
}
