// Dispatch of one parsed request to its endpoint: model APIs, /v1/models, health probes, 404/405.
#pragma once

#include "proxy/client_response.hpp"
#include "proxy/model_request.hpp"

namespace llmroute::proxy {

/// Answers one request. Returns whether the connection may serve another.
awaitable<KeepAlive> serve_endpoint(ServerState* state, ClientSession* session, ClientRequest* request);

/// The JSON of GET /v1/models: every configured model with its backend and location.
std::string models_json(const config::Config& config);

}  // namespace llmroute::proxy
