// Strict parsing of a judge's reply: the one JSON object the prompt asked for, or why it is not valid.
#pragma once

#include "policies/judge_rubric.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace llmroute::policies {

/// Which shown answer a pairwise verdict prefers, in the positions the judge saw (A first, B second).
enum class Winner { a, b, tie };

std::string_view to_string(Winner winner);  ///< "A", "B", "tie"
std::optional<Winner> parse_winner(std::string_view text);

/// A valid pairwise verdict, in the judge's positions.
struct PairwiseVerdict {
  Winner winner = Winner::tie;
  RubricScores a;
  RubricScores b;
  std::string reason;
};

/// A valid absolute verdict.
struct AbsoluteVerdict {
  RubricScores scores;
  std::string reason;
};

/// A parsed reply: the verdict, or what is wrong with the reply (then `verdict` is unset).
template <class Verdict>
struct VerdictParse {
  std::optional<Verdict> verdict;
  std::string error;
};

/// Accepts exactly {"winner":"A"|"B"|"tie","scores":{"A":{…},"B":{…}},"reason":"…"} with every criterion an
/// integer 0, 1 or 2, no other keys, and a winner whose weighted score is not below the loser's. The only
/// latitude: whitespace around the object, and one Markdown code fence around it (```json … ```), which
/// models add even when told not to and which cannot change the meaning.
VerdictParse<PairwiseVerdict> parse_pairwise_verdict(std::string_view reply);

/// Accepts exactly {"scores":{"correctness","completeness","clarity"},"reason":"…"}, with the same latitude.
VerdictParse<AbsoluteVerdict> parse_absolute_verdict(std::string_view reply);

}  // namespace llmroute::policies
