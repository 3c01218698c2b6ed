// The judging rubric: three criteria scored 0/1/2, weighted 40/35/25 % into one score on the 0-2 scale.
#pragma once

#include <array>
#include <string_view>

namespace llmroute::policies {

/// One answer's scores, each 0 (fail), 1 (acceptable) or 2 (good).
struct RubricScores {
  int correctness = 0;   ///< broken or wrong / works with gaps / correct, edge cases handled
  int completeness = 0;  ///< missing key parts / most covered / all addressed
  int clarity = 0;       ///< unusable structure / room for improvement / professional quality
  bool operator==(const RubricScores&) const = default;
};

/// Criterion names as the judges' JSON spells them, with their weights (seed model-showdown-local-vs-cloud).
struct Criterion {
  std::string_view name;
  double weight;
  int RubricScores::*score;
};
inline constexpr std::array<Criterion, 3> kCriteria = {{
    {"correctness", 0.40, &RubricScores::correctness},
    {"completeness", 0.35, &RubricScores::completeness},
    {"clarity", 0.25, &RubricScores::clarity},
}};

/// 0.40 × correctness + 0.35 × completeness + 0.25 × clarity: 0 for all fails, 2 for all goods.
double weighted_score(const RubricScores& scores);

}  // namespace llmroute::policies
