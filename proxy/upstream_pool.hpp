// Keep-alive connections to one backend: reuse an idle one, or connect (TCP, then TLS with SNI).
#pragma once

#include "config/config.hpp"
#include "proxy/asio.hpp"
#include "proxy/failure.hpp"
#include "proxy/upstream_connection.hpp"

#include <memory>
#include <variant>
#include <vector>

namespace llmroute::proxy {

/// A connection, or why none could be made.
using AcquireResult = std::variant<UpstreamConnectionPtr, Failure>;

class UpstreamPool {
 public:
  UpstreamPool(asio::any_io_executor executor, const config::BackendConfig& backend);
  ~UpstreamPool();

  /// An idle keep-alive connection if one is open, else a new one within `connect_timeout`.
  awaitable<AcquireResult> acquire(config::Millis connect_timeout);
  /// A new connection, never a reused one (after a reused one turned out to be closed by the backend).
  awaitable<AcquireResult> connect(config::Millis connect_timeout);
  /// Returns a connection whose last response was read completely and may be reused.
  void release(UpstreamConnectionPtr connection);
  /// Closes every idle connection (shutdown).
  void close_idle();

  std::size_t idle_count() const { return idle_.size(); }
  std::size_t connects() const { return connects_; }

 private:
  awaitable<AcquireResult> connect_tcp(config::Millis timeout);

  asio::any_io_executor executor_;
  const config::BackendConfig& backend_;
  std::unique_ptr<asio::ssl::context> tls_context_;
  std::vector<UpstreamConnectionPtr> idle_;
  std::size_t connects_ = 0;
};

}  // namespace llmroute::proxy
