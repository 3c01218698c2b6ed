// Formats the report's numbers into table cells.
#include "report/report_tables.hpp"

#include "report/format.hpp"

#include <cmath>
#include <map>
#include <utility>

namespace llmroute::report {

namespace {

std::string count(std::uint64_t n) { return format_count(n); }
std::string ms(double value) { return format_duration_ms(value); }
std::string rate(double value) { return format_decimal(value, 1); }
std::string share(double value) { return format_share(value); }

/// "4,920 / 10,000 (49%)" against a limit, the use alone without one.
template <class Limit, class F>
std::string use_of(double used, const std::optional<Limit>& limit, F format) {
  if (!limit) return format(static_cast<Limit>(used));
  std::string text = format(static_cast<Limit>(used)) + " / " + format(*limit);
  if (*limit > 0) text += " (" + format_share(used / static_cast<double>(*limit)) + ")";
  return text;
}

std::string cloud_share(const TrafficRow& row) {
  return row.local_share ? format_share(1 - *row.local_share) : "–";
}

}  // namespace

std::string window_text(const Report& report) {
  const double days = report.economics.window_days;
  const std::string length = days >= 1 ? format_decimal(days, 1) + " days"
                             : days * 24 >= 1 ? format_decimal(days * 24, 1) + " hours"
                                              : format_decimal(days * 24 * 60, 1) + " minutes";
  return format_time(report.first_unix_ms) + " to " + format_time(report.last_unix_ms) + " (" + length + ")";
}

std::string summary_text(const Report& report) {
  const TrafficRow& t = report.total;
  const std::string& c = report.currency;
  std::string text = format_count(t.requests) + " requests";
  if (t.local_share) text += " (" + format_share(*t.local_share) + " local)";
  text += ", cost " + format_money(t.cost, c);
  if (t.all_cloud_cost && t.savings)
    text += " against " + format_money(*t.all_cloud_cost, c) + " all-cloud: saved " + format_money(*t.savings, c);
  text += "; shadow copies: " + format_count(report.shadow_requests) + " (" + format_money(report.shadow_cost, c) + ")";
  return text + ".";
}

Table task_traffic_table(const Report& report) {
  Table table({{"task", Align::left}, {"requests"}, {"local"}, {"cloud"}, {"tokens in"}, {"tokens out"},
               {"TTFT p50"}, {"TTFT p95"}, {"tok/s"}, {"total p50"}, {"total p95"}});
  const auto add = [&table](const TrafficRow& r) {
    table.add_row({r.name, count(r.requests), or_dash(r.local_share, share), cloud_share(r), count(r.input_tokens),
                   count(r.output_tokens), or_dash(r.ttft_ms.p50, ms), or_dash(r.ttft_ms.p95, ms),
                   or_dash(r.tokens_per_second, rate), or_dash(r.total_ms.p50, ms), or_dash(r.total_ms.p95, ms)});
  };
  for (const TrafficRow& row : report.tasks) add(row);
  if (report.tasks.size() > 1) add(report.total);
  return table;
}

Table task_cost_table(const Report& report) {
  Table table({{"task", Align::left}, {"cost"}, {"all-cloud cost"}, {"savings"}, {"truncated"}, {"errors"},
               {"fallbacks"}});
  const auto money = [&report](double value) { return format_money(value, report.currency); };
  const auto add = [&](const TrafficRow& r) {
    table.add_row({r.name, money(r.cost), or_dash(r.all_cloud_cost, money), or_dash(r.savings, money),
                   count(r.truncations), count(r.errors), count(r.fallbacks)});
  };
  for (const TrafficRow& row : report.tasks) add(row);
  if (report.tasks.size() > 1) add(report.total);
  return table;
}

Table user_table(const Report& report) {
  const auto money = [&report](double value) { return format_money(value, report.currency); };
  const bool quotas = !report.user_quotas.empty();
  std::vector<Column> columns = {{"user", Align::left}, {"requests"}, {"local"}, {"tokens in"}, {"tokens out"},
                                 {"spend"}, {"cloud spend"}};
  if (quotas) {
    columns.push_back({"tokens today"});
    columns.push_back({"cloud this month"});
  }
  Table table(std::move(columns));
  // Users with traffic in the window, and (with quota columns) every configured user, by name.
  std::map<std::string, std::pair<const TrafficRow*, const UserQuotaRow*>> users;
  for (const TrafficRow& r : report.users) users[r.name].first = &r;
  for (const UserQuotaRow& q : report.user_quotas) users[q.user].second = &q;
  const TrafficRow none;
  for (const auto& [name, row] : users) {
    const TrafficRow& r = row.first ? *row.first : none;
    std::vector<std::string> cells = {name, count(r.requests), or_dash(r.local_share, share), count(r.input_tokens),
                                      count(r.output_tokens), money(r.cost), money(r.cloud_cost)};
    if (quotas) {
      const UserQuotaRow* q = row.second;
      cells.push_back(q ? use_of(static_cast<double>(q->tokens_today), q->tokens_per_day, count) : "–");
      cells.push_back(q ? use_of(q->cloud_spend_this_month, q->cloud_spend_per_month, money) : "–");
    }
    table.add_row(std::move(cells));
  }
  return table;
}

std::string quota_note(const Report& report) {
  if (report.user_quotas.empty() || !report.quota_at_unix_ms) return {};
  return "Quota columns: tokens in the UTC day and cloud spend in the UTC month of " +
         format_time(*report.quota_at_unix_ms) +
         " (answered client requests in the records, whatever the window), against each user's limit.";
}

Table model_table(const Report& report) {
  Table table({{"model", Align::left}, {"type", Align::left}, {"requests"}, {"tok/s"}, {"TTFT"}, {"avg time"},
               {"quality"}, {"tokens out"}, {"cost"}, {"cost/quality pt"}});
  const auto money = [&report](double value) { return format_money(value, report.currency); };
  const auto quality = [](double value) { return format_decimal(value, 2); };
  for (const ModelRow& m : report.models) {
    const std::string type = m.location ? std::string(config::to_string(*m.location)) : "–";
    table.add_row({m.backend + "/" + m.model, type, count(m.requests), or_dash(m.tokens_per_second, rate),
                   or_dash(m.ttft_ms, ms), or_dash(m.total_ms, ms), or_dash(m.quality, quality),
                   count(m.output_tokens), money(m.cost), or_dash(m.cost_per_quality_point, money)});
  }
  return table;
}

Table bench_table(const Report& report) {
  Table table({{"model", Align::left}, {"type", Align::left}, {"done"}, {"failed"}, {"truncated"}, {"TTFT"},
               {"avg time"}, {"tok/s"}, {"tokens out"}, {"thinking"}, {"cost"}, {"quality"}, {"checks"}});
  if (!report.bench) return table;
  for (const benchmark::ModelSummary& m : report.bench->models)
    table.add_row({m.model, m.route.empty() ? "–" : m.route, count(m.done), count(m.failed), count(m.truncated),
                   or_dash(m.mean_ttft_ms, ms), or_dash(m.mean_total_ms, ms), or_dash(m.mean_tokens_per_second, rate),
                   count(m.output_tokens), count(m.reasoning_tokens), format_money(m.cost, report.currency),
                   or_dash(m.mean_quality, [](double q) { return format_decimal(q, 2); }),
                   m.checks_total ? std::to_string(m.checks_passed) + "/" + std::to_string(m.checks_total) : "–"});
  return table;
}

std::string bench_title(const Report& report) {
  if (!report.bench) return "Latest bench run";
  return "Latest bench run " + report.bench->run_id + " (" + format_time(report.bench->start_unix_ms) + ")";
}

std::string quality_note(const Report& report) {
  if (report.quality_source.empty())
    return "quality: no judged answers yet (run `llmroute bench` with judges, or shadow some traffic, to score the models)";
  return "quality: mean judged score, 0 (fail) to 2 (good), from " + report.quality_source;
}

std::string shadow_status_text(const Report& report) {
  const JudgingCounts& j = report.judging;
  return "shadow copies: " + format_count(report.shadow_requests) + " (" + format_money(report.shadow_cost, report.currency) +
         "); pairs judged " + format_count(j.judged) + ", waiting " + format_count(j.pending) + ", invalid " +
         format_count(j.invalid) + ", failed " + format_count(j.failed) + ", awaiting human review " +
         format_count(j.awaiting_review) + "; judge calls " + format_count(j.judge_calls) + " (" +
         format_money(j.judge_cost, report.currency) + ")";
}

std::string no_verdict_text(const Report& report) {
  const JudgingCounts& j = report.judging;
  if (report.shadow_requests == 0 && j.pending + j.judged + j.invalid + j.failed == 0)
    return "no shadow data yet: shadow copies and their judgments will show here once shadowing runs";
  return "no verdict yet (pairs waiting for judges: " + format_count(j.pending) + ")";
}

Table shadow_table(const Report& report) {
  Table table({{"task", Align::left}, {"candidate vs baseline", Align::left}, {"pairs"}, {"wins/ties/losses"},
               {"score diff"}, {"95% CI"}, {"time diff"}, {"cost diff"}, {"judges say", Align::left}});
  const auto signed_score = [](double value) { return (value > 0 ? "+" : "") + format_decimal(value, 2); };
  const auto signed_time = [](double ms) { return (ms < 0 ? "-" : "+") + format_duration_ms(std::abs(ms)); };
  const auto signed_money = [&report](double value) {
    std::string money = format_money(value, report.currency);  // "USD -0.0123"; a gain reads "USD +0.0123"
    const bool shown_as_zero = money.find_first_not_of("-0.,", report.currency.size() + 1) == std::string::npos;
    if (value > 0 && !shown_as_zero) money.insert(report.currency.size() + 1, "+");
    return money;
  };
  for (const ShadowVerdictRow& v : report.shadow_verdicts) {
    const std::string interval =
        v.ci_low && v.ci_high ? signed_score(*v.ci_low) + " … " + signed_score(*v.ci_high) : std::string("–");
    table.add_row({v.task, v.candidate_model + " vs " + v.baseline_model, count(v.pairs),
                   count(v.wins) + "/" + count(v.ties) + "/" + count(v.losses), signed_score(v.mean_difference),
                   interval, or_dash(v.latency_difference_ms, signed_time), or_dash(v.cost_difference, signed_money),
                   v.judges_say});
  }
  return table;
}

std::vector<std::pair<std::string, std::string>> economics_lines(const Report& report) {
  const Economics& e = report.economics;
  const auto money = [&report](double value) { return format_money(value, report.currency); };
  const auto per_month = [&](double value) { return money(value) + " per month"; };
  std::vector<std::pair<std::string, std::string>> lines;
  lines.emplace_back("cloud spend avoided (local requests at the baseline price)",
                     or_dash(e.monthly_cloud_spend_avoided, per_month));
  lines.emplace_back("cloud spend", or_dash(e.monthly_cloud_spend, per_month));
  lines.emplace_back("local box: amortisation", per_month(e.monthly_amortisation));
  lines.emplace_back("local box: electricity", per_month(e.monthly_electricity));
  lines.emplace_back("local box: total", per_month(e.monthly_box_cost));
  lines.emplace_back("net saving (avoided − box)", or_dash(e.monthly_net_saving, per_month));
  lines.emplace_back("break-even", e.break_even_months ? format_decimal(*e.break_even_months, 1) + " months"
                                   : e.monthly_cloud_spend_avoided ? std::string("never at this rate")
                                                                   : std::string("–"));
  lines.emplace_back("members", format_count(e.members));
  lines.emplace_back("local box per member", or_dash(e.monthly_box_cost_per_member, per_month));
  return lines;
}

}  // namespace llmroute::report
