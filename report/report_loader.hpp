// Reads a window of records from the records database and builds the report from them (disk I/O).
#pragma once

#include "config/config.hpp"
#include "report/report.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace llmroute::report {

/// A report, or why it could not be made.
struct LoadedReport {
  std::optional<Report> report;
  std::string error;
};

/// Reads the records and judged shadow pairs in [since, until) from `config.records.path`, the quality
/// scores of the latest judged `llmroute bench` run and each user's use of the quota windows open at `now`
/// (default: the clock's now) from the same database, and builds the report. Blocks on the disk: never call
/// it on the proxy's I/O thread.
LoadedReport load_report(const config::Config& config, std::optional<std::int64_t> since_unix_ms,
                         std::optional<std::int64_t> until_unix_ms, std::optional<std::int64_t> now_unix_ms = std::nullopt);

}  // namespace llmroute::report
