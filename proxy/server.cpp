// Accept loop and graceful drain.
#include "proxy/server.hpp"

#include "proxy/accept_failures.hpp"
#include "proxy/client_connection.hpp"
#include "proxy/health_prober.hpp"

#include <cstdio>
#include <system_error>

namespace llmroute::proxy {

Server::Server(asio::io_context& io, config::ConfigPtr config, const std::string& rules_path)
    : state_(io, std::move(config), rules_path), acceptor_(io) {}

tcp::endpoint Server::listen(const std::string& host, std::uint16_t port) {
  error_code ec;
  const auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) throw std::system_error(ec, "cannot listen on '" + host + "': not an IP address");
  const tcp::endpoint endpoint(address, port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint, ec);
  if (ec) throw std::system_error(ec, "cannot listen on " + host + ":" + std::to_string(port));
  acceptor_.listen(asio::socket_base::max_listen_connections);
  return acceptor_.local_endpoint();
}

awaitable<void> Server::accept_loop() {
  AcceptFailures failures;
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(use_nothrow);
    if (ec) {
      if (!acceptor_.is_open() || state_.draining) co_return;
      if (const auto warning = failures.failed(ec, std::chrono::steady_clock::now(), open_file_limit()))
        std::fprintf(stderr, "%s\n", warning->c_str());
      // Out of file descriptors or similar: back off briefly instead of spinning.
      asio::steady_timer pause(state_.io, std::chrono::milliseconds(50));
      co_await pause.async_wait(use_nothrow);
      continue;
    }
    asio::co_spawn(state_.io, serve_client(&state_, std::move(socket)), asio::detached);
  }
}

void Server::begin_shutdown() {
  if (state_.draining) return;
  state_.draining = true;
  error_code ignored;
  acceptor_.close(ignored);
  for (ClientSession* session : state_.sessions)
    if (!session->busy) session->socket.cancel(ignored);
  for (auto& backend : state_.backends) {
    backend.pool->close_idle();
    backend.probe_timer->cancel();
  }
  state_.shadows.cancel_all();
  if (state_.judges) state_.judges->stop();
  asio::co_spawn(state_.io, enforce_grace_period(), asio::detached);
}

awaitable<void> Server::enforce_grace_period() {
  asio::steady_timer timer(state_.io);
  const auto give_up = std::chrono::steady_clock::now() + state_.config->server.timeouts.shutdown_grace;
  // Poll the session list: a handful of wakeups during shutdown, nothing on the request path.
  while (!state_.sessions.empty() && std::chrono::steady_clock::now() < give_up) {
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(use_nothrow);
    error_code ignored;
    for (ClientSession* session : state_.sessions)
      if (!session->busy) session->socket.cancel(ignored);
  }
  error_code ignored;
  for (ClientSession* session : state_.sessions) session->socket.close(ignored);
  for (auto& backend : state_.backends) backend.pool->close_idle();
  if (state_.redis) state_.redis->stop();
}

awaitable<void> Server::run() {
  if (state_.redis) state_.redis->start();
  for (std::size_t i = 0; i < state_.backends.size(); ++i)
    asio::co_spawn(state_.io, probe_backend_health(&state_, i), asio::detached);
  if (state_.judges) state_.judges->start();
  co_await accept_loop();
}

}  // namespace llmroute::proxy
