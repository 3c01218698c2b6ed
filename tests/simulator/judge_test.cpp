// Tests of judge mode, verbatim answers and the stand-in tokenizer.
#include "simulator/judge.hpp"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "simulator/answer.hpp"
#include "simulator/tokenizer.hpp"

using namespace llmroute::simulator;
namespace json = boost::json;

namespace {

constexpr std::string_view kTagged =
    "LLMROUTE-JUDGE\n<answer_a>short</answer_a>\n<answer_b>a much longer answer</answer_b>\n";

}  // namespace

TEST_CASE("the judged answers are found between tags or after Answer A / Answer B headings") {
  const auto tagged = find_judged_answers(kTagged);
  CHECK(tagged.a == "short");
  CHECK(tagged.b == "a much longer answer");
  const auto headed = find_judged_answers("Judge these.\n## Answer A\nfirst\n## Answer B\nsecond one\n");
  CHECK(headed.a == "\nfirst\n");
  CHECK(headed.b == "\nsecond one\n");
  const auto inline_answers = find_judged_answers("Answer A: yes\nAnswer B: no way");
  CHECK(inline_answers.a == ": yes\n");
  CHECK(inline_answers.b == ": no way");
  const auto none = find_judged_answers("no answers here");
  CHECK(none.a.empty());
  CHECK(none.b.empty());
}

TEST_CASE("a judge that prefers the longer answer names it the winner with full scores") {
  const auto verdict = json::parse(judge_verdict(kTagged, JudgePreference::longer, VerdictForm::json));
  CHECK(verdict.at("winner") == "B");
  CHECK(verdict.at("scores").at("B").at("correctness") == 2);
  CHECK(verdict.at("scores").at("A").at("correctness") == 1);
  CHECK(verdict.at("reason").as_string().size() > 0);
}

TEST_CASE("a judge configured for A, B or tie says so regardless of length") {
  CHECK(json::parse(judge_verdict(kTagged, JudgePreference::a, VerdictForm::json)).at("winner") == "A");
  CHECK(json::parse(judge_verdict(kTagged, JudgePreference::b, VerdictForm::json)).at("winner") == "B");
  const auto tie = json::parse(judge_verdict(kTagged, JudgePreference::tie, VerdictForm::json));
  CHECK(tie.at("winner") == "tie");
  CHECK(tie.at("scores").at("A").at("completeness") == 2);
}

TEST_CASE("an answer carrying the mistake marker scores zero for correctness") {
  const auto verdict = json::parse(judge_verdict("<answer_a>ok</answer_a><answer_b>[sim-mistake] 2+2=5</answer_b>",
                                                 JudgePreference::longer, VerdictForm::json));
  CHECK(verdict.at("scores").at("B").at("correctness") == 0);
}

TEST_CASE("a malformed verdict is not valid JSON") {
  boost::system::error_code ec;
  json::parse(judge_verdict(kTagged, JudgePreference::a, VerdictForm::malformed), ec);
  CHECK(ec);
}

TEST_CASE("a verbatim answer reproduces its text exactly, in small pieces") {
  const std::string text = R"({"winner":"A","reason":"caf\u00e9 \"quoted\""} é✓)";
  AnswerSpec spec;
  const auto answer = build_verbatim_answer(text, spec);
  CHECK(answer.pieces.size() >= text.size() / 6);
  CHECK(json::parse("\"" + answer.joined(PieceKind::content) + "\"").as_string() == text);
  for (const auto& piece : answer.pieces) CHECK(json::parse("\"" + std::string(piece.text) + "\"").is_string());
}

TEST_CASE("the tokenizer gives about one token per four bytes, with stable ids and pieces") {
  const auto tokens = json::parse(tokenize_json("hello world!", TokenPieces::omit)).at("tokens").as_array();
  CHECK(tokens.size() == 3);
  const auto again = json::parse(tokenize_json("hello world!", TokenPieces::omit)).at("tokens").as_array();
  CHECK(tokens == again);
  const auto pieces = json::parse(tokenize_json("héllo", TokenPieces::include)).at("tokens").as_array();
  REQUIRE(pieces.size() == 2);
  CHECK(pieces[0].at("piece") == "hél");
  CHECK(pieces[1].at("piece") == "lo");
  CHECK(json::parse(tokenize_json("", TokenPieces::omit)).at("tokens").as_array().empty());
}

TEST_CASE("a judge prompt with one <answer> gets an absolute verdict, lower for a mistaken answer") {
  const auto good = json::parse(judge_verdict("LLMROUTE-JUDGE absolute\n<answer>\nfine\n</answer>\n", JudgePreference::a,
                                              VerdictForm::json));
  CHECK(good.at("scores").at("correctness") == 2);
  CHECK(good.at("scores").at("clarity") == 2);
  CHECK_FALSE(good.as_object().contains("winner"));
  const auto poor = json::parse(absolute_verdict("[sim-mistake] 2+2=5", VerdictForm::json));
  CHECK(poor.at("scores").at("correctness") == 0);
  CHECK(poor.at("scores").at("completeness") == 1);
  boost::system::error_code ec;
  json::parse(absolute_verdict("fine", VerdictForm::malformed), ec);
  CHECK(ec);
}
