// Tests of ShortReadBuffer: treating a short read as "drained" never loses bytes that arrive afterwards.
#include "proxy/short_read_buffer.hpp"
#include "support/socket_pair.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

namespace {

using namespace llmroute;
using namespace asio::experimental::awaitable_operators;
using std::chrono::milliseconds;

using test::SocketPair;  // `ours` is read through ShortReadBuffer; `peer` writes synchronously

void write_to_peer(SocketPair* pair, std::string_view text) { asio::write(pair->peer, asio::buffer(text)); }

/// One read of at most `size` bytes through ShortReadBuffer; "timeout" when nothing came within a second
/// (a read that waits for an edge that already passed would hang there).
awaitable<std::string> read_once(tcp::socket* socket, std::size_t size) {
  std::string into(size, '\0');
  const proxy::ShortReadBuffer buffer(asio::buffer(into));
  asio::steady_timer timer(socket->get_executor(), milliseconds(1000));
  auto result = co_await (socket->async_read_some(buffer, use_nothrow) || timer.async_wait(use_nothrow));
  if (result.index() == 1) co_return "timeout";
  auto [ec, n] = std::get<0>(result);
  if (ec) co_return "error: " + ec.message();
  into.resize(n);
  co_return into;
}

awaitable<void> pause(milliseconds how_long) {
  asio::steady_timer timer(co_await asio::this_coro::executor, how_long);
  co_await timer.async_wait(use_nothrow);
}

/// Writes `text` after `delay`, while a read is already waiting.
awaitable<void> send_later(SocketPair* pair, milliseconds delay, std::string text) {
  co_await pause(delay);
  write_to_peer(pair, text);
}

awaitable<void> reads_in_every_order(SocketPair* pair, std::vector<std::string>* got) {
  write_to_peer(pair, "one");
  got->push_back(co_await read_once(&pair->ours, 64));  // short: the socket counts as drained

  // Bytes that arrive while the next read waits.
  asio::co_spawn(co_await asio::this_coro::executor, send_later(pair, milliseconds(20), "two"), asio::detached);
  got->push_back(co_await read_once(&pair->ours, 64));

  // Bytes whose readiness the event loop saw while no read was waiting.
  write_to_peer(pair, "three");
  co_await pause(milliseconds(20));
  got->push_back(co_await read_once(&pair->ours, 64));

  // Bytes that arrived just before the read starts, the event loop not having run in between.
  write_to_peer(pair, "four");
  got->push_back(co_await read_once(&pair->ours, 64));

  // A read that fills its buffer is not short: the rest is read at once.
  write_to_peer(pair, std::string(100, 'x'));
  got->push_back(co_await read_once(&pair->ours, 64));
  got->push_back(co_await read_once(&pair->ours, 64));

  pair->peer.shutdown(tcp::socket::shutdown_send);
  got->push_back(co_await read_once(&pair->ours, 64));
}

}  // namespace

TEST_CASE("a relayed socket read short still delivers every later byte, whenever it arrives") {
  asio::io_context io;
  SocketPair pair(io);
  std::vector<std::string> got;
  asio::co_spawn(io, reads_in_every_order(&pair, &got), asio::detached);
  io.run_for(std::chrono::seconds(10));
  REQUIRE(got.size() == 7);
  CHECK(got[0] == "one");
  CHECK(got[1] == "two");
  CHECK(got[2] == "three");
  CHECK(got[3] == "four");
  CHECK(got[4] == std::string(64, 'x'));
  CHECK(got[5] == std::string(36, 'x'));
  CHECK(got[6] == "error: End of file");
}
