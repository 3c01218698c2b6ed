// Active health checks: every backend's health path probed on an interval, feeding its circuit breaker.
#pragma once

#include "proxy/asio.hpp"
#include "proxy/server_state.hpp"

namespace llmroute::proxy {

/// Probes backend `index` every `routing.health.probe_interval` until the server drains. A 2xx answer
/// within the connect timeout counts as a success, anything else as a failure.
awaitable<void> probe_backend_health(ServerState* state, std::size_t index);

}  // namespace llmroute::proxy
