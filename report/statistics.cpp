// Nearest-rank percentiles and means.
#include "report/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace llmroute::report {

std::optional<double> percentile(std::vector<double> sample, double p) {
  if (sample.empty()) return std::nullopt;
  const auto n = static_cast<double>(sample.size());
  const auto rank = static_cast<std::size_t>(std::clamp(std::ceil(p * n), 1.0, n));
  std::nth_element(sample.begin(), sample.begin() + static_cast<std::ptrdiff_t>(rank - 1), sample.end());
  return sample[rank - 1];
}

std::optional<double> mean(const std::vector<double>& sample) {
  if (sample.empty()) return std::nullopt;
  return std::accumulate(sample.begin(), sample.end(), 0.0) / static_cast<double>(sample.size());
}

}  // namespace llmroute::report
