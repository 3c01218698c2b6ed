// Construction of the shared per-server state.
#include "proxy/server_state.hpp"

#include <cstdlib>

namespace llmroute::proxy {

ServerState::ServerState(asio::io_context& io_context, config::ConfigPtr cfg) : io(io_context), config(std::move(cfg)) {
  for (const auto& backend : config->backends) {
    BackendRuntime runtime{&backend, std::make_unique<UpstreamPool>(io.get_executor(), backend), std::nullopt};
    if (!backend.api_key_env.empty())
      if (const char* key = std::getenv(backend.api_key_env.c_str()); key && *key) runtime.api_key = key;
    backends.push_back(std::move(runtime));
  }
}

SessionRegistration::SessionRegistration(ServerState& state, ClientSession& session)
    : state_(state), position_(state.sessions.insert(state.sessions.end(), &session)) {}

SessionRegistration::~SessionRegistration() { state_.sessions.erase(position_); }

}  // namespace llmroute::proxy
