// Cost arithmetic for priced tokens and for the local box's busy seconds.
#include "records/cost_model.hpp"

#include <algorithm>

namespace llmroute::records {

namespace {

constexpr double kTokensPerPriceUnit = 1e6;
constexpr double kDaysPerMonth = 30.4;
constexpr double kSecondsPerHour = 3600;

}  // namespace

double token_cost(const config::Price& price, const Usage& usage) {
  // Cached tokens are part of `input` but billed at their own prices, so they leave the input-priced share.
  const std::uint64_t cached = std::min(usage.input, usage.cache_read + usage.cache_write);
  const double uncached_input = static_cast<double>(usage.input - cached);
  return (uncached_input * price.input + static_cast<double>(usage.cache_read) * price.cache_read +
          static_cast<double>(usage.cache_write) * price.cache_write +
          static_cast<double>(usage.output) * price.output) /
         kTokensPerPriceUnit;
}

double local_cost_per_busy_second(const config::CostConfig& cost) {
  const double busy_seconds_amortised =
      cost.amortisation_months * kDaysPerMonth * cost.busy_hours_per_day * kSecondsPerHour;
  const double hardware = cost.hardware_price / busy_seconds_amortised;
  const double power = cost.power_watts / 1000 * cost.electricity_price_per_kwh / kSecondsPerHour;
  return hardware + power;
}

CostModel::CostModel(const config::Config& config)
    : local_per_second_(records::local_cost_per_busy_second(config.cost)), currency_(config.currency) {
  if (config.cost.baseline) baseline_ = config.model(*config.cost.baseline).price;
}

double CostModel::cost_of(const config::ModelConfig& model, config::Location location, const Usage& usage,
                          double busy_seconds) const {
  if (model.price) return token_cost(*model.price, usage);
  if (location == config::Location::local) return busy_seconds * local_per_second_;
  return 0;
}

std::optional<double> CostModel::cloud_equivalent(const Usage& usage) const {
  if (!baseline_) return std::nullopt;
  return token_cost(*baseline_, usage);
}

}  // namespace llmroute::records
