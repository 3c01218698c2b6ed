// Tests of InqReadBuffer: a read that says the socket is drained never loses bytes, or a close, that come afterwards.
#include "proxy/inq_read_buffer.hpp"
#include "support/socket_pair.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

namespace {

using namespace llmroute;
using namespace asio::experimental::awaitable_operators;
using std::chrono::milliseconds;

using test::SocketPair;  // `ours` is read through InqReadBuffer; `peer` writes synchronously

void write_to_peer(SocketPair* pair, std::string_view text) { asio::write(pair->peer, asio::buffer(text)); }

/// One read of at most `size` bytes through InqReadBuffer; "timeout" when nothing came within a second
/// (a read that waits for an edge that already passed would hang there). `drained` gets what the read said.
awaitable<std::string> read_once(tcp::socket* socket, std::size_t size, bool* drained) {
  std::string into(size, '\0');
  const proxy::InqReadBuffer buffer(asio::buffer(into), drained);
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

awaitable<void> reads_in_every_order(SocketPair* pair, std::vector<std::string>* got, std::vector<bool>* drained) {
  proxy::report_bytes_left(pair->ours);
  bool last = false;
  write_to_peer(pair, "one");
  got->push_back(co_await read_once(&pair->ours, 64, &last));  // everything: the socket is drained
  drained->push_back(last);

  // Bytes that arrive while the next read waits.
  asio::co_spawn(co_await asio::this_coro::executor, send_later(pair, milliseconds(20), "two"), asio::detached);
  got->push_back(co_await read_once(&pair->ours, 64, &last));

  // Bytes whose readiness the event loop saw while no read was waiting.
  write_to_peer(pair, "three");
  co_await pause(milliseconds(20));
  got->push_back(co_await read_once(&pair->ours, 64, &last));

  // Bytes that arrived just before the read starts, the event loop not having run in between.
  write_to_peer(pair, "four");
  got->push_back(co_await read_once(&pair->ours, 64, &last));

  // A read that fills its buffer leaves the rest, which is read at once.
  write_to_peer(pair, std::string(100, 'x'));
  got->push_back(co_await read_once(&pair->ours, 64, &last));
  drained->push_back(last);
  got->push_back(co_await read_once(&pair->ours, 64, &last));
  drained->push_back(last);

  // Bytes and the close in one readiness event: the close is left after the bytes, and read at once.
  write_to_peer(pair, "five");
  pair->peer.shutdown(tcp::socket::shutdown_send);
  co_await pause(milliseconds(20));
  got->push_back(co_await read_once(&pair->ours, 64, &last));
  drained->push_back(last);
  got->push_back(co_await read_once(&pair->ours, 64, &last));
}

}  // namespace

TEST_CASE("a relayed socket read that says it drained the socket still delivers every later byte and the close, whenever they arrive") {
  asio::io_context io;
  SocketPair pair(io);
  std::vector<std::string> got;
  std::vector<bool> drained;
  asio::co_spawn(io, reads_in_every_order(&pair, &got, &drained), asio::detached);
  io.run_for(std::chrono::seconds(10));
  REQUIRE(got.size() == 8);
  REQUIRE(drained.size() == 4);
  CHECK(got[0] == "one");
  CHECK(got[1] == "two");
  CHECK(got[2] == "three");
  CHECK(got[3] == "four");
  CHECK(got[4] == std::string(64, 'x'));
  CHECK(got[5] == std::string(36, 'x'));
  CHECK(got[6] == "five");
  CHECK(got[7] == "error: End of file");
  CHECK(drained[0]);        // "one": nothing left
  CHECK_FALSE(drained[1]);  // 64 of 100 bytes: 36 left
  CHECK(drained[2]);        // the last 36
  CHECK_FALSE(drained[3]);  // "five", with the close still to read
}
