// Serves one model request (chat completions, completions) from parsing to the last relayed byte.
#pragma once

#include "proxy/asio.hpp"
#include "proxy/client_response.hpp"
#include "proxy/server_state.hpp"
#include "proxy/wire_format.hpp"

namespace llmroute::proxy {

using ClientRequest = http::request<http::string_body>;

/// Forwards the request to its backend and relays the answer as it arrives. Every failure is answered
/// in the wire format of `api`. Returns whether the client connection may serve another request.
awaitable<KeepAlive> serve_model_request(ServerState* state, ClientSession* session, ClientRequest* request, ClientApi api);

}  // namespace llmroute::proxy
