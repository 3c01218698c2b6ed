// Aggregates records into the report's rows, economics and recommendations.
#include "report/report_builder.hpp"

#include "report/format.hpp"
#include "report/statistics.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <set>
#include <utility>

namespace llmroute::report {

namespace {

constexpr double kMsPerDay = 86'400'000;

using records::RequestRecord;

bool is_error(const RequestRecord& r) { return !r.failure_kind.empty() || r.http_status >= 400; }

/// Sums one group of client requests and keeps their latency samples until the row is finished.
class TrafficAccumulator {
 public:
  void add(const RequestRecord& r) {
    ++row_.requests;
    if (!r.route) ++row_.unrouted;
    else if (*r.route == config::Location::local) ++row_.local;
    else ++row_.cloud;
    row_.input_tokens += r.usage.input;
    row_.output_tokens += r.usage.output;
    if (r.ttft_ms) ttft_.push_back(*r.ttft_ms);
    total_.push_back(r.total_ms);
    if (r.tokens_per_second) tokens_per_second_.push_back(*r.tokens_per_second);
    row_.cost += r.cost;
    if (r.route == config::Location::cloud) row_.cloud_cost += r.cost;
    if (r.cloud_equivalent_cost) all_cloud_cost_ += *r.cloud_equivalent_cost;
    else every_request_has_cloud_equivalent_ = false;
    if (r.truncated) ++row_.truncations;
    if (is_error(r)) ++row_.errors;
    if (r.fallback_attempts > 0) ++row_.fallbacks;
  }

  TrafficRow finish(std::string name) const {
    TrafficRow row = row_;
    row.name = std::move(name);
    if (row.local + row.cloud > 0)
      row.local_share = static_cast<double>(row.local) / static_cast<double>(row.local + row.cloud);
    row.ttft_ms = {percentile(ttft_, 0.5), percentile(ttft_, 0.95)};
    row.total_ms = {percentile(total_, 0.5), percentile(total_, 0.95)};
    row.tokens_per_second = mean(tokens_per_second_);
    if (every_request_has_cloud_equivalent_ && row.requests > 0) {
      row.all_cloud_cost = all_cloud_cost_;
      row.savings = all_cloud_cost_ - row.cost;
    }
    return row;
  }

 private:
  TrafficRow row_;
  std::vector<double> ttft_;
  std::vector<double> total_;
  std::vector<double> tokens_per_second_;
  double all_cloud_cost_ = 0;
  bool every_request_has_cloud_equivalent_ = true;
};

/// Sums one model's calls.
struct ModelAccumulator {
  ModelRow row;
  std::vector<double> tokens_per_second;
  std::vector<double> ttft;
  std::vector<double> total;

  void add(const RequestRecord& r) {
    ++row.requests;
    if (r.route) row.location = r.route;
    if (r.tokens_per_second) tokens_per_second.push_back(*r.tokens_per_second);
    if (r.ttft_ms) ttft.push_back(*r.ttft_ms);
    total.push_back(r.total_ms);
    row.input_tokens += r.usage.input;
    row.output_tokens += r.usage.output;
    row.cost += r.cost;
  }
};

/// Task kinds in the config's order, then any other name (e.g. "unclassified") alphabetically.
std::size_t task_rank(const std::string& task) {
  const auto& names = config::kTaskKindNames;
  return static_cast<std::size_t>(std::find(names.begin(), names.end(), task) - names.begin());
}

bool task_before(const std::string& a, const std::string& b) {
  const std::size_t ra = task_rank(a), rb = task_rank(b);
  return ra != rb ? ra < rb : a < b;
}

/// A bucket width giving at most 60 points over the period, from one second to one week.
std::int64_t bucket_width(std::int64_t period_ms) {
  constexpr std::array<std::int64_t, 13> kWidths = {
      1'000, 5'000, 10'000, 30'000, 60'000, 300'000, 900'000, 3'600'000, 10'800'000, 21'600'000, 86'400'000,
      604'800'000, 2'592'000'000};
  for (const std::int64_t width : kWidths)
    if (period_ms / width < 60) return width;
  return kWidths.back();
}

std::vector<CostPoint> cost_over_time(const std::vector<const RequestRecord*>& primaries, std::int64_t first,
                                      std::int64_t last, std::int64_t width) {
  std::vector<CostPoint> points;
  if (primaries.empty()) return points;
  const std::int64_t origin = first / width * width;
  // The window is [first, last): its last millisecond decides the last bucket.
  const auto count = static_cast<std::size_t>((std::max(last - 1, origin) - origin) / width + 1);
  points.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    points[i].start_unix_ms = origin + static_cast<std::int64_t>(i) * width;
    points[i].all_cloud_cost = 0.0;
  }
  for (const RequestRecord* r : primaries) {
    const auto index = static_cast<std::size_t>(std::clamp<std::int64_t>((r->start_unix_ms - origin) / width, 0,
                                                                         static_cast<std::int64_t>(count - 1)));
    CostPoint& point = points[index];
    point.cost += r->cost;
    if (r->cloud_equivalent_cost && point.all_cloud_cost) *point.all_cloud_cost += *r->cloud_equivalent_cost;
    else point.all_cloud_cost.reset();
  }
  return points;
}

Economics economics(const config::Config& config, const std::vector<const RequestRecord*>& primaries,
                    const TrafficRow& total, double window_days) {
  const config::CostConfig& cost = config.cost;
  Economics e;
  e.window_days = window_days;
  const double to_month = window_days > 0 ? kDaysPerMonth / window_days : 0;

  bool avoided_known = config.cost.baseline.has_value();
  double avoided = 0;
  std::set<std::string> members;
  for (const RequestRecord* r : primaries) {
    members.insert(r->user);
    if (r->route != config::Location::local) continue;
    if (r->cloud_equivalent_cost) avoided += *r->cloud_equivalent_cost;
    else avoided_known = false;
  }
  if (avoided_known) e.cloud_spend_avoided = avoided;

  e.monthly_amortisation = cost.amortisation_months > 0 ? cost.hardware_price / cost.amortisation_months : 0;
  e.monthly_electricity =
      cost.power_watts / 1000 * cost.busy_hours_per_day * kDaysPerMonth * cost.electricity_price_per_kwh;
  e.monthly_box_cost = e.monthly_amortisation + e.monthly_electricity;
  if (window_days > 0) {
    e.monthly_cloud_spend = total.cloud_cost * to_month;
    if (e.cloud_spend_avoided) {
      e.monthly_cloud_spend_avoided = *e.cloud_spend_avoided * to_month;
      e.monthly_net_saving = *e.monthly_cloud_spend_avoided - e.monthly_box_cost;
      const double pays_back_per_month = *e.monthly_cloud_spend_avoided - e.monthly_electricity;
      if (cost.hardware_price > 0 && pays_back_per_month > 0)
        e.break_even_months = cost.hardware_price / pays_back_per_month;
    }
  }
  e.members = members.size();
  if (e.members > 0) e.monthly_box_cost_per_member = e.monthly_box_cost / static_cast<double>(e.members);
  return e;
}

std::string_view verdict_word(policies::AggregateVerdict verdict) {
  switch (verdict) {
    case policies::AggregateVerdict::parity: return "parity";
    case policies::AggregateVerdict::baseline_better: return "baseline-better";
    case policies::AggregateVerdict::not_enough_data: return "not-enough-data";
  }
  return "not-enough-data";
}

/// One plain sentence: what the verdict means for the task's current route, and what it is worth a month.
std::string recommendation(const policies::PairAggregate& g, const TrafficRow* traffic, double to_month,
                           const std::string& currency) {
  const bool local_vs_cloud =
      g.candidate_location == config::Location::local && g.baseline_location == config::Location::cloud;
  if (!local_vs_cloud) return g.task + ": " + g.verdict_text;
  const bool mostly_local = traffic && traffic->local_share && *traffic->local_share >= 0.5;
  const std::string over = " over " + format_count(g.n) + " pairs";
  const auto monthly = [&](double amount) { return format_money(amount * to_month, currency) + " per month"; };
  switch (g.verdict) {
    case policies::AggregateVerdict::parity:
      if (mostly_local) {
        if (traffic->savings && to_month > 0) return g.task + ": local at parity" + over + " — keep local, saves " + monthly(*traffic->savings);
        return g.task + ": local at parity" + over + " — keep local";
      }
      if (traffic && to_month > 0 && traffic->cloud_cost > 0)
        return g.task + ": local at parity" + over + " — move local, saves up to " + monthly(traffic->cloud_cost);
      return g.task + ": local at parity" + over + " — move local";
    case policies::AggregateVerdict::baseline_better:
      return g.task + ": cloud clearly better" + over + (mostly_local ? " — move to the cloud" : " — keep cloud");
    case policies::AggregateVerdict::not_enough_data:
      break;
  }
  return g.task + ": " + g.verdict_text + " — keep the current route and collect more pairs";
}

/// Under `auth: keys` the configured users' quotas with their use, and any user with use that the config no
/// longer names, by name; under `auth: none` "anonymous" once it has used something.
std::vector<UserQuotaRow> user_quotas(const config::AccessConfig& access, const std::vector<UserWindowUse>& use) {
  std::map<std::string, const UserWindowUse*> used;
  for (const UserWindowUse& u : use) used[u.user] = &u;
  std::vector<UserQuotaRow> rows;
  const auto add = [&](const config::UserConfig& user) {
    UserQuotaRow row{user.name, 0, user.quotas.tokens_per_day, 0, user.quotas.cloud_spend_per_month,
                     std::string(config::to_string(user.on_budget_exhausted)), user.private_user};
    if (const auto found = used.find(user.name); found != used.end()) {
      row.tokens_today = found->second->tokens_today;
      row.cloud_spend_this_month = found->second->cloud_spend_this_month;
      used.erase(found);
    }
    rows.push_back(std::move(row));
  };
  if (access.auth == config::AuthMode::none) {
    // Every request is "anonymous" under auth: none; other names in the records predate the config.
    if (used.contains(access.anonymous.name)) add(access.anonymous);
    return rows;
  }
  for (const config::UserConfig& user : access.users) add(user);
  for (const auto& [name, u] : used)
    rows.push_back({name, u->tokens_today, std::nullopt, u->cloud_spend_this_month, std::nullopt, {}, false});
  std::sort(rows.begin(), rows.end(), [](const UserQuotaRow& a, const UserQuotaRow& b) { return a.user < b.user; });
  return rows;
}

}  // namespace

Report build_report(const ReportInput& input) {
  const config::Config& config = *input.config;
  Report report;
  report.currency = config.currency;
  report.since_unix_ms = input.since_unix_ms;
  report.until_unix_ms = input.until_unix_ms;
  report.quality_source = input.quality_source;

  std::vector<const RequestRecord*> primaries;
  std::int64_t first = std::numeric_limits<std::int64_t>::max();
  std::int64_t last = std::numeric_limits<std::int64_t>::min();
  std::map<std::pair<std::string, std::string>, ModelAccumulator> models;
  for (const RequestRecord& r : input.records) {
    first = std::min(first, r.start_unix_ms);
    last = std::max(last, r.start_unix_ms + static_cast<std::int64_t>(r.total_ms));
    if (!r.model_served.empty()) models[{r.backend, r.model_served}].add(r);
    if (r.shadow) {
      ++report.shadow_requests;
      report.shadow_cost += r.cost;
    } else {
      primaries.push_back(&r);
    }
  }
  if (input.records.empty()) first = last = input.since_unix_ms.value_or(0);
  report.first_unix_ms = input.since_unix_ms.value_or(first);
  report.last_unix_ms = input.until_unix_ms.value_or(last);

  TrafficAccumulator total;
  std::map<std::string, TrafficAccumulator> tasks;
  std::map<std::string, TrafficAccumulator> users;
  for (const RequestRecord* r : primaries) {
    total.add(*r);
    tasks[r->task].add(*r);
    users[r->user].add(*r);
  }
  report.total = total.finish("all");
  for (const auto& [name, accumulator] : tasks) report.tasks.push_back(accumulator.finish(name));
  std::sort(report.tasks.begin(), report.tasks.end(),
            [](const TrafficRow& a, const TrafficRow& b) { return task_before(a.name, b.name); });
  for (const auto& [name, accumulator] : users) report.users.push_back(accumulator.finish(name));

  // Quality: the mean judged score per model and per (task, model).
  std::map<std::string, std::pair<double, std::uint64_t>> model_quality;
  std::map<std::pair<std::string, std::string>, std::pair<double, std::uint64_t>> cell_quality;
  for (const QualityJudgment& j : input.judgments) {
    auto& m = model_quality[j.model];
    m.first += j.score;
    ++m.second;
    auto& c = cell_quality[{j.task, j.model}];
    c.first += j.score;
    ++c.second;
  }
  for (auto& [key, accumulator] : models) {
    ModelRow row = accumulator.row;
    row.backend = key.first;
    row.model = key.second;
    row.tokens_per_second = mean(accumulator.tokens_per_second);
    row.ttft_ms = mean(accumulator.ttft);
    row.total_ms = mean(accumulator.total);
    if (const auto q = model_quality.find(row.model); q != model_quality.end()) {
      row.judgments = q->second.second;
      row.quality = q->second.first / static_cast<double>(row.judgments);
      if (*row.quality > 0) row.cost_per_quality_point = row.cost / *row.quality;
    }
    report.models.push_back(std::move(row));
  }
  std::stable_sort(report.models.begin(), report.models.end(), [](const ModelRow& a, const ModelRow& b) {
    return a.location == config::Location::local && b.location != config::Location::local;
  });
  for (const auto& [key, sum] : cell_quality)
    report.quality.push_back({key.first, key.second, sum.first / static_cast<double>(sum.second), sum.second});
  std::stable_sort(report.quality.begin(), report.quality.end(),
                   [](const QualityCell& a, const QualityCell& b) { return task_before(a.task, b.task); });

  const std::int64_t period_ms = std::max<std::int64_t>(report.last_unix_ms - report.first_unix_ms, 0);
  const double window_days = static_cast<double>(period_ms) / kMsPerDay;
  const double to_month = window_days > 0 ? kDaysPerMonth / window_days : 0;

  const policies::JudgeSummary& j = input.judging;
  report.judging = {j.pending, j.judged, j.invalid, j.failed, j.awaiting_review, j.judge_calls, j.judge_cost, j.min_n};
  for (const policies::PairAggregate& g : j.groups) {
    const auto traffic = std::find_if(report.tasks.begin(), report.tasks.end(),
                                      [&g](const TrafficRow& row) { return row.name == g.task; });
    ShadowVerdictRow row;
    row.task = g.task;
    row.candidate_model = g.candidate_model;
    row.baseline_model = g.baseline_model;
    row.local_vs_cloud =
        g.candidate_location == config::Location::local && g.baseline_location == config::Location::cloud;
    row.pairs = g.n;
    row.wins = g.wins;
    row.ties = g.ties;
    row.losses = g.losses;
    row.mean_difference = g.mean_difference;
    row.ci_low = g.ci_low;
    row.ci_high = g.ci_high;
    row.awaiting_review = g.awaiting_review;
    row.same_family_judged = g.same_family_judged;
    row.latency_difference_ms = g.mean_latency_difference_ms;
    row.cost_difference = g.mean_cost_difference;
    row.verdict = verdict_word(g.verdict);
    row.judges_say = g.verdict_text;
    row.recommendation = recommendation(g, traffic == report.tasks.end() ? nullptr : &*traffic, to_month,
                                        report.currency);
    report.shadow_verdicts.push_back(std::move(row));
  }
  std::stable_sort(report.shadow_verdicts.begin(), report.shadow_verdicts.end(),
            [](const ShadowVerdictRow& a, const ShadowVerdictRow& b) { return task_before(a.task, b.task); });

  report.cost_bucket_ms = bucket_width(period_ms);
  report.cost_over_time =
      cost_over_time(primaries, report.first_unix_ms, std::max(report.last_unix_ms, report.first_unix_ms),
                     report.cost_bucket_ms);
  report.economics = economics(config, primaries, report.total, window_days);
  report.quota_at_unix_ms = input.quota_at_unix_ms;
  if (input.quota_at_unix_ms) report.user_quotas = user_quotas(config.access, input.quota_use);
  return report;
}

}  // namespace llmroute::report
