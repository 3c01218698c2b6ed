// The `judging:` section: which models judge shadow pairs and bench answers, and how verdicts are aggregated.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "config/model_ref.hpp"

namespace llmroute::config {

struct Config;
class Section;

/// How invalid verdicts and failed judge calls are retried.
struct JudgeRetryConfig {
  std::uint32_t invalid_verdict = 1;        ///< re-asks after a verdict that is not the strict JSON; then invalid
  std::uint32_t failed_call_attempts = 5;   ///< rounds of failed calls (down, 5xx, timeout) before a pair is given up
  std::chrono::milliseconds backoff{30'000};  ///< wait before a pair whose call failed is tried again
};

/// Judges compare a primary answer with its shadow (pairwise, both orders) and score bench answers
/// (absolute). Validated once at load: at least two distinct judges, each a configured model.
struct JudgingConfig {
  std::vector<ModelRef> judges;          ///< empty: nothing is judged (the section is absent)
  double disagreement_threshold = 0.5;   ///< judges' weighted score differences further apart → human review
  std::uint32_t min_n = 20;              ///< judged pairs a verdict needs; fewer: "not enough data"
  double parity_margin = 0.2;            ///< how much worse (weighted 0–2 scale) local may be and still be parity
  std::uint32_t concurrency = 2;         ///< pairs judged at once by `llmroute serve`
  std::uint32_t max_tokens = 1024;       ///< answer budget of one judge call
  std::chrono::milliseconds timeout{120'000};  ///< one judge call, connect to last byte
  JudgeRetryConfig retry;

  bool enabled() const { return !judges.empty(); }
};

/// Reads `judging:` (strict; errors as file:line:col). Model references resolve against `config`'s backends.
JudgingConfig load_judging(const Config& config, Section section);

}  // namespace llmroute::config
