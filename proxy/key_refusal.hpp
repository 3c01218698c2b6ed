// What llmroute says when a backend refuses its own key for that backend (401, 403): to a client in the 502, and in
// the errors of the calls it makes on its own (judges, shadows, `llmroute bench`).
#pragma once

#include "config/config.hpp"

#include <string>
#include <string_view>

namespace llmroute::proxy {

/// The backend, the `status` it answered (401: the key was rejected; 403: it lacks permission), where llmroute's
/// key for it comes from (its api_key_env, or that none is configured) and what the backend said: the message of
/// its JSON error `body` (the start of it will do), cut at 1000 characters.
std::string key_refused_message(const config::BackendConfig& backend, int status, std::string_view body);

}  // namespace llmroute::proxy
