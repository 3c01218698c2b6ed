// The absolute judging of one bench answer, as the protocol of policies/ runs it, folded into its result row.
#pragma once

#include "benchmark/bench_result.hpp"
#include "policies/absolute_judging.hpp"
#include "tasks/task.hpp"

#include <string>
#include <vector>

namespace llmroute::benchmark {

/// The case the judges see: the task's prompt, its expected capabilities and the answer without thinking.
policies::AbsoluteCase judged_case(const tasks::Task& task, const BenchResult& result, std::string candidate_family);

/// Stores a finished judgment in `result`: per-criterion means and the weighted quality over the valid
/// judges (unset when none was valid), how many judges counted, and judge_detail as JSON:
/// {"needs_review","same_family_judge","cost","judges":[{"judge","valid","correctness","completeness",
/// "clarity","weighted","same_family","reason"}]}. `judge_cost` is what the judge calls cost.
void apply_judgment(BenchResult& result, const policies::AbsoluteJudgment& judgment, double judge_cost);

}  // namespace llmroute::benchmark
