// The body of GET /healthz: "ok", or "degraded" with what does not work while requests are still answered.
#pragma once

#include "proxy/server_state.hpp"

#include <string>

namespace llmroute::proxy {

/// {"status":"ok"}, or {"status":"degraded","records":"…"} while the records database cannot be written (the
/// proxy still answers every request; the records wait in memory). The status code is 200 either way.
std::string health_body(const ServerState& state);

}  // namespace llmroute::proxy
