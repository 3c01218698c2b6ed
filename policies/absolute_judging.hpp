// The absolute judging protocol (`llmroute bench`): every judge scores one answer against what the task expects.
#pragma once

#include "policies/judge_call.hpp"
#include "policies/judge_verdict.hpp"

#include <optional>
#include <string>
#include <vector>

namespace llmroute::policies {

/// What the judges score: the task, the capabilities it expects, the answer and its model's family.
struct AbsoluteCase {
  std::string task;
  std::vector<std::string> expected_capabilities;
  JudgedAnswer answer;
  std::string candidate_family;
};

/// One judge's scores of the answer.
struct AbsoluteJudgeResult {
  JudgeIdentity judge;
  bool valid = false;       ///< a valid verdict within the re-asks
  RubricScores scores;
  double weighted = 0;      ///< weighted_score(scores)
  bool same_family = false; ///< the judge shares the candidate's family (self-preference bias)
  std::string reason;       ///< the judge's reason, or why its verdict is invalid
};

/// The judges combined. Means are over the valid judges; unset when none was valid.
struct AbsoluteJudgment {
  std::optional<double> correctness;
  std::optional<double> completeness;
  std::optional<double> clarity;
  std::optional<double> weighted;  ///< mean of the valid judges' weighted scores (0–2)
  bool needs_review = false;       ///< valid judges' weighted scores further apart than the threshold
  bool same_family_judge = false;
  std::vector<AbsoluteJudgeResult> judges;
};

/// Drives the calls for one answer: judge 0, judge 1, …; an invalid verdict is asked again
/// `invalid_retries` times, then that judge is invalid. Pure, like PairwiseJudging.
class AbsoluteJudging {
 public:
  AbsoluteJudging(AbsoluteCase answer, std::vector<JudgeIdentity> judges, std::uint32_t invalid_retries,
                  double disagreement_threshold);

  std::optional<JudgeCall> next_call() const;
  /// Feeds the reply to the call next_call() returned; returns the verdict, or why the reply is invalid.
  VerdictParse<AbsoluteVerdict> take_reply(const JudgeCall& call, const JudgeReply& reply);
  bool finished() const { return !next_call(); }
  AbsoluteJudgment judgment() const;

 private:
  struct JudgeState {
    std::uint32_t attempts = 0;
    std::optional<AbsoluteVerdict> verdict;
    std::string last_error;
  };

  AbsoluteCase case_;
  std::vector<JudgeIdentity> judges_;
  std::uint32_t invalid_retries_;
  double disagreement_threshold_;
  std::vector<JudgeState> states_;
};

}  // namespace llmroute::policies
