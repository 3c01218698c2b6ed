// GET /v1/usage (the caller's quotas) and GET /admin/usage (every user's), as JSON.
#pragma once

#include "proxy/client_response.hpp"
#include "proxy/model_request.hpp"

namespace llmroute::proxy {

/// GET /v1/usage: the caller's quotas — limit, used, remaining, reset time — plus requests in flight.
/// Needs the caller's key under `auth: keys` (401 in OpenAI's shape otherwise).
awaitable<KeepAlive> serve_usage(ServerState* state, ClientSession* session, const ClientRequest* request,
                                 KeepAlive keep_alive);

/// GET /admin/usage: the same for every configured user (or "anonymous" under `auth: none`). The caller
/// has checked that the client may use operator endpoints (authorize_admin).
awaitable<KeepAlive> serve_admin_usage(ServerState* state, ClientSession* session, KeepAlive keep_alive);

}  // namespace llmroute::proxy
