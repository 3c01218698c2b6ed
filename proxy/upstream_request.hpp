// The request as one candidate backend receives it: its model id spliced into the client's bytes (or the
// body translated to the backend's format) and its head. Internal to proxy/; nothing outside proxy/ includes it.
#pragma once

#include "proxy/model_request.hpp"
#include "proxy/request_body.hpp"
#include "proxy/upstream_exchange.hpp"

#include <string>
#include <string_view>

namespace llmroute::proxy {

/// The parts of a request every candidate is built from.
struct PreparedRequest {
  const ClientRequest* request;
  const RequestBody* scanned;
  std::string_view body;
  std::string request_id;
  std::string task;
  std::string reason;
};

/// Points the exchange at one candidate: its backend, its model id spliced into the body (or the body
/// translated to the backend's format), its head. Returns why the request cannot go there, or empty.
std::string aim_at(Exchange& ex, const PreparedRequest& prepared, config::ModelRef target);

}  // namespace llmroute::proxy
