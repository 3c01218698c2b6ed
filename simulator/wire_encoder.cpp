// The interface that turns an Answer into one wire format's events or body, and its error bodies.
#include "simulator/wire_encoder.hpp"

#include "simulator/chat_encoder.hpp"
#include "simulator/completion_encoder.hpp"
#include "simulator/json_text.hpp"
#include "simulator/messages_encoder.hpp"
#include "simulator/responses_encoder.hpp"

namespace llmroute::simulator {

std::unique_ptr<WireEncoder> make_encoder(Endpoint endpoint, const ResponseMeta& meta, const Answer& answer) {
  switch (endpoint) {
    case Endpoint::completions:
      return std::make_unique<CompletionEncoder>(meta, answer);
    case Endpoint::messages:
      return std::make_unique<MessagesEncoder>(meta, answer);
    case Endpoint::responses:
      return std::make_unique<ResponsesEncoder>(meta, answer);
    case Endpoint::chat_completions:
    case Endpoint::count_tokens:
    case Endpoint::tokenize:
      break;
  }
  return std::make_unique<ChatEncoder>(meta, answer);
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    case 529:
      return "Overloaded";
    default:
      return "Error";
  }
}

std::string error_body(ErrorShape shape, int status, std::string_view message) {
  std::string body;
  if (shape == ErrorShape::anthropic) {
    std::string_view type = "api_error";
    if (status == 400) type = "invalid_request_error";
    if (status == 401) type = "authentication_error";
    if (status == 403) type = "permission_error";
    if (status == 404) type = "not_found_error";
    if (status == 429) type = "rate_limit_error";
    if (status == 529) type = "overloaded_error";
    body += R"({"type":"error","error":{"type":")";
    body += type;
    body += R"(","message":)";
    append_json_string(body, message);
    body += "}}";
    return body;
  }
  std::string_view type = "server_error";
  std::string_view code = "null";
  if (status == 400 || status == 401 || status == 404 || status == 405) type = "invalid_request_error";
  if (status == 401) code = R"("invalid_api_key")";
  if (status == 403) type = "permission_error";
  if (status == 404) code = R"("not_found")";
  if (status == 429) {
    type = "requests";
    code = R"("rate_limit_exceeded")";
  }
  if (status == 529) code = R"("overloaded")";
  body += R"({"error":{"message":)";
  append_json_string(body, message);
  body += R"(,"type":")";
  body += type;
  body += R"(","param":null,"code":)";
  body += code;
  body += "}}";
  return body;
}

}  // namespace llmroute::simulator
