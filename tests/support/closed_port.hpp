#pragma once
// A backend address that refuses connections, for the tests of what the proxy does when a backend is down.

#include <cstdint>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace llmroute::test {

/// A loopback port nothing listens on: bound once to learn a free number, then closed.
inline std::uint16_t closed_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

}  // namespace llmroute::test
