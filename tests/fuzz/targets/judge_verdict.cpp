// Harness: a judge model's reply read as a pairwise or an absolute verdict.
#include "fuzz_check.hpp"
#include "fuzz_targets.hpp"

#include "policies/judge_verdict.hpp"

namespace llmroute::fuzz {

namespace {

void check_scores(const policies::RubricScores& scores) {
  for (const int score : {scores.correctness, scores.completeness, scores.clarity})
    require(score >= 0 && score <= 2, "every accepted score is 0, 1 or 2");
}

}  // namespace

void fuzz_judge_verdict(std::string_view bytes) {
  const auto pairwise = policies::parse_pairwise_verdict(bytes);
  if (pairwise.verdict) {
    check_scores(pairwise.verdict->a);
    check_scores(pairwise.verdict->b);
  } else {
    require(!pairwise.error.empty(), "a refused pairwise reply says why");
  }
  const auto absolute = policies::parse_absolute_verdict(bytes);
  if (absolute.verdict) check_scores(absolute.verdict->scores);
  else require(!absolute.error.empty(), "a refused absolute reply says why");
  (void)policies::parse_winner(bytes);
}

}  // namespace llmroute::fuzz
