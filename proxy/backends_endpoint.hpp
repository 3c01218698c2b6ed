// GET /admin/backends: each configured backend's health, circuit breaker and slots, as JSON.
#pragma once

#include "proxy/client_response.hpp"
#include "proxy/model_request.hpp"

namespace llmroute::proxy {

/// GET /admin/backends: for every configured backend its name, kind, url, location and models; whether routing
/// treats it as healthy now (its circuit breaker), until when a failure cooldown lasts, what its active health checks
/// found last; and its requests in flight, with its slot limit and queue under max_concurrency. Reads only state the
/// I/O thread owns, on the I/O thread. The caller has checked that the client may use operator endpoints
/// (authorize_admin).
awaitable<KeepAlive> serve_admin_backends(ServerState* state, ClientSession* session, KeepAlive keep_alive);

}  // namespace llmroute::proxy
