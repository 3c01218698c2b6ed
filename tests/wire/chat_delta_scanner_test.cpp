// Tests of the plain Chat chunk scanner: the shapes it reads, the ones it leaves to the full parser, and
// that whatever it accepts reads exactly as a strict JSON parser with the Chat decoder's rules reads it.
#include "wire/chat_delta_scanner.hpp"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <random>
#include <string>
#include <vector>

namespace {

using namespace llmroute::wire;

/// What the Chat decoder takes from a chunk, computed with Boost.JSON; nullopt where the decoder would
/// do anything but add text (or where the chunk is not JSON at all).
struct Expected {
  std::string reasoning;
  std::string content;
};

std::optional<std::string> text_or_null(const boost::json::object& object, std::string_view key, bool& ok) {
  const auto* value = object.if_contains(key);
  if (!value || value->is_null()) return std::string();
  if (!value->is_string()) ok = false;
  return ok ? std::optional<std::string>(std::string(value->as_string())) : std::nullopt;
}

std::optional<Expected> reference(std::string_view data) {
  boost::system::error_code ec;
  const boost::json::value document = boost::json::parse(data, ec);
  if (ec || !document.is_object()) return std::nullopt;
  const auto& top = document.as_object();
  for (const char* key : {"error", "usage", "timings"})
    if (const auto* value = top.if_contains(key); value && !value->is_null()) return std::nullopt;
  Expected expected;
  const auto* choices = top.if_contains("choices");
  if (!choices) return expected;
  if (!choices->is_array() || choices->as_array().size() > 1) return std::nullopt;
  if (choices->as_array().empty()) return expected;
  const auto& choice_value = choices->as_array()[0];
  if (!choice_value.is_object()) return std::nullopt;
  const auto& choice = choice_value.as_object();
  if (const auto* index = choice.if_contains("index"); index && !(index->is_int64() && index->as_int64() == 0)) return std::nullopt;
  if (const auto* finish = choice.if_contains("finish_reason"); finish && !finish->is_null()) return std::nullopt;
  const auto* delta_value = choice.if_contains("delta");
  if (!delta_value) return expected;
  if (!delta_value->is_object()) return std::nullopt;
  const auto& delta = delta_value->as_object();
  if (const auto* tools = delta.if_contains("tool_calls"); tools && !tools->is_null()) return std::nullopt;
  bool ok = true;
  const auto reasoning_content = text_or_null(delta, "reasoning_content", ok);
  const auto reasoning = text_or_null(delta, "reasoning", ok);
  const auto content = text_or_null(delta, "content", ok);
  if (!ok) return std::nullopt;
  expected.reasoning = reasoning_content->empty() ? *reasoning : *reasoning_content;
  expected.content = *content;
  return expected;
}

constexpr std::string_view kSimulatorChunk =
    R"({"id":"chatcmpl-910a2dec","object":"chat.completion.chunk","created":1795472966,"model":"m",)"
    R"("system_fingerprint":"fp_sim","choices":[{"index":0,"delta":{"content":" simulated"},"logprobs":null,)"
    R"("finish_reason":null}],"usage":null})";

const std::vector<std::string> kPlainChunks = {
    std::string(kSimulatorChunk),
    // vLLM
    R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"qwen","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]})",
    // Ollama: role with every chunk
    R"({"id":"chatcmpl-397","object":"chat.completion.chunk","created":1737,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"The"},"finish_reason":null}]})",
    // llama.cpp: other key order, reasoning_content
    R"({"choices":[{"finish_reason":null,"index":0,"delta":{"reasoning_content":"Let me think"}}],"created":1,"id":"chatcmpl-x","model":"gpt-oss","system_fingerprint":"b1","object":"chat.completion.chunk"})",
    // OpenRouter / Groq: `reasoning`, extra members
    R"({"id":"gen-1","provider":"Groq","model":"m","object":"chat.completion.chunk","created":2,"choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":"hmm","refusal":null},"finish_reason":null,"native_finish_reason":null,"logprobs":{"content":[{"token":"x","logprob":-0.25,"bytes":[120],"top_logprobs":[]}]}}],"x_groq":{"id":"req_1"}})",
    // whitespace everywhere, escapes, non-ASCII
    " { \"choices\" : [ { \"delta\" : { \"content\" : \"line\\nnext \\\"q\\\" \\u00e9\\ud83d\\ude00 caf\xc3\xa9 \\/ \\\\\" } } ] } ",
    // no choices at all, and empty choices without usage
    R"({"id":"x","object":"chat.completion.chunk"})",
    R"({"id":"x","choices":[],"usage":null})",
    // OpenAI's obfuscation padding and a number with exponent
    R"({"id":"c","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}],"obfuscation":"k2Vn","created":1.5e9})",
};

const std::vector<std::string> kOtherChunks = {
    R"({"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})",
    R"({"id":"c","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}})",
    R"({"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"f","arguments":""}}]}}]})",
    R"({"error":{"message":"overloaded"}})",
    R"({"id":"c","choices":[{"index":0,"delta":{"content":"a"}}],"timings":{"predicted_n":3}})",
    R"({"id":"c","choices":[{"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"}}]})",
    R"({"id":"c","choices":[{"index":1,"delta":{"content":"a"}}]})",
    R"({"id":"c","choices":[{"index":0.0,"delta":{"content":"a"}}]})",
    R"({"id":"c","choices":[{"index":0,"delta":{"content":"a","content":"b"}}]})",
    R"({"id":"c","choices":[{"index":0,"delta":{"content":["part"]}}]})",
    R"({"id":"c","choices":[{"index":0,"delta":null}]})",
    R"({"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"tr)",
    R"({"id":"c","choices":[{"index":0,"delta":{"content":"a\q"}}]})",
    R"({"id":"c","choices":[{"index":0,"delta":{"content":"\ud800"}}]})",
    "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\x01\"}}]}",
    "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\xc3\x28\"}}]}",
    R"({"id":"c","choices":[]} trailing)",
    R"([{"id":"c"}])",
    R"({"id":"c","n":01})",
    R"({"id":"c","n":1e400})",
    R"({"cont\u0065nt":"x"})",
    "",
    "[DONE]",
};

void check_matches_reference(ChatDeltaScanner& scanner, std::string_view data) {
  const auto scanned = scanner.scan(data);
  if (!scanned) return;
  const auto expected = reference(data);
  INFO("chunk: ", std::string(data));
  REQUIRE(expected.has_value());
  CHECK(scanned->reasoning == expected->reasoning);
  CHECK(scanned->content == expected->content);
}

}  // namespace

TEST_CASE("the plain text chunks of the common servers are read without the JSON parser, as the parser reads them") {
  for (const std::string& chunk : kPlainChunks) {
    INFO("chunk: ", chunk);
    ChatDeltaScanner scanner;
    const auto scanned = scanner.scan(chunk);
    REQUIRE(scanned.has_value());
    const auto expected = reference(chunk);
    REQUIRE(expected.has_value());
    CHECK(scanned->reasoning == expected->reasoning);
    CHECK(scanned->content == expected->content);
  }
}

TEST_CASE("escaped text is unescaped like a JSON parser does, surrogate pairs included") {
  ChatDeltaScanner scanner;
  const auto scanned = scanner.scan(kPlainChunks[5]);
  REQUIRE(scanned.has_value());
  CHECK(scanned->content == "line\nnext \"q\" \xc3\xa9\xf0\x9f\x98\x80 caf\xc3\xa9 / \\");
}

TEST_CASE("chunks that finish, report usage, call tools, fail or are not valid JSON go to the full parser") {
  for (const std::string& chunk : kOtherChunks) {
    INFO("chunk: ", chunk);
    ChatDeltaScanner fresh;
    CHECK_FALSE(fresh.scan(chunk).has_value());
    // Also after a plain chunk was remembered: the comparison with the last chunk must not let them through.
    ChatDeltaScanner warmed;
    REQUIRE(warmed.scan(kSimulatorChunk).has_value());
    CHECK_FALSE(warmed.scan(chunk).has_value());
  }
}

TEST_CASE("a chunk like the last one but with other text is read from the difference alone, with the same result") {
  ChatDeltaScanner scanner;
  REQUIRE(scanner.scan(kSimulatorChunk).has_value());
  std::string next(kSimulatorChunk);
  next.replace(next.find(" simulated"), 10, " esc\\\"aped\\n \\u00fc");
  const auto scanned = scanner.scan(next);
  REQUIRE(scanned.has_value());
  CHECK(scanned->content == " esc\"aped\n \xc3\xbc");
  // The same text with a finish reason after it differs in the tail: not plain any more.
  std::string finishing(kSimulatorChunk);
  finishing.replace(finishing.find("\"finish_reason\":null"), 20, "\"finish_reason\":\"stop\"");
  CHECK_FALSE(scanner.scan(finishing).has_value());
  // An unterminated string cannot borrow the tail of the remembered chunk.
  std::string cut(kSimulatorChunk);
  cut.replace(cut.find(" simulated\""), 11, " simulated\\\"");
  CHECK_FALSE(scanner.scan(cut).has_value());
}

TEST_CASE("whatever damaged chunk the scanner accepts, a strict JSON parser reads the same text from it") {
  std::mt19937 random(20261123);
  const std::string alphabet = "{}[]\",:\\ 0123456789eE.-+ntrufalsu\x01\x7f\xc3\xa9\xff";
  std::size_t accepted = 0;
  for (const std::string& base : kPlainChunks) {
    for (int round = 0; round < 800; ++round) {
      std::string chunk = base;
      const int edits = 1 + static_cast<int>(random() % 3);
      for (int e = 0; e < edits && !chunk.empty(); ++e) {
        const std::size_t at = random() % chunk.size();
        const char c = alphabet[random() % alphabet.size()];
        switch (random() % 3) {
          case 0: chunk[at] = c; break;
          case 1: chunk.insert(chunk.begin() + static_cast<std::ptrdiff_t>(at), c); break;
          default: chunk.erase(at, 1); break;
        }
      }
      ChatDeltaScanner fresh;
      check_matches_reference(fresh, chunk);
      // And through the remembered-chunk comparison.
      ChatDeltaScanner warmed;
      REQUIRE(warmed.scan(base).has_value());
      if (warmed.scan(chunk)) ++accepted;
      ChatDeltaScanner again;
      REQUIRE(again.scan(base).has_value());
      check_matches_reference(again, chunk);
    }
  }
  CHECK(accepted > 0);
}
