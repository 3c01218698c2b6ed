// Reads the latest `llmroute bench` run from the records database, summarised per model for the report.
#pragma once

#include "report/report.hpp"

#include <optional>
#include <string>

namespace llmroute::report {

struct BenchRunRead {
  std::optional<BenchRunSection> section;  ///< unset when the database holds no bench run
  std::string error;                       ///< empty on success
};

/// The run started last (judged or not) on a read-only connection to `db_path`, an existing records database.
BenchRunRead read_latest_bench_run(const std::string& db_path);

}  // namespace llmroute::report
