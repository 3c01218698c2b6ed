// Tests of answer reassembly from streams: text, reasoning, tool calls, the byte cap.
#include "wire/answer_collector.hpp"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>

#include "wire/stream_translator.hpp"

namespace {

using namespace llmroute::wire;

TEST_CASE("a kept answer joins text deltas and keeps reasoning apart") {
  AnswerCollector answer(1000);
  answer.reasoning("let me ");
  answer.reasoning("think");
  answer.text("Hello, ");
  answer.text("world");
  CHECK(answer_text(answer.items()) == "Hello, world");
  CHECK(answer_reasoning(answer.items()) == "let me think");
  CHECK(tool_calls_json(answer.items()).empty());
  CHECK_FALSE(answer.clipped());
}

TEST_CASE("interleaved tool-call arguments land in their own call") {
  AnswerCollector answer(1000);
  answer.tool_begin(0, "call_a", "read_file");
  answer.tool_begin(1, "call_b", "grep");
  answer.tool_arguments(1, R"({"pattern":)");
  answer.tool_arguments(0, R"({"path":"README.md"})");
  answer.tool_arguments(1, R"("TODO"})");
  answer.tool_arguments(7, "ignored: never begun");
  CHECK(tool_calls_json(answer.items()) ==
        R"([{"id":"call_a","name":"read_file","arguments":{"path":"README.md"}},)"
        R"({"id":"call_b","name":"grep","arguments":{"pattern":"TODO"}}])");
}

TEST_CASE("tool arguments that are not valid JSON are kept as a string") {
  AnswerCollector answer(1000);
  answer.tool_begin(0, "c", "apply_patch");
  answer.tool_arguments(0, "{\"patch\": \"unterminated");
  const auto calls = boost::json::parse(tool_calls_json(answer.items())).as_array();
  CHECK(calls[0].at("arguments").as_string() == "{\"patch\": \"unterminated");
}

TEST_CASE("an answer longer than the cap is clipped and says so") {
  AnswerCollector answer(8);
  answer.text("12345");
  answer.text("67890");
  answer.text("more");
  CHECK(answer_text(answer.items()) == "12345678");
  CHECK(answer.clipped());
  CHECK(collect_items(answer.items(), 3).clipped());
  CHECK(answer_text(collect_items(answer.items(), 3).items()) == "123");
}

TEST_CASE("a stream translator keeps the answer only when asked, translating or not") {
  const std::string chat =
      "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"}}]}\n\n"
      "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"},\"finish_reason\":\"stop\"}]}\n\n"
      "data: [DONE]\n\n";
  for (WireFormat client : {WireFormat::chat, WireFormat::messages}) {
    StreamTranslator plain(WireFormat::chat, client, {});
    std::string out;
    plain.feed(chat, out);
    CHECK(plain.answer() == nullptr);

    StreamTranslator kept(WireFormat::chat, client, {});
    kept.keep_answer(1024);
    std::string kept_out;
    kept.feed(chat, kept_out);
    kept.finish(kept_out);
    REQUIRE(kept.answer() != nullptr);
    CHECK(answer_text(kept.answer()->items()) == "Hi there");
    // Keeping the answer never changes what the client gets.
    plain.finish(out);
    CHECK(kept_out == out);
  }
}

}  // namespace
