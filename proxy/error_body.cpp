// Error JSON for both API families.
#include "proxy/error_body.hpp"

#include "proxy/request_body.hpp"

namespace llmroute::proxy {

namespace {

std::string_view anthropic_error_type(int status) {
  switch (status) {
    case 400: case 404: case 405: case 408: case 413: return status == 404 ? "not_found_error" : status == 413 ? "request_too_large" : "invalid_request_error";
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 429: return "rate_limit_error";
    case 529: case 503: return "overloaded_error";
    case 504: return "timeout_error";
    default: return status >= 500 ? "api_error" : "invalid_request_error";  // e.g. 431 headers too large
  }
}

}  // namespace

int error_status(ClientApi api, int status) {
  const bool anthropic = api == ClientApi::messages || api == ClientApi::count_tokens;
  return anthropic && status == 503 ? 529 : status;
}

std::string openai_error_body(int status, std::string_view message, std::string_view code, std::string_view type) {
  if (code.empty() && status == 429) code = "rate_limit_exceeded";
  std::string out = R"({"error":{"message":)";
  out += json_quote(message);
  out += R"(,"type":)";
  out += json_quote(type.empty() ? openai_error_type(status) : type);
  out += R"(,"param":null,"code":)";
  out += code.empty() ? std::string("null") : json_quote(code);
  out += "}}";
  return out;
}

std::string anthropic_error_body(int status, std::string_view message) {
  std::string out = R"({"type":"error","error":{"type":)";
  out += json_quote(anthropic_error_type(status));
  out += R"(,"message":)";
  out += json_quote(message);
  out += "}}";
  return out;
}

std::string error_body(ClientApi api, int status, std::string_view message, std::string_view code,
                       std::string_view type) {
  return uses_anthropic_errors(api) ? anthropic_error_body(status, message) : openai_error_body(status, message, code, type);
}

std::string sse_error_event(ClientApi api, int status, std::string_view message) {
  if (uses_anthropic_errors(api)) return "event: error\ndata: " + anthropic_error_body(status, message) + "\n\n";
  return "data: " + openai_error_body(status, message) + "\n\n";
}

}  // namespace llmroute::proxy
