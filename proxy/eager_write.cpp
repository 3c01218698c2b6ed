// sendmsg with MSG_DONTWAIT, then Asio's composed write for the remainder.
#include "proxy/eager_write.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <cerrno>
#include <vector>

namespace llmroute::proxy {

namespace {

constexpr std::size_t kMaxBuffers = 16;

}  // namespace

std::size_t write_now(tcp::socket& socket, std::span<const asio::const_buffer> buffers, error_code& ec) {
  ec = {};
  std::array<iovec, kMaxBuffers> vectors;
  std::size_t count = 0;
  for (const asio::const_buffer& b : buffers.first(std::min(buffers.size(), kMaxBuffers)))
    if (b.size() > 0) vectors[count++] = iovec{const_cast<void*>(b.data()), b.size()};
  if (count == 0) return 0;
  msghdr message{};
  message.msg_iov = vectors.data();
  message.msg_iovlen = count;
  for (;;) {
    const ssize_t sent = ::sendmsg(socket.native_handle(), &message, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent >= 0) return static_cast<std::size_t>(sent);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) ec = error_code(errno, asio::error::get_system_category());
    return 0;
  }
}

awaitable<error_code> write_rest(tcp::socket& socket, std::span<const asio::const_buffer> buffers, std::size_t skip) {
  std::vector<asio::const_buffer> rest;
  rest.reserve(buffers.size());
  for (const asio::const_buffer& b : buffers) {
    if (skip >= b.size()) {
      skip -= b.size();
      continue;
    }
    rest.emplace_back(static_cast<const char*>(b.data()) + skip, b.size() - skip);
    skip = 0;
  }
  if (rest.empty()) co_return error_code{};
  auto [ec, n] = co_await asio::async_write(socket, rest, use_nothrow);
  co_return ec;
}

awaitable<error_code> eager_write(tcp::socket& socket, std::span<const asio::const_buffer> buffers) {
  error_code ec;
  const std::size_t sent = write_now(socket, buffers, ec);
  if (ec) co_return ec;
  co_return co_await write_rest(socket, buffers, sent);
}

}  // namespace llmroute::proxy
