// Which (task, model) pairs a run still has to work on, given what its earlier attempts stored.
#pragma once

#include "benchmark/bench_result.hpp"
#include "tasks/task.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace llmroute::benchmark {

struct PlannedPair {
  const tasks::Task* task = nullptr;
  std::string model;                  ///< backend/model
  std::optional<BenchResult> stored;  ///< an earlier, unfinished attempt
  /// Ask the model: nothing stored, or the earlier call failed. A stored answer is judged and checked
  /// again instead, so the model is not billed twice.
  bool needs_call = true;
};

struct BenchPlan {
  std::vector<PlannedPair> pairs;  ///< task-major order: every model answers a task before the next task
  std::size_t already_done = 0;    ///< pairs finished by an earlier attempt of the run, skipped
};

BenchPlan plan_pairs(const std::vector<tasks::Task>& tasks, const std::vector<std::string>& models,
                     const std::map<std::pair<std::string, std::string>, BenchResult>& stored);

/// The tasks whose id or category is in `only` (all of them when `only` is empty). Unknown names in
/// `only` are returned in `unknown`.
std::vector<tasks::Task> select_tasks(const std::vector<tasks::Task>& suite, const std::vector<std::string>& only,
                                      std::vector<std::string>& unknown);

}  // namespace llmroute::benchmark
