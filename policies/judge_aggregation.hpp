// Aggregation of judged shadow pairs per task kind and model pair: counts, mean score difference with a 95 %
// interval, latency and cost differences, and the verdict. Pure: the numbers are testable by hand.
#pragma once

#include "config/config.hpp"
#include "policies/pairwise_judging.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmroute::policies {

/// One judged pair as aggregation reads it (JudgeStore::judged_pairs gives these).
struct JudgedPairRow {
  std::int64_t pair_id = 0;
  std::string task;
  std::string primary_model;   ///< configured model name
  std::string shadow_model;
  config::Location primary_location = config::Location::local;
  config::Location shadow_location = config::Location::cloud;
  PairWinner winner = PairWinner::tie;  ///< the judges' combined verdict
  double score_difference = 0;          ///< the judges' mean weighted difference, primary − shadow (−2…2)
  double mean_abs_difference = 0;       ///< mean of |each valid judge's difference|: a human verdict's size
  std::optional<PairWinner> human;      ///< a human's verdict (llmroute review); overrides the judges
  bool needs_review = false;            ///< flagged by the judges' disagreement
  bool same_family_judge = false;
  std::optional<double> primary_ms;     ///< total latency of each answer
  std::optional<double> shadow_ms;
  std::optional<double> primary_cost;   ///< cost of each answer, config currency
  std::optional<double> shadow_cost;
};

/// What a group's numbers say.
enum class AggregateVerdict {
  parity,           ///< the candidate is at most `parity_margin` worse (95 % interval), or better
  baseline_better,  ///< the candidate is worse (interval below 0) and not within the margin
  not_enough_data,  ///< fewer than min_n pairs, or an interval too wide to decide
};

/// One task kind and model pair. The candidate is the local model and the baseline the cloud model (a pair
/// whose models share a location: the shadow is the candidate, the primary the baseline). Differences are
/// candidate − baseline throughout; wins, ties and losses are the candidate's.
struct PairAggregate {
  std::string task;
  std::string candidate_model;
  std::string baseline_model;
  config::Location candidate_location = config::Location::local;
  config::Location baseline_location = config::Location::cloud;
  std::uint64_t n = 0;  ///< judged pairs (human-decided ones included)
  std::uint64_t wins = 0;
  std::uint64_t ties = 0;
  std::uint64_t losses = 0;
  double mean_difference = 0;               ///< mean weighted score difference (−2…2)
  std::optional<double> ci_low;             ///< 95 % t-interval on the paired differences; unset for n < 2
  std::optional<double> ci_high;
  std::optional<double> mean_latency_difference_ms;  ///< over the pairs with both latencies
  std::optional<double> mean_cost_difference;        ///< over the pairs with both costs, config currency
  std::uint64_t human_decided = 0;      ///< pairs whose verdict a human gave
  std::uint64_t awaiting_review = 0;    ///< flagged pairs no human has decided yet (counted with the judges' verdict)
  std::uint64_t same_family_judged = 0; ///< pairs a judge of a candidate's family took part in (bias caveat)
  AggregateVerdict verdict = AggregateVerdict::not_enough_data;
  std::string verdict_text;  ///< "parity — can run local", "cloud clearly better — keep on cloud", "not enough data (n = 7)", …
};

/// The knobs of the verdict (from config::JudgingConfig).
struct AggregationPolicy {
  std::uint32_t min_n = 20;
  double parity_margin = 0.2;
};

/// The two-sided 95 % quantile of Student's t with `degrees_of_freedom` (≥ 1): exact table to 30, then
/// interpolated in 1/df towards 1.95996 (error below 0.001).
double t_quantile_975(std::uint64_t degrees_of_freedom);

/// Groups rows by (task, candidate, baseline) and computes each group. Per pair the difference is the judges'
/// score difference oriented to the candidate; a human verdict replaces it by ±mean_abs_difference (0 for a
/// tie) and replaces the winner. Verdict: n < min_n → not enough data; else the interval's low end at or
/// above −parity_margin → parity; else its high end below 0 → baseline better; else not enough data (the
/// interval is too wide). Groups sorted by task, candidate, baseline.
std::vector<PairAggregate> aggregate_pairs(const std::vector<JudgedPairRow>& rows, const AggregationPolicy& policy);

}  // namespace llmroute::policies
