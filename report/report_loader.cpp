// Records database → ReportInput → Report.
#include "report/report_loader.hpp"

#include "records/sqlite_connection.hpp"
#include "records/sqlite_record_reader.hpp"
#include "report/bench_quality.hpp"
#include "report/bench_run_section.hpp"
#include "report/format.hpp"
#include "report/report_builder.hpp"
#include "report/shadow_quality.hpp"

#include <chrono>
#include <filesystem>

namespace llmroute::report {

LoadedReport load_report(const config::Config& config, std::optional<std::int64_t> since,
                         std::optional<std::int64_t> until, std::optional<std::int64_t> now) {
  if (!std::filesystem::exists(config.records.path))
    return {std::nullopt, "no records database at " + config.records.path +
                              " (records.path): run `llmroute serve` with this config first"};
  try {
    const records::SqliteRecordReader reader(config.records.path);
    records::RecordQuery query;
    query.since_unix_ms = since;
    query.until_unix_ms = until;
    records::RecordQueryResult result = reader.query(query);
    if (!result.error.empty()) return {std::nullopt, "reading " + config.records.path + " failed: " + result.error};
    ReportInput input;
    input.config = &config;
    input.records = std::move(result.records);
    input.since_unix_ms = since;
    input.until_unix_ms = until;
    input.judging = policies::load_judge_summary(config, since, until);
    if (!input.judging.error.empty()) return {std::nullopt, "reading judged pairs failed: " + input.judging.error};
    BenchQuality quality = read_bench_quality(config.records.path);
    if (!quality.error.empty()) return {std::nullopt, "reading bench results failed: " + quality.error};
    input.judgments = std::move(quality.judgments);
    if (!quality.run_id.empty())
      input.quality_source = "bench run " + quality.run_id + " of " + format_time(quality.run_start_unix_ms);
    input.quota_at_unix_ms = now.value_or(std::chrono::duration_cast<std::chrono::milliseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
    QuotaUseRead quota_use = read_quota_use(config.records.path, *input.quota_at_unix_ms);
    if (!quota_use.error.empty()) return {std::nullopt, "reading quota use failed: " + quota_use.error};
    input.quota_use = std::move(quota_use.users);
    // Without a judged bench run, the judges' scores of the window's shadow pairs are the quality evidence.
    if (quality.run_id.empty()) {
      ShadowQuality shadow = read_shadow_quality(config, since, until);
      if (!shadow.error.empty()) return {std::nullopt, "reading the judges' scores failed: " + shadow.error};
      input.judgments = std::move(shadow.judgments);
      if (!input.judgments.empty()) input.quality_source = "the judges' scores of both answers of this window's shadow pairs";
    }
    Report report = build_report(input);
    BenchRunRead bench = read_latest_bench_run(config.records.path);
    if (!bench.error.empty()) return {std::nullopt, "reading the latest bench run failed: " + bench.error};
    report.bench = std::move(bench.section);
    return {std::move(report), {}};
  } catch (const records::RecordStoreError& e) {
    return {std::nullopt, e.what()};
  }
}

}  // namespace llmroute::report
