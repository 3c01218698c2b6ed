// Judge mode: the verdict JSON a simulated judge model gives for a prompt comparing answers A and B.
#pragma once

#include <string>
#include <string_view>

#include "simulator/sim_options.hpp"

namespace llmroute::simulator {

/// How the compared answers are found in a judge prompt: between <answer_a>…</answer_a> and
/// <answer_b>…</answer_b> when those tags are present, otherwise from just after the last
/// "Answer A" to the start of the line with the last "Answer B", and from just after that to the end.
struct JudgedAnswers {
  std::string_view a;
  std::string_view b;
};
JudgedAnswers find_judged_answers(std::string_view prompt);

enum class VerdictForm { json, malformed };

/// The verdict: {"winner":"A"|"B"|"tie","scores":{"A":{"correctness","completeness","clarity"},
/// "B":{…}},"reason":"…"}. The winner scores 2/2/2 and the loser 1/1/2 (a tie: both 2/2/2); an
/// answer containing the [sim-mistake] marker scores correctness 0. `longer` picks the longer
/// answer (a tie when equal). A prompt with one answer between <answer>…</answer> and no A/B answers
/// asks for an absolute verdict instead (see absolute_verdict). The malformed form is a verdict cut off
/// mid-JSON.
std::string judge_verdict(std::string_view prompt, JudgePreference preference, VerdictForm form);

/// The one answer of an absolute judge prompt (between <answer> and </answer>); empty when there is none.
std::string_view find_absolute_answer(std::string_view prompt);

/// An absolute verdict on `answer`: {"scores":{"correctness","completeness","clarity"},"reason":"…"},
/// 2/2/2 for a good answer, 0/1/1 for one containing [sim-mistake]; cut off mid-JSON when malformed.
std::string absolute_verdict(std::string_view answer, VerdictForm form);

}  // namespace llmroute::simulator
