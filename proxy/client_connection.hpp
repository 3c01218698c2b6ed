// One client connection: reads requests (with size and time limits) and serves them until it closes.
#pragma once

#include "proxy/asio.hpp"
#include "proxy/server_state.hpp"

namespace llmroute::proxy {

/// Serves `socket` until the client closes, an error ends it, or the server drains.
awaitable<void> serve_client(ServerState* state, tcp::socket socket);

}  // namespace llmroute::proxy
