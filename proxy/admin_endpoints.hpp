// Operator endpoints: Prometheus /metrics, GET /admin/records and GET /report.
#pragma once

#include "proxy/client_response.hpp"
#include "proxy/model_request.hpp"

namespace llmroute::proxy {

// Who may call these (an admin's key, or a loopback client under `auth: none`) is checked before, by
// authorize_admin (proxy/request_auth.hpp).

/// GET /metrics in the Prometheus text exposition format.
awaitable<KeepAlive> serve_metrics(ServerState* state, ClientSession* session, KeepAlive keep_alive);

/// GET /admin/records?since=&until=&user=&task=&limit= as a JSON array, newest first. The query runs on a
/// worker thread, never on the I/O thread.
awaitable<KeepAlive> serve_admin_records(ServerState* state, ClientSession* session, const ClientRequest* request,
                                         KeepAlive keep_alive);

/// GET /report?since=&until=: the HTML split report (`llmroute report --format html`) over the records, with
/// every user's quota use. Reading and rendering run on a worker thread, never on the I/O thread.
awaitable<KeepAlive> serve_report(ServerState* state, ClientSession* session, const ClientRequest* request,
                                  KeepAlive keep_alive);

}  // namespace llmroute::proxy
