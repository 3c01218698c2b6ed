// Per-model summary of a bench run: the seeds' comparison table (speed, tokens, cost, quality, checks).
#pragma once

#include "benchmark/bench_result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmroute::benchmark {

struct ModelSummary {
  std::string model;
  std::string route;  ///< "local" or "cloud" (of the model's backend)
  std::size_t pairs = 0;      ///< stored pairs of this model
  std::size_t done = 0;
  std::size_t failed = 0;     ///< the model never answered (connection, status, timeout)
  std::size_t truncated = 0;  ///< answers stopped at max_tokens
  std::optional<double> mean_ttft_ms;
  std::optional<double> mean_total_ms;
  std::optional<double> mean_tokens_per_second;
  std::uint64_t output_tokens = 0;
  std::uint64_t reasoning_tokens = 0;
  double cost = 0;
  std::size_t judged = 0;
  std::optional<double> mean_quality;  ///< weighted 0–2 over judged pairs
  int checks_passed = 0;
  int checks_total = 0;
};

/// One summary per model, in `models` order; means leave out failed pairs and unset values.
std::vector<ModelSummary> summarize(const std::vector<BenchResult>& results, const std::vector<std::string>& models);

/// A fixed-width text table, one row per model.
std::string render_summary(const std::vector<ModelSummary>& summaries, const std::string& currency);

/// {"run":{…},"currency":…,"models":[summaries],"results":[one object per pair, answers included]}.
std::string results_json(const BenchRun& run, const std::string& currency, const std::vector<ModelSummary>& summaries,
                         const std::vector<BenchResult>& results);

}  // namespace llmroute::benchmark
