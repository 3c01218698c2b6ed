// Tests of the simulator's answers: determinism, length, quality, think blocks, tool calls.
#include "simulator/answer.hpp"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

using namespace llmroute::simulator;

namespace {

AnswerSpec spec_of(int tokens) {
  AnswerSpec spec;
  spec.tokens = tokens;
  spec.seed = 42;
  return spec;
}

/// The text a client sees, with JSON escapes undone.
std::string decoded(const Answer& answer, PieceKind kind) {
  return std::string(boost::json::parse("\"" + answer.joined(kind) + "\"").as_string());
}

}  // namespace

TEST_CASE("an answer has exactly the requested number of tokens") {
  for (const int tokens : {0, 1, 5, 32, 500}) {
    const auto answer = build_text_answer(spec_of(tokens));
    CHECK(answer.pieces.size() == static_cast<std::size_t>(tokens));
    CHECK(answer.completion_tokens == tokens);
    CHECK(answer.finish == FinishReason::stop);
  }
}

TEST_CASE("the same seed gives the same answer and another seed a different one") {
  const auto first = build_text_answer(spec_of(200));
  const auto again = build_text_answer(spec_of(200));
  auto other_spec = spec_of(200);
  other_spec.seed = 43;
  const auto other = build_text_answer(other_spec);
  CHECK(first.joined(PieceKind::content) == again.joined(PieceKind::content));
  CHECK(first.joined(PieceKind::content) != other.joined(PieceKind::content));
}

TEST_CASE("every token is valid JSON string content, including quotes, backslashes and UTF-8") {
  const auto answer = build_text_answer(spec_of(3000));
  bool saw_escape = false;
  for (const auto& piece : answer.pieces) {
    saw_escape = saw_escape || piece.text.find('\\') != std::string_view::npos;
    const auto value = boost::json::parse("\"" + std::string(piece.text) + "\"");
    CHECK(value.is_string());
  }
  CHECK(saw_escape);
  CHECK(decoded(answer, PieceKind::content).find("```") != std::string::npos);
}

TEST_CASE("max_tokens cuts a longer answer and reports finish reason length") {
  auto spec = spec_of(32);
  spec.max_tokens = 10;
  const auto answer = build_text_answer(spec);
  CHECK(answer.pieces.size() == 10);
  CHECK(answer.completion_tokens == 10);
  CHECK(answer.finish == FinishReason::length);
  spec.max_tokens = 32;
  CHECK(build_text_answer(spec).finish == FinishReason::stop);
}

TEST_CASE("a poor answer is shorter and carries the mistake marker") {
  auto spec = spec_of(32);
  spec.quality = Quality::poor;
  const auto answer = build_text_answer(spec);
  CHECK(answer.pieces.size() == 16);
  CHECK(decoded(answer, PieceKind::content).find(kMistakeMarker) != std::string::npos);
  CHECK(decoded(build_text_answer(spec_of(32)), PieceKind::content).find(kMistakeMarker) == std::string::npos);
}

TEST_CASE("the simulator name opens the answer so two simulators can be told apart") {
  auto spec = spec_of(5);
  spec.name = "alpha \"one\"";
  const auto answer = build_text_answer(spec);
  CHECK(decoded(answer, PieceKind::content).starts_with("[alpha \"one\"] Here"));
  CHECK(answer.pieces.size() == 5);
}

TEST_CASE("an inline think block precedes the answer and counts as output, not reasoning") {
  auto spec = spec_of(5);
  spec.think_tokens = 6;
  const auto answer = build_text_answer(spec);
  const auto text = decoded(answer, PieceKind::content);
  CHECK(text.starts_with("<think>\n"));
  CHECK(text.find("</think>\n\n") != std::string::npos);
  CHECK(answer.completion_tokens == 11);
  CHECK(answer.reasoning_tokens == 0);
}

TEST_CASE("a think block in the reasoning field is reported as reasoning tokens") {
  auto spec = spec_of(5);
  spec.think_tokens = 6;
  spec.think_style = ThinkStyle::field;
  const auto answer = build_text_answer(spec);
  CHECK(decoded(answer, PieceKind::reasoning).find("<think>") == std::string::npos);
  CHECK(decoded(answer, PieceKind::content).find("<think>") == std::string::npos);
  CHECK(answer.reasoning_tokens == 6);
  CHECK(answer.completion_tokens == 11);
}

TEST_CASE("a tool call streams its arguments in pieces that join into the arguments object") {
  ToolSpec tool;
  tool.name = "read_file";
  tool.argument = "path";
  const auto answer = build_tool_call_answer(tool, spec_of(32));
  REQUIRE(answer.tool_call);
  CHECK(answer.tool_call->name == "read_file");
  CHECK(answer.tool_call->id_suffix.size() == 24);
  CHECK(answer.tool_call->arguments_json == R"({"path":"README.md"})");
  CHECK(answer.pieces.size() == 3);
  CHECK(decoded(answer, PieceKind::tool_arguments) == answer.tool_call->arguments_json);
  CHECK(answer.finish == FinishReason::tool_calls);

  tool.argument = "line";
  tool.argument_kind = ArgumentKind::integer;
  CHECK(build_tool_call_answer(tool, spec_of(1)).tool_call->arguments_json == R"({"line":1})");
  tool.argument.clear();
  CHECK(build_tool_call_answer(tool, spec_of(1)).tool_call->arguments_json == "{}");
}

TEST_CASE("a stop string ends a prose answer before it, as vLLM does, counting the tokens up to its end") {
  const std::vector<std::string> stops = {"never said", " answer"};
  auto spec = spec_of(32);
  spec.stop = stops;
  const auto answer = build_text_answer(spec);
  CHECK(decoded(answer, PieceKind::content) == "Here is a simulated");
  CHECK(answer.finish == FinishReason::stop);
  CHECK(answer.stop_sequence == " answer");
  CHECK(answer.completion_tokens == 5);  // "Here", " is", " a", " simulated", " answer"

  // Inside a token, the token keeps what comes before the stop string.
  const std::vector<std::string> inside = {"mulated"};
  spec.stop = inside;
  CHECK(decoded(build_text_answer(spec), PieceKind::content) == "Here is a si");
}

TEST_CASE("a stop string matches what the client sees, never inside an escape, and max_tokens wins when it comes first") {
  // The name opens the answer with a backslash before an "n", escaped \\n: a stop string of a newline (escaped
  // \n) must not match its second half, only a newline of the answer's code. A quote matches the escaped quote.
  auto spec = spec_of(3000);
  spec.name = "C:\\new";
  const auto whole = decoded(build_text_answer(spec), PieceKind::content);
  REQUIRE(whole.starts_with("[C:\\new] "));
  const std::vector<std::string> newline = {"\n"};
  spec.stop = newline;
  const auto at_newline = decoded(build_text_answer(spec), PieceKind::content);
  CHECK(at_newline == whole.substr(0, whole.find('\n')));
  CHECK(at_newline.size() > 20);
  const std::vector<std::string> quote = {"=\"utf"};
  spec.stop = quote;
  const auto cut = build_text_answer(spec);
  CHECK(cut.stop_sequence == "=\"utf");
  CHECK(decoded(cut, PieceKind::content) == whole.substr(0, whole.find("=\"utf")));

  auto short_spec = spec_of(32);
  short_spec.max_tokens = 3;
  const std::vector<std::string> late = {" simulated"};
  short_spec.stop = late;
  const auto truncated = build_text_answer(short_spec);
  CHECK(truncated.finish == FinishReason::length);
  CHECK(truncated.stop_sequence.empty());
  CHECK(truncated.completion_tokens == 3);
  short_spec.max_tokens = 4;
  CHECK(build_text_answer(short_spec).stop_sequence == " simulated");
}
