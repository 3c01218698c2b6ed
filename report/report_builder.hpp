// The report as a pure function of records, judgments and config: no I/O, so every number is testable.
#pragma once

#include "config/config.hpp"
#include "records/request_record.hpp"
#include "report/report.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmroute::report {

/// One judged score of one answer: the bench's weighted rubric score, 0 (fail) to 2 (good).
struct QualityJudgment {
  std::string task;
  std::string model;
  double score = 0;
};

/// One task kind's pairwise shadow comparisons, aggregated: how often the local answer won (ties count half)
/// with a 95 % confidence interval.
struct PairwiseSummary {
  std::string task;
  std::uint64_t pairs = 0;
  double local_win_rate = 0;
  double ci_low = 0;
  double ci_high = 0;
};

/// Everything a report is computed from.
struct ReportInput {
  const config::Config* config = nullptr;
  std::vector<records::RequestRecord> records;  ///< the window's records, shadows included, any order
  std::optional<std::int64_t> since_unix_ms;    ///< the window asked for (bounds the economics' period)
  std::optional<std::int64_t> until_unix_ms;
  std::vector<QualityJudgment> judgments;
  std::string quality_source;  ///< where the judgments come from, e.g. "bench run r1 of 2026-11-20 10:00 UTC"
  std::vector<PairwiseSummary> pairwise;
};

/// Days in the month that monthly figures extrapolate to (as the cost model's amortisation).
inline constexpr double kDaysPerMonth = 30.4;
/// Local is at parity when the lower end of its win-rate interval stays at or above this: a draw-or-better
/// share that cannot be much below even.
inline constexpr double kParityMargin = 0.4;

/// Computes the report. The period that monthly figures extrapolate from runs from `since` (else the first
/// record's start) to `until` (else the last record's end).
Report build_report(const ReportInput& input);

/// The verdict word for one summary: "cloud-better" when the interval lies below one half, "local-better"
/// above it, "local-at-parity" when it holds one half and its low end is at least kParityMargin, else
/// "inconclusive".
std::string verdict_of(const PairwiseSummary& summary);

}  // namespace llmroute::report
