// The judged quality of models from the shadow pairs of a window: what the report shows without a judged bench run.
#pragma once

#include "config/config.hpp"
#include "report/report_builder.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmroute::report {

struct ShadowQuality {
  std::vector<QualityJudgment> judgments;  ///< per valid verdict, one per answer: task kind, model name, score 0–2
  std::string error;                       ///< empty on success
};

/// Reads the judge queue of `config.records.path` (an existing records database): every valid verdict on the
/// judged pairs created in [since, until) scores both answers, the primary's and the shadow's. Reads the disk.
ShadowQuality read_shadow_quality(const config::Config& config, std::optional<std::int64_t> since_unix_ms,
                                  std::optional<std::int64_t> until_unix_ms);

}  // namespace llmroute::report
