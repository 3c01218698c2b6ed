// Absolute judging: one answer scored by every judge, invalid verdicts re-asked, means over the valid judges.
#include "policies/absolute_judging.hpp"

#include <algorithm>

namespace llmroute::policies {

AbsoluteJudging::AbsoluteJudging(AbsoluteCase answer, std::vector<JudgeIdentity> judges, std::uint32_t invalid_retries,
                                 double disagreement_threshold)
    : case_(std::move(answer)),
      judges_(std::move(judges)),
      invalid_retries_(invalid_retries),
      disagreement_threshold_(disagreement_threshold),
      states_(judges_.size()) {}

std::optional<JudgeCall> AbsoluteJudging::next_call() const {
  for (std::size_t j = 0; j < judges_.size(); ++j) {
    const JudgeState& state = states_[j];
    if (state.verdict || state.attempts > invalid_retries_) continue;
    return JudgeCall{j, Order::primary_first, state.attempts,
                     absolute_prompt(case_.task, case_.expected_capabilities, case_.answer)};
  }
  return std::nullopt;
}

VerdictParse<AbsoluteVerdict> AbsoluteJudging::take_reply(const JudgeCall& call, const JudgeReply& reply) {
  if (!reply.answered) return {std::nullopt, reply.error};
  auto parsed = parse_absolute_verdict(reply.text);
  if (call.judge >= states_.size()) return parsed;
  JudgeState& state = states_[call.judge];
  if (state.verdict || state.attempts > invalid_retries_ || call.attempt != state.attempts) return parsed;
  ++state.attempts;
  if (parsed.verdict) state.verdict = parsed.verdict;
  else state.last_error = parsed.error;
  return parsed;
}

AbsoluteJudgment AbsoluteJudging::judgment() const {
  AbsoluteJudgment out;
  double correctness = 0, completeness = 0, clarity = 0;
  std::vector<double> weighted;
  for (std::size_t j = 0; j < judges_.size(); ++j) {
    AbsoluteJudgeResult result;
    result.judge = judges_[j];
    result.same_family = same_family(result.judge.family, case_.candidate_family);
    const JudgeState& state = states_[j];
    if (state.verdict) {
      result.valid = true;
      result.scores = state.verdict->scores;
      result.weighted = weighted_score(result.scores);
      result.reason = state.verdict->reason;
      correctness += result.scores.correctness;
      completeness += result.scores.completeness;
      clarity += result.scores.clarity;
      weighted.push_back(result.weighted);
      out.same_family_judge = out.same_family_judge || result.same_family;
    } else {
      result.reason = state.attempts == 0 ? std::string("not judged yet") : "invalid verdict: " + state.last_error;
    }
    out.judges.push_back(std::move(result));
  }
  if (weighted.empty()) return out;
  const double n = static_cast<double>(weighted.size());
  out.correctness = correctness / n;
  out.completeness = completeness / n;
  out.clarity = clarity / n;
  double sum = 0;
  for (double w : weighted) sum += w;
  out.weighted = sum / n;
  const auto [low, high] = std::minmax_element(weighted.begin(), weighted.end());
  out.needs_review = *high - *low > disagreement_threshold_ + 1e-9;
  return out;
}

}  // namespace llmroute::policies
