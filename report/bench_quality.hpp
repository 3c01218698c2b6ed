// The judged quality of models per task kind, as `llmroute bench` stored it in the records database.
#pragma once

#include "report/report_builder.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace llmroute::report {

/// The scores of the latest bench run with judged answers.
struct BenchQuality {
  std::vector<QualityJudgment> judgments;  ///< one per judged (task, model): category, model name, quality 0–2
  std::string run_id;                      ///< empty when no bench run has judged answers
  std::int64_t run_start_unix_ms = 0;
  std::string error;                       ///< empty on success
};

/// Reads bench_results on a read-only connection to `db_path` (an existing records database): the latest run
/// (by start) that has any judged answer, its weighted scores with the bench's `backend/model` reduced to the
/// model's name (names are unique across a config).
BenchQuality read_bench_quality(const std::string& db_path);

}  // namespace llmroute::report
