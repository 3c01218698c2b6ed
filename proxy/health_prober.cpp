// The active health-check loop of one backend.
#include "proxy/health_prober.hpp"

#include "proxy/asio_ssl.hpp"

namespace llmroute::proxy {

namespace {

using namespace asio::experimental::awaitable_operators;

/// Whether a backend that answered its health path with `status` is fit for requests. What fails a request
/// fails the check (5xx, 429, and 401: llmroute's key is rejected); any other answer shows a backend that
/// answers. A 403 or 404 on the health path says nothing about its models: a cloud key limited to inference
/// may not list models, and a server may have no /models; counted, it would put a working backend last.
bool answers_requests(int status) { return status < 500 && status != 429 && status != 401; }

template <typename Stream>
awaitable<bool> probe_on(Stream& stream, UpstreamConnection& connection, const BackendRuntime& backend) {
  const config::BackendConfig& b = *backend.config;
  std::string request = "GET " + b.base_path + b.health_path + " HTTP/1.1\r\nHost: " + b.host_header + "\r\nUser-Agent: llmroute-health\r\n";
  if (backend.api_key)
    request += b.kind == config::BackendKind::anthropic ? "x-api-key: " + *backend.api_key + "\r\nanthropic-version: 2023-06-01\r\n"
                                                         : "Authorization: Bearer " + *backend.api_key + "\r\n";
  request += "\r\n";
  if (auto [ec, n] = co_await asio::async_write(stream, asio::buffer(request), use_nothrow); ec) co_return false;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1u << 20);
  auto [ec, n] = co_await http::async_read(stream, connection.buffer, parser, use_nothrow);
  co_return !ec && answers_requests(parser.get().result_int());
}

awaitable<bool> probe_once(ServerState* state, std::size_t index) {
  BackendRuntime& backend = state->backends[index];
  const auto timeout = state->config->server.timeouts.upstream_connect;
  // A fresh connection each time: the check is also that the backend still accepts connections.
  AcquireResult acquired = co_await backend.pool->connect(timeout);
  auto* connection = std::get_if<UpstreamConnectionPtr>(&acquired);
  if (!connection) co_return false;
  asio::steady_timer timer(state->io, timeout);
  bool healthy = false;
  if ((*connection)->is_tls()) {
    auto result = co_await (probe_on((*connection)->tls(), **connection, backend) || timer.async_wait(use_nothrow));
    healthy = result.index() == 0 && std::get<0>(result);
  } else {
    auto result = co_await (probe_on((*connection)->socket(), **connection, backend) || timer.async_wait(use_nothrow));
    healthy = result.index() == 0 && std::get<0>(result);
  }
  (*connection)->close();
  co_return healthy;
}

}  // namespace

awaitable<void> probe_backend_health(ServerState* state, std::size_t index) {
  const auto interval = state->config->routing.health.probe_interval;
  if (interval.count() <= 0) co_return;
  asio::steady_timer& timer = *state->backends[index].probe_timer;
  while (!state->draining) {
    const bool healthy = co_await probe_once(state, index);
    if (state->draining) break;
    state->health.record(index, healthy ? router::Outcome::success : router::Outcome::failure, std::chrono::steady_clock::now());
    // Shutdown cancels this timer (Server::begin_shutdown), so draining never waits out an interval.
    timer.expires_after(interval);
    co_await timer.async_wait(use_nothrow);
  }
}

}  // namespace llmroute::proxy
