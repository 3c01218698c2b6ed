// Quota admission on the request path: one reserve (two when degrading to local), refusals as wire answers.
#include "proxy/admission.hpp"

#include "policies/quota_windows.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace llmroute::proxy {

namespace {

using policies::QuotaName;

/// The dearest cloud candidate's cost for `estimate`; 0 when every candidate is local.
double estimated_cloud_cost(const ServerState& state, const router::RouteDecision& decision, const records::Usage& estimate) {
  double dearest = 0;
  for (const router::Candidate& candidate : decision.candidates) {
    if (state.config->backend(candidate.target).location != config::Location::cloud) continue;
    const double cost = state.cost.cost_of(state.config->model(candidate.target), config::Location::cloud, estimate, 0);
    dearest = std::max(dearest, cost);
  }
  return dearest;
}

std::string money(double amount, const std::string& currency) {
  char text[64];
  std::snprintf(text, sizeof text, "%.4f %s", amount, currency.c_str());
  return text;
}

std::string count(double value) { return std::to_string(static_cast<std::uint64_t>(value)); }

/// "ann has used 50 of 50 requests_per_minute; resets in 42 s (2025-04-01T00:00:00Z)".
std::string refusal_message(const std::string& user, const policies::QuotaRefusal& r, const std::string& currency,
                            policies::TimePoint now) {
  std::string text = "quota " + std::string(policies::to_string(r.quota)) + " exceeded for user '" + user + "': ";
  switch (r.quota) {
    case QuotaName::requests_per_minute: text += count(r.used) + " of " + count(r.limit) + " requests used in this minute"; break;
    case QuotaName::tokens_per_day:
      text += count(r.used) + " of " + count(r.limit) + " tokens used today, this request may need up to " + count(r.requested);
      break;
    case QuotaName::cloud_spend_per_month:
      text += money(r.used, currency) + " of " + money(r.limit, currency) +
              " cloud spend used this month, this request may cost up to " + money(r.requested, currency);
      break;
    case QuotaName::max_concurrent:
      return text + count(r.used) + " of " + count(r.limit) + " requests already in flight; retry when one of them ends";
  }
  return text + "; resets in " + std::to_string(policies::seconds_until(now, *r.resets_at)) + " s (" + utc_text(*r.resets_at) + ")";
}

AdmissionRefusal quota_refusal(const std::string& user, const policies::QuotaRefusal& r, const std::string& currency,
                               policies::TimePoint now) {
  // OpenAI's words: a rate limit is rate_limit_exceeded of type requests or tokens; a spent budget, which
  // waiting a moment does not cure, is insufficient_quota.
  const bool budget = r.quota == QuotaName::cloud_spend_per_month;
  AdmissionRefusal refusal{429, refusal_message(user, r, currency, now), budget ? "insufficient_quota" : "rate_limit_exceeded",
                           budget ? "insufficient_quota" : r.quota == QuotaName::tokens_per_day ? "tokens" : "requests", {}};
  const std::int64_t retry_after = r.resets_at ? policies::seconds_until(now, *r.resets_at) : 1;
  refusal.headers = "Retry-After: " + std::to_string(retry_after) + "\r\nx-llmroute-quota: " +
                    std::string(policies::to_string(r.quota)) + "\r\n";
  if (r.resets_at) refusal.headers += "x-llmroute-quota-reset: " + utc_text(*r.resets_at) + "\r\n";
  return refusal;
}

}  // namespace

std::string utc_text(policies::TimePoint t) {
  const std::time_t seconds = policies::SystemClock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

awaitable<Admitted> admit(ServerState* state, const config::UserConfig* user, ClientApi api,
                          const router::RequestFeatures* features, router::RouteRequest* route_request,
                          router::RouteDecision* decision) {
  Admitted admitted;
  // count_tokens generates nothing, and a request without a route reaches no backend.
  if (api == ClientApi::count_tokens || decision->refusal) co_return admitted;
  const config::Config& config = *state->config;
  const records::Usage estimate{features->estimated_input_tokens, router::reserved_output_tokens(config, *features)};
  policies::QuotaRequest request{user->name, user->quotas, estimate.input + estimate.output,
                                 estimated_cloud_cost(*state, *decision, estimate), policies::SystemClock::now()};
  awaitable<policies::Admission> reserving = state->quota_store().reserve(request);
  policies::Admission admission = co_await std::move(reserving);

  const auto* refused = std::get_if<policies::QuotaRefusal>(&admission);
  if (refused && refused->quota == QuotaName::cloud_spend_per_month &&
      user->on_budget_exhausted == config::BudgetPolicy::degrade_to_local) {
    const std::string spent = money(refused->used, config.currency) + " of " + money(refused->limit, config.currency) +
                              " cloud_spend_per_month used";
    route_request->policy = router::UserPolicy::cloud_budget_exhausted;
    *decision = router::decide_route(config, *route_request);
    decision->reason += " (" + spent + ")";
    if (decision->refusal) {
      *decision->refusal += " (" + spent + ")";
      co_return admitted;
    }
    request.cost = 0;
    awaitable<policies::Admission> local = state->quota_store().reserve(request);
    admission = co_await std::move(local);
  }

  if (auto* reservation = std::get_if<policies::Reservation>(&admission)) {
    admitted.guard.emplace(state->quota_store(), std::move(*reservation));
  } else if (const auto* refusal = std::get_if<policies::QuotaRefusal>(&admission)) {
    state->metrics.quota_refused(user->name, policies::to_string(refusal->quota));
    admitted.refusal = quota_refusal(user->name, *refusal, config.currency, request.now);
  } else {
    const std::string detail = std::get<policies::QuotaStoreUnavailable>(admission).detail;
    admitted.refusal = AdmissionRefusal{503, "the quota store cannot admit requests now: " + detail, "quota_store_unavailable", {}, {}};
  }
  co_return admitted;
}

policies::Settlement settlement_of(const records::RequestRecord& record, const config::ModelConfig* model,
                                   const records::CostModel& cost) {
  if (record.http_status < 200 || record.http_status >= 300 || !model || !record.route) return {};
  const double spend = *record.route == config::Location::cloud
                           ? cost.cost_of(*model, config::Location::cloud, record.usage, 0)
                           : 0;
  return {record.usage.input + record.usage.output, spend};
}

}  // namespace llmroute::proxy
