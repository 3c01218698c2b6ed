// The split report's numbers: what build_report computes from records and every renderer prints.
#pragma once

#include "benchmark/bench_summary.hpp"
#include "config/config.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmroute::report {

/// Nearest-rank percentiles (the value at rank ceil(p × n) of the sorted sample); unset for an empty sample.
struct Percentiles {
  std::optional<double> p50;
  std::optional<double> p95;
};

/// The traffic of one group of client requests (a task kind, a user, or all of them). Shadow copies are not
/// client traffic and never count here.
struct TrafficRow {
  std::string name;  ///< the task kind or user; "all" for the total
  std::uint64_t requests = 0;
  std::uint64_t local = 0;     ///< requests answered (or last tried) on a local backend
  std::uint64_t cloud = 0;     ///< requests answered (or last tried) on a cloud backend
  std::uint64_t unrouted = 0;  ///< requests that failed before a route was chosen
  std::optional<double> local_share;  ///< local / (local + cloud); unset when nothing was routed
  std::uint64_t input_tokens = 0;
  std::uint64_t output_tokens = 0;
  Percentiles ttft_ms;
  Percentiles total_ms;
  std::optional<double> tokens_per_second;  ///< mean over the requests that measured one
  double cost = 0;                          ///< what the requests cost, in the config's currency
  double cloud_cost = 0;                    ///< the part of `cost` spent on cloud backends
  /// What the same tokens would have cost at the baseline cloud model; unset unless every request has a
  /// cloud-equivalent cost (the config names a `cost.baseline`).
  std::optional<double> all_cloud_cost;
  std::optional<double> savings;  ///< all_cloud_cost − cost
  std::uint64_t truncations = 0;  ///< answers cut at max_tokens
  std::uint64_t errors = 0;       ///< requests with a failure or an HTTP status of 400 or more
  std::uint64_t fallbacks = 0;    ///< requests that fell back past at least one failed candidate
};

/// One model's measurements, the seeds' comparison table. Shadow copies count here: they are real calls
/// to the model.
struct ModelRow {
  std::string model;  ///< the configured model that served
  std::string backend;
  std::optional<config::Location> location;
  std::uint64_t requests = 0;
  std::optional<double> tokens_per_second;  ///< mean over the requests that measured one
  std::optional<double> ttft_ms;            ///< mean
  std::optional<double> total_ms;           ///< mean
  std::uint64_t input_tokens = 0;
  std::uint64_t output_tokens = 0;
  double cost = 0;
  std::optional<double> quality;                ///< mean judged score, 0 (fail) to 2 (good); unset without judgments
  std::uint64_t judgments = 0;                  ///< how many scores `quality` averages
  std::optional<double> cost_per_quality_point; ///< cost / quality
};

/// The mean judged score of one model on one task kind (a heatmap cell).
struct QualityCell {
  std::string task;
  std::string model;
  double quality = 0;
  std::uint64_t judgments = 0;
};

/// What the judged shadow pairs of one task kind and model pair say (policies::aggregate_pairs), with the
/// recommendation the report draws from it and the task's traffic.
struct ShadowVerdictRow {
  std::string task;
  std::string candidate_model;  ///< the local model of the pair (the shadow when both share a location)
  std::string baseline_model;   ///< the cloud model
  bool local_vs_cloud = true;   ///< the candidate is local and the baseline cloud
  std::uint64_t pairs = 0;
  std::uint64_t wins = 0;       ///< the candidate's
  std::uint64_t ties = 0;
  std::uint64_t losses = 0;
  double mean_difference = 0;   ///< candidate − baseline, weighted judge score (−2…2)
  std::optional<double> ci_low; ///< 95 % t-interval of mean_difference; unset below two pairs
  std::optional<double> ci_high;
  std::uint64_t awaiting_review = 0;  ///< pairs the judges disagreed on that no human decided yet
  std::uint64_t same_family_judged = 0;  ///< pairs a judge of a candidate's family took part in (bias caveat)
  std::optional<double> latency_difference_ms;  ///< mean total time, candidate − baseline (pairs with both)
  std::optional<double> cost_difference;        ///< mean cost, candidate − baseline (pairs with both)
  std::string verdict;          ///< "parity", "baseline-better" or "not-enough-data"
  std::string judges_say;       ///< the aggregation's own words, e.g. "parity — can run local"
  std::string recommendation;   ///< one plain sentence
};

/// Where the window's shadow pairs stand with the judges.
struct JudgingCounts {
  std::uint64_t pending = 0;          ///< pairs waiting for judges
  std::uint64_t judged = 0;           ///< pairs with a verdict (the verdict rows count these)
  std::uint64_t invalid = 0;          ///< pairs no judge gave a valid verdict on
  std::uint64_t failed = 0;           ///< pairs whose judge calls kept failing
  std::uint64_t awaiting_review = 0;  ///< flagged pairs no human has decided yet
  std::uint64_t judge_calls = 0;
  double judge_cost = 0;
  std::uint32_t min_n = 0;            ///< pairs a verdict needs (judging.min_n)
};

/// Cost in one time bucket, for the cost-over-time chart.
struct CostPoint {
  std::int64_t start_unix_ms = 0;
  double cost = 0;
  std::optional<double> all_cloud_cost;
};

/// The co-op economics of seed local-inference-machine-coop: the cloud spend the local box avoids per
/// month against what the box costs per month (amortisation + electricity). Monthly figures extrapolate the
/// report's window to 30.4 days.
struct Economics {
  double window_days = 0;
  std::optional<double> cloud_spend_avoided;          ///< in the window: local requests at the baseline price
  std::optional<double> monthly_cloud_spend_avoided;
  std::optional<double> monthly_cloud_spend;          ///< what cloud requests actually cost, per month
  double monthly_amortisation = 0;                    ///< hardware_price / amortisation_months
  double monthly_electricity = 0;                     ///< power × busy hours a day × 30.4 days × price per kWh
  double monthly_box_cost = 0;                        ///< amortisation + electricity
  std::optional<double> monthly_net_saving;           ///< cloud spend avoided − box cost
  /// Months until the cloud spend avoided, less electricity, has paid the hardware; unset when it never does.
  std::optional<double> break_even_months;
  std::uint64_t members = 0;                          ///< users who sent requests in the window
  std::optional<double> monthly_box_cost_per_member;
};

/// One user's quotas in the windows open when the report was made (not the report's window): the UTC day's
/// tokens and the UTC month's cloud spend, as the records show them, against the configured limits.
struct UserQuotaRow {
  std::string user;
  std::uint64_t tokens_today = 0;
  std::optional<std::uint64_t> tokens_per_day;  ///< the user's limit; unset: unlimited
  double cloud_spend_this_month = 0;
  std::optional<double> cloud_spend_per_month;  ///< the user's monthly cloud budget; unset: unlimited
  std::string on_budget_exhausted;              ///< "reject" or "degrade-to-local"; empty for an unconfigured user
  bool private_user = false;                    ///< never routed to the cloud
};

/// The latest `llmroute bench` run, one row per model (benchmark::summarize): a model benchmarked before it
/// serves any traffic shows here. Not limited to the report's window.
struct BenchRunSection {
  std::string run_id;
  std::int64_t start_unix_ms = 0;
  std::vector<benchmark::ModelSummary> models;
};

/// The whole report. Rows are sorted: task kinds in the config's order, users and models by name.
struct Report {
  std::string currency;
  std::optional<std::int64_t> since_unix_ms;  ///< the window asked for; unset: from the first record
  std::optional<std::int64_t> until_unix_ms;  ///< unset: to the end of the last record
  std::int64_t first_unix_ms = 0;             ///< the window actually covered
  std::int64_t last_unix_ms = 0;
  std::uint64_t shadow_requests = 0;          ///< shadow copies in the window
  double shadow_cost = 0;
  TrafficRow total;
  std::vector<TrafficRow> tasks;
  std::vector<TrafficRow> users;
  std::vector<ModelRow> models;
  std::vector<QualityCell> quality;
  std::string quality_source;  ///< where the quality scores come from; empty without judgments
  JudgingCounts judging;
  std::vector<ShadowVerdictRow> shadow_verdicts;
  std::int64_t cost_bucket_ms = 0;            ///< width of each cost point
  std::vector<CostPoint> cost_over_time;
  Economics economics;
  /// The moment whose UTC day and month `user_quotas` count; unset when they were not read.
  std::optional<std::int64_t> quota_at_unix_ms;
  /// Under `auth: keys` the configured users and any other user with use in the month, by name; under
  /// `auth: none` "anonymous" once it has used something.
  std::vector<UserQuotaRow> user_quotas;
  std::optional<BenchRunSection> bench;  ///< unset when the database holds no bench run
};

}  // namespace llmroute::report
