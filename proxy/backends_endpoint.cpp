// The JSON of GET /admin/backends, from the breakers, the health checks' findings and the slots.
#include "proxy/backends_endpoint.hpp"

#include "proxy/admission.hpp"

#include <boost/json.hpp>

namespace llmroute::proxy {

namespace {

namespace json = boost::json;

json::value time_or_null(const std::optional<std::chrono::system_clock::time_point>& t) {
  return t ? json::value(utc_text(*t)) : json::value(nullptr);
}

/// {"last_at","last_passed_at","failure"}; null when active checks are off (probe_interval 0).
json::value health_check_json(const config::Config& config, const HealthCheckStatus& checks) {
  if (config.routing.health.probe_interval.count() <= 0) return nullptr;
  return json::object{{"last_at", time_or_null(checks.last_checked)},
                      {"last_passed_at", time_or_null(checks.last_passed)},
                      {"failure", checks.failure ? json::value(*checks.failure) : json::value(nullptr)}};
}

json::object backend_json(const ServerState& state, std::size_t index, router::HealthClock::time_point now,
                          std::chrono::system_clock::time_point wall_now) {
  const BackendRuntime& backend = state.backends[index];
  const config::BackendConfig& b = *backend.config;
  json::array models;
  for (const config::ModelConfig& model : b.models) models.push_back(json::value(model.name));
  const router::CircuitBreaker breaker = state.health.breaker(index);
  const router::BreakerState circuit = breaker.state(now);
  std::optional<std::chrono::system_clock::time_point> cooldown_until;
  if (const auto until = breaker.open_until(now))
    cooldown_until = wall_now + std::chrono::duration_cast<std::chrono::system_clock::duration>(*until - now);
  const BackendSlots& slots = *backend.slots;
  json::value slots_json = nullptr;
  if (slots.limit() != 0) slots_json = json::object{{"limit", slots.limit()}, {"queued", slots.queued()}};
  return json::object{{"name", b.name},
                      {"kind", config::to_string(b.kind)},
                      {"url", b.url},
                      {"location", config::to_string(b.location)},
                      {"models", std::move(models)},
                      {"healthy", circuit != router::BreakerState::open},
                      {"circuit", router::to_string(circuit)},
                      {"consecutive_failures", breaker.consecutive_failures()},
                      {"cooldown_until", time_or_null(cooldown_until)},
                      {"health_check", health_check_json(*state.config, backend.checks)},
                      {"in_flight", slots.in_use()},
                      {"slots", std::move(slots_json)}};
}

}  // namespace

awaitable<KeepAlive> serve_admin_backends(ServerState* state, ClientSession* session, KeepAlive keep_alive) {
  const auto now = router::HealthClock::now();
  const auto wall_now = std::chrono::system_clock::now();
  json::array backends;
  for (std::size_t i = 0; i < state->backends.size(); ++i) backends.push_back(backend_json(*state, i, now, wall_now));
  const std::string body = json::serialize(json::object{{"backends", std::move(backends)}});
  co_await write_response(*session, 200, "application/json", body, keep_alive);
  co_return keep_alive;
}

}  // namespace llmroute::proxy
