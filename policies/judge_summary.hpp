// What the judges found, ready for a report: the aggregation of every judged shadow pair in a window, the
// queue's state and the judging cost. The one entry point the report (issue 8) needs from judging.
#pragma once

#include "config/config.hpp"
#include "policies/judge_aggregation.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmroute::policies {

/// The judged pairs of a window, aggregated, with the counts a report shows beside them.
struct JudgeSummary {
  /// Per task kind and model pair (sorted by task, candidate, baseline): n, wins/ties/losses of the candidate
  /// (the local model), mean weighted score difference candidate − baseline on the 0-2 scale with its 95 %
  /// t-interval, latency and cost differences, and the verdict text. See PairAggregate.
  std::vector<PairAggregate> groups;
  std::uint64_t pending = 0;          ///< pairs waiting for judges
  std::uint64_t judged = 0;           ///< pairs with a verdict (the groups count these)
  std::uint64_t invalid = 0;          ///< pairs no judge gave a valid verdict on (left out of the groups)
  std::uint64_t failed = 0;           ///< pairs whose judge calls kept failing (left out)
  std::uint64_t awaiting_review = 0;  ///< flagged pairs no human has decided (in the groups with the judges' verdict)
  std::uint64_t judge_calls = 0;
  double judge_cost = 0;              ///< what the judge calls cost, config currency
  std::uint32_t min_n = 0;            ///< the pairs a verdict needs (judging.min_n)
  double parity_margin = 0;           ///< judging.parity_margin
  std::string error;                  ///< empty on success; otherwise the rest is empty
};

/// Reads the pairs created in [since, until) from `config.records.path` and aggregates them with
/// `config.judging`'s min_n and parity margin. No database yet, or no pairs, gives empty groups, not an
/// error; a database of an older schema is an error until `llmroute serve` migrates it. Reads the disk:
/// never call it on the proxy's I/O thread.
JudgeSummary load_judge_summary(const config::Config& config, std::optional<std::int64_t> since_unix_ms,
                                std::optional<std::int64_t> until_unix_ms);

}  // namespace llmroute::policies
