// The message of a backend's 401 or 403 to llmroute's key, shared by the request path and model calls.
#include "proxy/key_refusal.hpp"

#include "wire/format_mappings.hpp"

#include <cstddef>

namespace llmroute::proxy {

namespace {

/// Most characters of the backend's own message quoted.
constexpr std::size_t kMaxRefusalMessage = 1000;

}  // namespace

std::string key_refused_message(const config::BackendConfig& backend, int status, std::string_view body) {
  std::string message = "backend '" + backend.name + "' answered " + std::to_string(status) + ": ";
  message += status == 401 ? "it rejected llmroute's API key for it" : "llmroute's API key for it lacks permission for this request";
  message += backend.api_key_env.empty() ? " (no api_key_env is configured for it, so llmroute sent none)"
                                         : " (the key in the environment variable " + backend.api_key_env + ")";
  std::string said = wire::json_error_message(body);
  if (said.size() > kMaxRefusalMessage) {
    std::size_t cut = kMaxRefusalMessage;
    while (cut > 0 && (static_cast<unsigned char>(said[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
    said = said.substr(0, cut) + "…";
  }
  if (!said.empty()) message += ": " + said;
  return message;
}

}  // namespace llmroute::proxy
