// Socket writes that go out at once when the socket has room, without a trip through the event loop.
#pragma once

#include "proxy/asio.hpp"

#include <span>

namespace llmroute::proxy {

/// One non-blocking sendmsg of `buffers` (at most 16; more are left to write_rest): the bytes written.
/// A full socket buffer is not an error (fewer bytes, `ec` clear); a broken connection sets `ec`.
std::size_t write_now(tcp::socket& socket, std::span<const asio::const_buffer> buffers, error_code& ec);

/// Writes `buffers` except their first `skip` bytes, waiting for room as needed.
awaitable<error_code> write_rest(tcp::socket& socket, std::span<const asio::const_buffer> buffers, std::size_t skip);

/// Writes all of `buffers`: write_now, then write_rest for whatever did not fit. A relayed event nearly
/// always fits the socket buffer, so it costs one system call and no completion handler.
awaitable<error_code> eager_write(tcp::socket& socket, std::span<const asio::const_buffer> buffers);

}  // namespace llmroute::proxy
