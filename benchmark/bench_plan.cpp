// Planning a run: the cross product of tasks and models minus what is already finished.
#include "benchmark/bench_plan.hpp"

#include <algorithm>

namespace llmroute::benchmark {

BenchPlan plan_pairs(const std::vector<tasks::Task>& tasks, const std::vector<std::string>& models,
                     const std::map<std::pair<std::string, std::string>, BenchResult>& stored) {
  BenchPlan plan;
  for (const tasks::Task& task : tasks) {
    for (const std::string& model : models) {
      const auto found = stored.find({task.id, model});
      if (found == stored.end()) {
        plan.pairs.push_back({&task, model, std::nullopt, true});
      } else if (found->second.state == PairState::done) {
        ++plan.already_done;
      } else {
        plan.pairs.push_back({&task, model, found->second, found->second.state == PairState::failed});
      }
    }
  }
  return plan;
}

std::vector<tasks::Task> select_tasks(const std::vector<tasks::Task>& suite, const std::vector<std::string>& only,
                                      std::vector<std::string>& unknown) {
  if (only.empty()) return suite;
  std::vector<tasks::Task> selected;
  for (const tasks::Task& task : suite)
    if (std::find(only.begin(), only.end(), task.id) != only.end() ||
        std::find(only.begin(), only.end(), task.category) != only.end())
      selected.push_back(task);
  for (const std::string& name : only)
    if (std::none_of(suite.begin(), suite.end(),
                     [&](const tasks::Task& t) { return t.id == name || t.category == name; }))
      unknown.push_back(name);
  return selected;
}

}  // namespace llmroute::benchmark
