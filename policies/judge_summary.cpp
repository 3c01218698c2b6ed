// Loading the judge summary: judged rows and counts from the store, aggregated with the config's policy.
#include "policies/judge_summary.hpp"

#include "policies/judge_store.hpp"

#include <filesystem>

namespace llmroute::policies {

JudgeSummary load_judge_summary(const config::Config& config, std::optional<std::int64_t> since_unix_ms,
                                std::optional<std::int64_t> until_unix_ms) {
  JudgeSummary summary;
  summary.min_n = config.judging.min_n;
  summary.parity_margin = config.judging.parity_margin;
  std::error_code ec;
  if (!std::filesystem::exists(config.records.path, ec)) return summary;
  try {
    JudgeStore store(config.records.path, JudgeStore::Access::read_only);
    const auto rows = store.judged_rows(since_unix_ms, until_unix_ms, summary.error);
    const QueueCounts counts = store.counts(since_unix_ms, until_unix_ms, summary.error);
    if (!summary.error.empty()) return summary;
    summary.groups = aggregate_pairs(rows, {config.judging.min_n, config.judging.parity_margin});
    summary.pending = counts.pending;
    summary.judged = counts.judged;
    summary.invalid = counts.invalid;
    summary.failed = counts.failed;
    summary.awaiting_review = counts.awaiting_review;
    summary.judge_calls = counts.calls;
    summary.judge_cost = counts.cost;
  } catch (const records::RecordStoreError& e) {
    summary.error = e.what();
  }
  return summary;
}

}  // namespace llmroute::policies
