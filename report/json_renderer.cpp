// The report as JSON, in the shape docs/report-schema.json documents.
#include "report/renderers.hpp"
#include "records/json_text.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace llmroute::report {

namespace {

namespace json = boost::json;

template <class T>
json::value optional_value(const std::optional<T>& value) {
  if (!value) return nullptr;
  return json::value(*value);
}

json::object percentiles(const Percentiles& p) {
  return {{"p50", optional_value(p.p50)}, {"p95", optional_value(p.p95)}};
}

json::object traffic(const TrafficRow& r) {
  return {{"name", r.name},
          {"requests", r.requests},
          {"local", r.local},
          {"cloud", r.cloud},
          {"unrouted", r.unrouted},
          {"local_share", optional_value(r.local_share)},
          {"input_tokens", r.input_tokens},
          {"output_tokens", r.output_tokens},
          {"ttft_ms", percentiles(r.ttft_ms)},
          {"total_ms", percentiles(r.total_ms)},
          {"tokens_per_second", optional_value(r.tokens_per_second)},
          {"cost", r.cost},
          {"cloud_cost", r.cloud_cost},
          {"all_cloud_cost", optional_value(r.all_cloud_cost)},
          {"savings", optional_value(r.savings)},
          {"truncations", r.truncations},
          {"errors", r.errors},
          {"fallbacks", r.fallbacks}};
}

json::object model(const ModelRow& m) {
  return {{"model", m.model},
          {"backend", m.backend},
          {"type", m.location ? json::value(config::to_string(*m.location)) : json::value(nullptr)},
          {"requests", m.requests},
          {"tokens_per_second", optional_value(m.tokens_per_second)},
          {"ttft_ms", optional_value(m.ttft_ms)},
          {"total_ms", optional_value(m.total_ms)},
          {"input_tokens", m.input_tokens},
          {"output_tokens", m.output_tokens},
          {"cost", m.cost},
          {"quality", optional_value(m.quality)},
          {"judgments", m.judgments},
          {"cost_per_quality_point", optional_value(m.cost_per_quality_point)}};
}

json::object economics(const Economics& e) {
  return {{"window_days", e.window_days},
          {"cloud_spend_avoided", optional_value(e.cloud_spend_avoided)},
          {"monthly_cloud_spend_avoided", optional_value(e.monthly_cloud_spend_avoided)},
          {"monthly_cloud_spend", optional_value(e.monthly_cloud_spend)},
          {"monthly_amortisation", e.monthly_amortisation},
          {"monthly_electricity", e.monthly_electricity},
          {"monthly_box_cost", e.monthly_box_cost},
          {"monthly_net_saving", optional_value(e.monthly_net_saving)},
          {"break_even_months", optional_value(e.break_even_months)},
          {"members", e.members},
          {"monthly_box_cost_per_member", optional_value(e.monthly_box_cost_per_member)}};
}

json::object user_quota(const UserQuotaRow& q) {
  return {{"user", q.user},
          {"tokens_today", q.tokens_today},
          {"tokens_per_day", optional_value(q.tokens_per_day)},
          {"cloud_spend_this_month", q.cloud_spend_this_month},
          {"cloud_spend_per_month", optional_value(q.cloud_spend_per_month)},
          {"on_budget_exhausted", q.on_budget_exhausted.empty() ? json::value(nullptr) : json::value(q.on_budget_exhausted)},
          {"private", q.private_user}};
}

template <class T, class F>
json::array array_of(const std::vector<T>& items, F convert) {
  json::array out;
  out.reserve(items.size());
  for (const T& item : items) out.push_back(convert(item));
  return out;
}

json::value bench(const Report& report) {
  if (!report.bench) return nullptr;
  json::array models = array_of(report.bench->models, [](const benchmark::ModelSummary& m) {
    return json::object{{"model", m.model},
                        {"route", m.route},
                        {"pairs", m.pairs},
                        {"done", m.done},
                        {"failed", m.failed},
                        {"truncated", m.truncated},
                        {"mean_ttft_ms", optional_value(m.mean_ttft_ms)},
                        {"mean_total_ms", optional_value(m.mean_total_ms)},
                        {"mean_tokens_per_second", optional_value(m.mean_tokens_per_second)},
                        {"output_tokens", m.output_tokens},
                        {"reasoning_tokens", m.reasoning_tokens},
                        {"cost", m.cost},
                        {"judged", m.judged},
                        {"mean_quality", optional_value(m.mean_quality)},
                        {"checks_passed", m.checks_passed},
                        {"checks_total", m.checks_total}};
  });
  return json::object{
      {"run_id", report.bench->run_id}, {"start_unix_ms", report.bench->start_unix_ms}, {"models", std::move(models)}};
}

}  // namespace

std::string render_json(const Report& report) {
  json::object window{{"since_unix_ms", optional_value(report.since_unix_ms)},
                      {"until_unix_ms", optional_value(report.until_unix_ms)},
                      {"first_unix_ms", report.first_unix_ms},
                      {"last_unix_ms", report.last_unix_ms}};
  json::array verdicts = array_of(report.shadow_verdicts, [](const ShadowVerdictRow& v) {
    return json::object{{"task", v.task},
                        {"candidate_model", v.candidate_model},
                        {"baseline_model", v.baseline_model},
                        {"local_vs_cloud", v.local_vs_cloud},
                        {"pairs", v.pairs},
                        {"wins", v.wins},
                        {"ties", v.ties},
                        {"losses", v.losses},
                        {"mean_difference", v.mean_difference},
                        {"ci_low", optional_value(v.ci_low)},
                        {"ci_high", optional_value(v.ci_high)},
                        {"awaiting_review", v.awaiting_review},
                        {"same_family_judged", v.same_family_judged},
                        {"latency_difference_ms", optional_value(v.latency_difference_ms)},
                        {"cost_difference", optional_value(v.cost_difference)},
                        {"verdict", v.verdict},
                        {"judges_say", v.judges_say},
                        {"recommendation", v.recommendation}};
  });
  json::array quality = array_of(report.quality, [](const QualityCell& c) {
    return json::object{{"task", c.task}, {"model", c.model}, {"quality", c.quality}, {"judgments", c.judgments}};
  });
  json::array points = array_of(report.cost_over_time, [](const CostPoint& p) {
    return json::object{{"start_unix_ms", p.start_unix_ms},
                        {"cost", p.cost},
                        {"all_cloud_cost", optional_value(p.all_cloud_cost)}};
  });
  json::object document{
      {"schema_version", 1},
      {"currency", report.currency},
      {"window", std::move(window)},
      {"total", traffic(report.total)},
      {"tasks", array_of(report.tasks, traffic)},
      {"users", array_of(report.users, traffic)},
      {"models", array_of(report.models, model)},
      {"quality", std::move(quality)},
      {"quality_source", report.quality_source.empty() ? json::value(nullptr) : json::value(report.quality_source)},
      {"shadow", json::object{{"requests", report.shadow_requests},
                              {"cost", report.shadow_cost},
                              {"pairs_pending", report.judging.pending},
                              {"pairs_judged", report.judging.judged},
                              {"pairs_invalid", report.judging.invalid},
                              {"pairs_failed", report.judging.failed},
                              {"awaiting_review", report.judging.awaiting_review},
                              {"judge_calls", report.judging.judge_calls},
                              {"judge_cost", report.judging.judge_cost},
                              {"min_pairs", report.judging.min_n},
                              {"verdicts", std::move(verdicts)}}},
      {"cost_over_time", json::object{{"bucket_ms", report.cost_bucket_ms}, {"points", std::move(points)}}},
      {"economics", economics(report.economics)},
      {"quota_at_unix_ms", optional_value(report.quota_at_unix_ms)},
      {"user_quotas", array_of(report.user_quotas, user_quota)},
      {"bench", bench(report)}};
  return records::json_text(document) + "\n";
}

}  // namespace llmroute::report
