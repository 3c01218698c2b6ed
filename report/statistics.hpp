// Summary statistics of small samples: nearest-rank percentiles and means.
#pragma once

#include <optional>
#include <vector>

namespace llmroute::report {

/// The value at rank ceil(p × n) (1-based) of the sorted sample, p in (0, 1]; unset for an empty sample.
/// Nearest rank, not interpolated, so a report's percentile is always a value that was measured.
std::optional<double> percentile(std::vector<double> sample, double p);

/// The arithmetic mean; unset for an empty sample.
std::optional<double> mean(const std::vector<double>& sample);

}  // namespace llmroute::report
