// Names and statuses of failure kinds.
#include "proxy/failure.hpp"

namespace llmroute::proxy {

std::string_view to_string(FailureKind kind) {
  switch (kind) {
    case FailureKind::bad_request: return "bad_request";
    case FailureKind::unauthorized: return "unauthorized";
    case FailureKind::not_found: return "not_found";
    case FailureKind::method_not_allowed: return "method_not_allowed";
    case FailureKind::payload_too_large: return "payload_too_large";
    case FailureKind::rate_limited: return "rate_limited";
    case FailureKind::upstream_refused: return "upstream_refused";
    case FailureKind::upstream_error: return "upstream_error";
    case FailureKind::upstream_status: return "upstream_status";
    case FailureKind::unavailable: return "unavailable";
    case FailureKind::timeout: return "timeout";
    case FailureKind::client_timeout: return "client_timeout";
    case FailureKind::client_gone: return "client_gone";
  }
  return "upstream_error";
}

int status_of(FailureKind kind) {
  switch (kind) {
    case FailureKind::bad_request: return 400;
    case FailureKind::unauthorized: return 401;
    case FailureKind::not_found: return 404;
    case FailureKind::method_not_allowed: return 405;
    case FailureKind::payload_too_large: return 413;
    case FailureKind::rate_limited: return 429;
    case FailureKind::upstream_refused:
    case FailureKind::upstream_error:
    case FailureKind::upstream_status: return 502;
    case FailureKind::unavailable: return 503;
    case FailureKind::timeout: return 504;
    case FailureKind::client_timeout: return 408;
    case FailureKind::client_gone: return 499;
  }
  return 502;
}

std::string_view openai_error_type(int status) {
  switch (status) {
    case 400: case 404: case 405: case 408: case 413: return "invalid_request_error";
    case 401: return "invalid_request_error";  // OpenAI's type for a missing or wrong key
    case 403: return "permission_error";
    case 429: return "requests";  // OpenAI's type for a request rate limit ("tokens" for a token one)
    case 503: return "service_unavailable";
    case 504: return "timeout";
    default: return status >= 500 ? "server_error" : "invalid_request_error";
  }
}

}  // namespace llmroute::proxy
