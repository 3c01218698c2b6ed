// Judge mode: the verdict JSON a simulated judge model gives for a prompt comparing answers A and B.
#include "simulator/judge.hpp"

#include "simulator/answer.hpp"
#include "simulator/json_text.hpp"

namespace llmroute::simulator {
namespace {

std::string_view between(std::string_view text, std::string_view open, std::string_view close) {
  const auto start = text.find(open);
  if (start == std::string_view::npos) return {};
  const auto body = start + open.size();
  const auto end = text.find(close, body);
  return text.substr(body, end == std::string_view::npos ? std::string_view::npos : end - body);
}

/// Where the section after the last mention of `marker` starts; npos when there is none.
std::size_t section_start(std::string_view text, std::string_view marker) {
  const auto found = text.rfind(marker);
  return found == std::string_view::npos ? found : found + marker.size();
}

void append_scores(std::string& out, bool winner, bool tie, std::string_view answer) {
  const bool mistaken = answer.find(kMistakeMarker) != std::string_view::npos;
  const int correctness = mistaken ? 0 : (winner || tie ? 2 : 1);
  const int completeness = winner || tie ? 2 : 1;
  out += R"({"correctness":)";
  append_number(out, std::int64_t{correctness});
  out += R"(,"completeness":)";
  append_number(out, std::int64_t{completeness});
  out += R"(,"clarity":2})";
}

}  // namespace

JudgedAnswers find_judged_answers(std::string_view prompt) {
  JudgedAnswers answers{between(prompt, "<answer_a>", "</answer_a>"), between(prompt, "<answer_b>", "</answer_b>")};
  if (!answers.a.empty() || !answers.b.empty()) return answers;
  const auto b_start = section_start(prompt, "Answer B");
  if (b_start == std::string_view::npos) return answers;
  const auto b_mention = prompt.rfind("Answer B");
  const auto b_line = prompt.rfind('\n', b_mention);
  const std::string_view before_b = prompt.substr(0, b_line == std::string_view::npos ? 0 : b_line + 1);
  const auto a_start = section_start(before_b, "Answer A");
  if (a_start != std::string_view::npos) answers.a = before_b.substr(a_start);
  answers.b = prompt.substr(b_start);
  return answers;
}

std::string_view find_absolute_answer(std::string_view prompt) { return between(prompt, "<answer>", "</answer>"); }

std::string absolute_verdict(std::string_view answer, VerdictForm form) {
  const bool mistaken = answer.find(kMistakeMarker) != std::string_view::npos;
  std::string verdict = mistaken ? R"({"scores":{"correctness":0,"completeness":1,"clarity":1},"reason":"simulated judge: the answer carries the mistake marker"})"
                                 : R"({"scores":{"correctness":2,"completeness":2,"clarity":2},"reason":"simulated judge: a good answer"})";
  if (form == VerdictForm::malformed) verdict.resize(verdict.size() / 2);
  return verdict;
}

std::string judge_verdict(std::string_view prompt, JudgePreference preference, VerdictForm form) {
  const auto answers = find_judged_answers(prompt);
  if (answers.a.empty() && answers.b.empty()) {
    const std::string_view single = find_absolute_answer(prompt);
    if (!single.empty()) return absolute_verdict(single, form);
  }
  char winner = 'T';
  std::string reason;
  switch (preference) {
    case JudgePreference::a:
      winner = 'A';
      reason = "simulated judge: configured to prefer A";
      break;
    case JudgePreference::b:
      winner = 'B';
      reason = "simulated judge: configured to prefer B";
      break;
    case JudgePreference::tie:
      reason = "simulated judge: configured to call a tie";
      break;
    case JudgePreference::longer:
      winner = answers.a.size() > answers.b.size() ? 'A' : answers.b.size() > answers.a.size() ? 'B' : 'T';
      reason = "simulated judge: prefers the longer answer (A " + std::to_string(answers.a.size()) + " bytes, B " +
               std::to_string(answers.b.size()) + " bytes)";
      break;
  }
  const bool tie = winner == 'T';
  std::string verdict = R"({"winner":")";
  verdict += tie ? std::string_view("tie") : winner == 'A' ? std::string_view("A") : std::string_view("B");
  verdict += R"(","scores":{"A":)";
  append_scores(verdict, winner == 'A', tie, answers.a);
  verdict += R"(,"B":)";
  append_scores(verdict, winner == 'B', tie, answers.b);
  verdict += R"(},"reason":)";
  append_json_string(verdict, reason);
  verdict += '}';
  if (form == VerdictForm::malformed) verdict.resize(verdict.size() / 2);
  return verdict;
}

}  // namespace llmroute::simulator
