// Usage as JSON: each quota's limit (null: unlimited), use, remainder and reset, from the quota store.
#include "proxy/usage_endpoints.hpp"

#include "proxy/admission.hpp"
#include "proxy/error_body.hpp"
#include "proxy/request_auth.hpp"
#include "records/json_text.hpp"

#include <boost/json.hpp>

namespace llmroute::proxy {

namespace {

namespace json = boost::json;

/// One quota: {"limit","used","remaining","resets_at"}; limit and remaining are null when unlimited. Counts
/// stay integers in the JSON; spend is a number in the config's currency.
template <typename Number>
json::object quota_json(const std::optional<Number>& limit, Number used, std::optional<policies::TimePoint> resets_at) {
  json::object out;
  out["limit"] = limit ? json::value(*limit) : json::value(nullptr);
  out["used"] = used;
  out["remaining"] = limit ? json::value(*limit > used ? *limit - used : Number{0}) : json::value(nullptr);
  out["resets_at"] = resets_at ? json::value(utc_text(*resets_at)) : json::value(nullptr);
  return out;
}

json::object user_json(const config::Config& config, const config::UserConfig& user, const policies::QuotaUsage& usage) {
  const config::QuotaLimits& limits = user.quotas;
  json::object quotas;
  quotas["requests_per_minute"] = quota_json(limits.requests_per_minute, usage.requests, usage.requests_reset);
  quotas["tokens_per_day"] = quota_json(limits.tokens_per_day, usage.tokens, usage.tokens_reset);
  quotas["cloud_spend_per_month"] = quota_json(limits.cloud_spend_per_month, usage.spend, usage.spend_reset);
  quotas["max_concurrent"] = quota_json(limits.max_concurrent, usage.in_flight, std::nullopt);
  return json::object{{"user", user.name},
                      {"role", config::to_string(user.role)},
                      {"private", user.private_user},
                      {"on_budget_exhausted", config::to_string(user.on_budget_exhausted)},
                      {"currency", config.currency},
                      {"in_flight", usage.in_flight},
                      {"quotas", std::move(quotas)}};
}

/// `user`'s usage as JSON, or the store's failure.
awaitable<std::variant<json::object, std::string>> usage_of(ServerState* state, const config::UserConfig* user) {
  awaitable<policies::UsageResult> asking = state->quota_store().usage(user->name, policies::SystemClock::now());
  const policies::UsageResult result = co_await std::move(asking);
  if (const auto* failed = std::get_if<policies::QuotaStoreUnavailable>(&result)) co_return failed->detail;
  co_return user_json(*state->config, *user, std::get<policies::QuotaUsage>(result));
}

awaitable<void> write_store_unavailable(ClientSession& session, const std::string& detail, KeepAlive keep_alive) {
  const std::string body = openai_error_body(503, "the quota store cannot report usage now: " + detail, "quota_store_unavailable");
  co_await write_response(session, 503, "application/json", body, keep_alive);
}

}  // namespace

awaitable<KeepAlive> serve_usage(ServerState* state, ClientSession* session, const ClientRequest* request,
                                 KeepAlive keep_alive) {
  const auto caller = caller_of(*state, *request);
  if (const auto* failure = std::get_if<policies::AuthFailure>(&caller)) {
    co_await write_unauthorized(*session, ClientApi::other, *failure, keep_alive);
    co_return keep_alive;
  }
  auto usage = co_await usage_of(state, std::get<const config::UserConfig*>(caller));
  if (const auto* failed = std::get_if<std::string>(&usage)) {
    co_await write_store_unavailable(*session, *failed, keep_alive);
    co_return keep_alive;
  }
  const std::string body = records::json_text(std::get<json::object>(usage));
  co_await write_response(*session, 200, "application/json", body, keep_alive);
  co_return keep_alive;
}

awaitable<KeepAlive> serve_admin_usage(ServerState* state, ClientSession* session, KeepAlive keep_alive) {
  const config::AccessConfig& access = state->config->access;
  std::vector<const config::UserConfig*> users;
  if (access.auth == config::AuthMode::none) users.push_back(&access.anonymous);
  for (const config::UserConfig& user : access.users) users.push_back(&user);
  json::array all;
  for (const config::UserConfig* user : users) {
    auto usage = co_await usage_of(state, user);
    if (const auto* failed = std::get_if<std::string>(&usage)) {
      co_await write_store_unavailable(*session, *failed, keep_alive);
      co_return keep_alive;
    }
    all.push_back(std::move(std::get<json::object>(usage)));
  }
  const std::string body = records::json_text(json::object{{"users", std::move(all)}});
  co_await write_response(*session, 200, "application/json", body, keep_alive);
  co_return keep_alive;
}

}  // namespace llmroute::proxy
