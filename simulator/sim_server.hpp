// The simulator's HTTP server: accepts connections and runs one coroutine per connection.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "proxy/asio.hpp"
#include "simulator/sim_options.hpp"

namespace llmroute::simulator {

struct ServerState;

/// Listens on construction (so the port is known before any request is served). With
/// `--threads N` it runs N single-threaded io_contexts and deals connections to them in turn, so a
/// connection's coroutines never run concurrently and need no strand.
class SimServer {
 public:
  /// Binds and listens; throws boost::system::system_error when the address is unusable.
  explicit SimServer(SimOptions options);
  ~SimServer();
  SimServer(const SimServer&) = delete;
  SimServer& operator=(const SimServer&) = delete;

  /// The bound port (the real one when the options asked for port 0).
  std::uint16_t port() const;

  /// Serves until SIGINT or SIGTERM arrives.
  void run();

 private:
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::shared_ptr<ServerState> state_;
};

}  // namespace llmroute::simulator
