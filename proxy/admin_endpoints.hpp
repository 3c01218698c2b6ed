// Operator endpoints: Prometheus /metrics and GET /admin/records.
#pragma once

#include "proxy/client_response.hpp"
#include "proxy/model_request.hpp"

namespace llmroute::proxy {

/// GET /metrics in the Prometheus text exposition format.
awaitable<KeepAlive> serve_metrics(ServerState* state, ClientSession* session, KeepAlive keep_alive);

/// GET /admin/records?since=&until=&user=&task=&limit= as a JSON array, newest first. Loopback clients only
/// (until users and admin keys exist). The query runs on a worker thread, never on the I/O thread.
awaitable<KeepAlive> serve_admin_records(ServerState* state, ClientSession* session, const ClientRequest* request,
                                         KeepAlive keep_alive);

}  // namespace llmroute::proxy
