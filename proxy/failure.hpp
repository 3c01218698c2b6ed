// Failures on the data path as values: what went wrong, where, and what the client is told.
#pragma once

#include <string>
#include <string_view>

namespace llmroute::proxy {

enum class FailureKind {
  bad_request,        ///< 400: malformed JSON or a request we cannot serve
  unauthorized,       ///< 401
  not_found,          ///< 404: unknown path or model
  method_not_allowed, ///< 405
  payload_too_large,  ///< 413
  rate_limited,       ///< 429 (quota or upstream)
  upstream_refused,   ///< 502: cannot connect
  upstream_error,     ///< 502: broken answer, TLS failure, died mid-stream
  upstream_status,    ///< the backend answered with an error status (relayed)
  unavailable,        ///< 503: no candidate may serve this request
  timeout,            ///< 504 before the first byte; SSE error after
  client_timeout,     ///< 408: the client was too slow sending the request
  client_gone,        ///< the client disconnected; nothing to answer
};

/// Who caused the failure: the client, the proxy itself, or a backend.
enum class FailureOrigin { client, proxy, upstream };

struct Failure {
  FailureKind kind = FailureKind::upstream_error;
  FailureOrigin origin = FailureOrigin::proxy;
  int status = 502;
  bool retryable = false;  ///< another candidate may succeed (only before the first byte)
  std::string detail;
};

std::string_view to_string(FailureKind kind);

/// The HTTP status a client sees for a failure kind.
int status_of(FailureKind kind);

/// The OpenAI error `type` for a status (invalid_request_error, server_error, ...).
std::string_view openai_error_type(int status);

}  // namespace llmroute::proxy
