// What one request cost: token prices for priced models, amortised hardware and power for local busy time.
#pragma once

#include "config/config.hpp"
#include "records/usage.hpp"

#include <optional>
#include <string>

namespace llmroute::records {

/// `usage` at `price` (per million tokens): uncached input at the input price, cache reads and writes at
/// their own prices, output (reasoning included) at the output price.
double token_cost(const config::Price& price, const Usage& usage);

/// What one busy second of the local box costs: hardware_price / (months × 30.4 days × busy_hours × 3600 s)
/// plus power_watts / 1000 × electricity_price_per_kwh / 3600 s.
double local_cost_per_busy_second(const config::CostConfig& cost);

/// The config's cost model, built once per config.
class CostModel {
 public:
  explicit CostModel(const config::Config& config);

  /// A model with a price costs its tokens wherever it runs; an unpriced local model costs `busy_seconds`
  /// of the local box; an unpriced cloud model costs 0.
  double cost_of(const config::ModelConfig& model, config::Location location, const Usage& usage,
                 double busy_seconds) const;
  /// `usage` at the baseline model's price; unset when the config names no baseline.
  std::optional<double> cloud_equivalent(const Usage& usage) const;
  double local_cost_per_busy_second() const { return local_per_second_; }
  const std::string& currency() const { return currency_; }

 private:
  double local_per_second_;
  std::optional<config::Price> baseline_;
  std::string currency_;
};

}  // namespace llmroute::records
