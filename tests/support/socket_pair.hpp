// Two connected loopback sockets for tests of code that reads or watches one end.
#pragma once

#include "proxy/asio.hpp"

namespace llmroute::test {

/// `ours` is the proxy's side, `peer` the client's (or a backend's).
struct SocketPair {
  explicit SocketPair(asio::io_context& io) : ours(io), peer(io) {
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    peer.connect(acceptor.local_endpoint());
    acceptor.accept(ours);
  }
  tcp::socket ours;
  tcp::socket peer;
};

}  // namespace llmroute::test
