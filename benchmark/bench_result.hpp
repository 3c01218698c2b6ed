// One (task, model) pair of a bench run: the answer, its measurements, the judges' scores, the checks passed.
#pragma once

#include "records/usage.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmroute::benchmark {

/// Where a pair stands. `answered` is saved as soon as the model's answer is in, so a run killed while judging
/// or checking resumes from the stored answer instead of asking (and paying) the model again.
enum class PairState { answered, done, failed };

std::string_view to_string(PairState state);
std::optional<PairState> pair_state_from(std::string_view text);

/// A bench run: what was asked of which models, under one id that --resume continues.
struct BenchRun {
  std::string id;
  std::int64_t start_ms = 0;
  std::string tasks_dir;
  std::vector<std::string> models;  ///< backend/model
  std::vector<std::string> judges;  ///< backend/model; empty: answers are not judged
  std::size_t task_count = 0;

  bool operator==(const BenchRun&) const = default;
};

/// One row of bench_results (records/record_schema.cpp documents the columns).
struct BenchResult {
  std::string run_id;
  std::string task_id;
  std::string model;  ///< backend/model
  PairState state = PairState::answered;
  std::int64_t start_ms = 0;
  std::string category;
  int difficulty = 1;
  std::string route;  ///< "local" or "cloud"
  std::string backend;
  std::uint32_t max_tokens = 0;

  int http_status = 0;
  std::string failure;        ///< empty when the model answered
  std::string finish_reason;
  bool truncated = false;     ///< stopped at max_tokens
  std::optional<double> ttft_ms;
  double total_ms = 0;
  std::optional<double> tokens_per_second;
  records::Usage usage;
  bool usage_reported = false;
  double cost = 0;
  std::optional<double> cloud_equivalent_cost;
  std::string answer;
  std::string reasoning;      ///< thinking text the backend sent apart from the answer

  int judges = 0;             ///< judges whose scores count
  std::optional<double> correctness;   ///< means over the judges, 0–2
  std::optional<double> completeness;
  std::optional<double> clarity;
  std::optional<double> quality;       ///< 0.40 correctness + 0.35 completeness + 0.25 clarity
  std::string judge_detail;            ///< JSON array, one object per judge
  std::optional<int> checks_passed;    ///< unset: the task has no functional check
  std::optional<int> checks_total;
  std::string check_detail;            ///< JSON of the check's outcome

  bool operator==(const BenchResult&) const = default;
};

}  // namespace llmroute::benchmark
