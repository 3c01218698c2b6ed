// The weighted score of the rubric.
#include "policies/judge_rubric.hpp"

namespace llmroute::policies {

double weighted_score(const RubricScores& scores) {
  double total = 0;
  for (const Criterion& c : kCriteria) total += c.weight * (scores.*c.score);
  return total;
}

}  // namespace llmroute::policies
