// Endpoint detection from the request path.
#include "proxy/wire_format.hpp"

namespace llmroute::proxy {

std::string_view path_without_query(std::string_view target) {
  // A plain loop: find_first_of("?#") calls memchr once per character, 30 calls for a usual path.
  for (std::size_t i = 0; i < target.size(); ++i)
    if (target[i] == '?' || target[i] == '#') return target.substr(0, i);
  return target;
}

std::string_view request_line_target(std::string_view head) {
  const std::size_t start = head.find_first_not_of("\r\n");  // empty lines before a request are tolerated
  if (start == std::string_view::npos) return {};
  head = head.substr(start);
  head = head.substr(0, head.find_first_of("\r\n"));
  const std::size_t method_end = head.find(' ');
  if (method_end == std::string_view::npos) return {};
  head = head.substr(method_end + 1);
  return head.substr(0, head.find(' '));
}

std::string_view request_line_method(std::string_view head) {
  const std::size_t start = head.find_first_not_of("\r\n");
  if (start == std::string_view::npos) return {};
  head = head.substr(start);
  const std::size_t method_end = head.find_first_of(" \r\n");
  if (method_end == std::string_view::npos) return {};  // the method may not have arrived whole
  return head.substr(0, method_end);
}

ClientApi client_api_of(std::string_view target) {
  std::string_view path = path_without_query(target);
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == "/v1/chat/completions" || path == "/chat/completions") return ClientApi::chat_completions;
  if (path == "/v1/completions" || path == "/completions") return ClientApi::completions;
  if (path == "/v1/messages") return ClientApi::messages;
  if (path == "/v1/messages/count_tokens") return ClientApi::count_tokens;
  if (path == "/v1/responses" || path == "/responses") return ClientApi::responses;
  if (path == "/v1/models" || path == "/models") return ClientApi::models;
  return ClientApi::other;
}

}  // namespace llmroute::proxy
