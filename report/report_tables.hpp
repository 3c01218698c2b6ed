// The report's sections as tables of formatted cells, shared by the text, markdown and HTML renderers.
#pragma once

#include "report/report.hpp"
#include "report/table.hpp"

#include <string>
#include <utility>
#include <vector>

namespace llmroute::report {

/// "2026-11-01 00:00 UTC to 2026-11-08 00:00 UTC (7.0 days)".
std::string window_text(const Report& report);
/// One paragraph: requests, local share, cost against all-cloud cost, shadow copies.
std::string summary_text(const Report& report);

/// Per task kind: requests, local/cloud share, tokens, TTFT and total time percentiles, tokens/s.
Table task_traffic_table(const Report& report);
/// Per task kind: cost, all-cloud cost, savings, truncations, errors, fallbacks.
Table task_cost_table(const Report& report);
/// Per user: requests, local share, tokens, spend; with quota rows, each user's use of the current UTC day's
/// tokens and month's cloud budget against its limits, and a row for every configured user.
Table user_table(const Report& report);
/// Under the per-user table when it has quota columns: which day and month they count; empty otherwise.
std::string quota_note(const Report& report);
/// The seeds' comparison table: type, tokens/s, TTFT, average time, quality, tokens, cost, cost per quality point.
Table model_table(const Report& report);
Table shadow_table(const Report& report);
/// The co-op economics as (what, amount) lines.
std::vector<std::pair<std::string, std::string>> economics_lines(const Report& report);

/// The latest bench run per model: pairs done and failed, truncations, TTFT, average time, tokens/s, output and
/// thinking tokens, cost, judged quality, functional checks passed. Empty without a bench run.
Table bench_table(const Report& report);
/// The bench section's title: "Latest bench run RUN-ID (START)".
std::string bench_title(const Report& report);
/// Shown instead of the bench section while the database holds no bench run.
inline constexpr const char* kNoBenchRun =
    "no bench run yet: `llmroute bench --models …` measures models on the task suite before they serve traffic";

/// Under the per-model table: where the quality column comes from.
std::string quality_note(const Report& report);

/// Above the shadow verdicts: the shadow copies and where their pairs stand with the judges.
std::string shadow_status_text(const Report& report);
/// Instead of the verdict table while there is none: "no shadow data yet: …" before any shadow copy, else why
/// there is no verdict.
std::string no_verdict_text(const Report& report);

}  // namespace llmroute::report
