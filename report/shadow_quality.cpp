// Model quality from the judges' scores of shadow pairs.
#include "report/shadow_quality.hpp"

#include "policies/judge_store.hpp"

namespace llmroute::report {

ShadowQuality read_shadow_quality(const config::Config& config, std::optional<std::int64_t> since_unix_ms,
                                  std::optional<std::int64_t> until_unix_ms) {
  ShadowQuality out;
  try {
    policies::JudgeStore store(config.records.path, policies::JudgeStore::Access::read_only);
    for (policies::AnswerScore& s : store.answer_scores(since_unix_ms, until_unix_ms, out.error))
      out.judgments.push_back({std::move(s.task), std::move(s.model), s.score});
  } catch (const records::RecordStoreError& e) {
    out.error = e.what();
  }
  if (!out.error.empty()) out.judgments.clear();
  return out;
}

}  // namespace llmroute::report
