// Judged bench answers: the protocol's judgment as columns and a JSON detail.
#include "benchmark/bench_judging.hpp"

#include <boost/json.hpp>

namespace llmroute::benchmark {

policies::AbsoluteCase judged_case(const tasks::Task& task, const BenchResult& result, std::string candidate_family) {
  return policies::AbsoluteCase{task.prompt, task.expected_capabilities, policies::JudgedAnswer{result.answer, {}},
                                std::move(candidate_family)};
}

void apply_judgment(BenchResult& result, const policies::AbsoluteJudgment& judgment, double judge_cost) {
  boost::json::array judges;
  int valid = 0;
  for (const policies::AbsoluteJudgeResult& j : judgment.judges) {
    boost::json::object o{{"judge", j.judge.name}, {"valid", j.valid}, {"same_family", j.same_family}, {"reason", j.reason}};
    if (j.valid) {
      ++valid;
      o["correctness"] = j.scores.correctness;
      o["completeness"] = j.scores.completeness;
      o["clarity"] = j.scores.clarity;
      o["weighted"] = j.weighted;
    }
    judges.push_back(std::move(o));
  }
  result.judges = valid;
  result.correctness = judgment.correctness;
  result.completeness = judgment.completeness;
  result.clarity = judgment.clarity;
  result.quality = judgment.weighted;
  result.judge_detail = boost::json::serialize(boost::json::object{{"needs_review", judgment.needs_review},
                                                                   {"same_family_judge", judgment.same_family_judge},
                                                                   {"cost", judge_cost},
                                                                   {"judges", std::move(judges)}});
}

}  // namespace llmroute::benchmark
