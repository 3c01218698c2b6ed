// Which API a client called, decided from the path: it chooses the error shape and the translation.
#pragma once

#include <string_view>

namespace llmroute::proxy {

enum class ClientApi { chat_completions, completions, messages, count_tokens, responses, models, other };

/// The endpoint of a path, ignoring any query string (`/v1/messages?beta=true` is real traffic).
ClientApi client_api_of(std::string_view path);

/// The path without its query string.
std::string_view path_without_query(std::string_view target);

/// The target of the request line at the start of raw request bytes ("POST /v1/messages HTTP/1.1\r\n…"),
/// empty when there is none: an error for a request that could not be parsed still takes its API's shape.
std::string_view request_line_target(std::string_view head);

/// The method of the request line at the start of raw request bytes ("HEAD /x HTTP/1.1\r\n…"), empty when
/// there is none: an error for a HEAD whose request line could not be parsed still goes without a body.
std::string_view request_line_method(std::string_view head);

/// Whether errors on this API use Anthropic's shape rather than OpenAI's.
inline bool uses_anthropic_errors(ClientApi api) { return api == ClientApi::messages || api == ClientApi::count_tokens; }

}  // namespace llmroute::proxy
