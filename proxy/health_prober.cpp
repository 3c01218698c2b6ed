// The active health-check loop of one backend.
#include "proxy/health_prober.hpp"

#include "proxy/asio_ssl.hpp"
#include "proxy/health_check_log.hpp"

#include <cstdio>
#include <optional>

namespace llmroute::proxy {

namespace {

using namespace asio::experimental::awaitable_operators;

/// Why a check failed, naming the backend; nullopt when it passed.
using CheckFailure = std::optional<std::string>;

/// Whether a backend that answered its health path with `status` is fit for requests. What fails a request
/// fails the check (5xx, 429, and 401: llmroute's key is rejected); any other answer shows a backend that
/// answers. A 403 or 404 on the health path says nothing about its models: a cloud key limited to inference
/// may not list models, and a server may have no /models; counted, it would put a working backend last.
bool answers_requests(int status) { return status < 500 && status != 429 && status != 401; }

/// "backend 'box' at http://…/v1", as the request path's errors name a backend.
std::string describe(const config::BackendConfig& b) { return "backend '" + b.name + "' at " + b.url; }

template <typename Stream>
awaitable<CheckFailure> probe_on(Stream& stream, UpstreamConnection& connection, const BackendRuntime& backend) {
  const config::BackendConfig& b = *backend.config;
  const std::string target = b.base_path + b.health_path;
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: " + b.host_header + "\r\nUser-Agent: llmroute-health\r\n";
  if (backend.api_key)
    request += b.kind == config::BackendKind::anthropic ? "x-api-key: " + *backend.api_key + "\r\nanthropic-version: 2023-06-01\r\n"
                                                         : "Authorization: Bearer " + *backend.api_key + "\r\n";
  request += "\r\n";
  if (auto [ec, n] = co_await asio::async_write(stream, asio::buffer(request), use_nothrow); ec)
    co_return describe(b) + ": cannot send GET " + target + ": " + ec.message();
  http::response_parser<http::string_body> parser;
  parser.body_limit(1u << 20);
  auto [ec, n] = co_await http::async_read(stream, connection.buffer, parser, use_nothrow);
  if (ec) co_return describe(b) + ": no answer to GET " + target + ": " + ec.message();
  const int status = parser.get().result_int();
  if (!answers_requests(status)) co_return describe(b) + " answered GET " + target + " with " + std::to_string(status);
  co_return std::nullopt;
}

awaitable<CheckFailure> probe_once(ServerState* state, std::size_t index) {
  BackendRuntime& backend = state->backends[index];
  const auto timeout = state->config->server.timeouts.upstream_connect;
  // A fresh connection each time: the check is also that the backend still accepts connections.
  AcquireResult acquired = co_await backend.pool->connect(timeout);
  if (const auto* failure = std::get_if<Failure>(&acquired)) co_return failure->detail;
  UpstreamConnection& connection = *std::get<UpstreamConnectionPtr>(acquired);
  asio::steady_timer timer(state->io, timeout);
  CheckFailure failure = describe(*backend.config) + " sent no answer to its health check within " +
                         std::to_string(timeout.count()) + " ms (server.timeouts.upstream_connect)";
  if (connection.is_tls()) {
    auto result = co_await (probe_on(connection.tls(), connection, backend) || timer.async_wait(use_nothrow));
    if (result.index() == 0) failure = std::get<0>(std::move(result));
  } else {
    auto result = co_await (probe_on(connection.socket(), connection, backend) || timer.async_wait(use_nothrow));
    if (result.index() == 0) failure = std::get<0>(std::move(result));
  }
  connection.close();
  co_return failure;
}

}  // namespace

awaitable<void> probe_backend_health(ServerState* state, std::size_t index) {
  const auto interval = state->config->routing.health.probe_interval;
  if (interval.count() <= 0) co_return;
  asio::steady_timer& timer = *state->backends[index].probe_timer;
  HealthCheckLog log(describe(*state->backends[index].config));
  while (!state->draining) {
    const CheckFailure failure = co_await probe_once(state, index);
    if (state->draining) break;
    state->health.record(index, failure ? router::Outcome::failure : router::Outcome::success, std::chrono::steady_clock::now());
    HealthCheckStatus& status = state->backends[index].checks;
    status.last_checked = std::chrono::system_clock::now();
    if (!failure) status.last_passed = status.last_checked;
    status.failure = failure;
    if (const auto line = log.checked(failure)) std::fprintf(stderr, "%s\n", line->c_str());
    // Shutdown cancels this timer (Server::begin_shutdown), so draining never waits out an interval.
    timer.expires_after(interval);
    co_await timer.async_wait(use_nothrow);
  }
}

}  // namespace llmroute::proxy
