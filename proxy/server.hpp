// The listening proxy: accepts connections, and drains gracefully on SIGTERM/SIGINT.
#pragma once

#include "config/config.hpp"
#include "proxy/asio.hpp"
#include "proxy/server_state.hpp"

#include <functional>

namespace llmroute::proxy {

class Server {
 public:
  Server(asio::io_context& io, config::ConfigPtr config, const std::string& rules_path);

  /// Binds the listening socket (throws std::system_error with the address on failure).
  tcp::endpoint listen(const std::string& host, std::uint16_t port);
  /// Accepts and serves until shutdown; returns when every connection has finished.
  awaitable<void> run();
  /// Stops accepting, closes idle connections, and lets in-flight requests finish within the grace period.
  void begin_shutdown();
  /// The shared state (tests read the shadow runner and metrics through it).
  ServerState& state() { return state_; }

 private:
  awaitable<void> accept_loop();
  awaitable<void> enforce_grace_period();

  ServerState state_;
  tcp::acceptor acceptor_;
};

}  // namespace llmroute::proxy
