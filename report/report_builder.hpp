// The report as a pure function of records, judgments and config: no I/O, so every number is testable.
#pragma once

#include "config/config.hpp"
#include "policies/judge_summary.hpp"
#include "records/request_record.hpp"
#include "report/quota_use.hpp"
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

/// Everything a report is computed from.
struct ReportInput {
  const config::Config* config = nullptr;
  std::vector<records::RequestRecord> records;  ///< the window's records, shadows included, any order
  std::optional<std::int64_t> since_unix_ms;    ///< the window asked for (bounds the economics' period)
  std::optional<std::int64_t> until_unix_ms;
  std::vector<QualityJudgment> judgments;
  std::string quality_source;  ///< where the judgments come from, e.g. "bench run r1 of 2026-11-20 10:00 UTC"
  policies::JudgeSummary judging;  ///< the window's shadow pairs: counts, and the judged ones aggregated
  std::optional<std::int64_t> quota_at_unix_ms;  ///< the moment `quota_use` was read at; unset: no quota columns
  std::vector<UserWindowUse> quota_use;          ///< each user's use of the windows open at that moment
};

/// Days in the month that monthly figures extrapolate to (as the cost model's amortisation).
inline constexpr double kDaysPerMonth = 30.4;

/// Computes the report. The period that monthly figures extrapolate from runs from `since` (else the first
/// record's start) to `until` (else the last record's end).
Report build_report(const ReportInput& input);

}  // namespace llmroute::report
