// Tests of the Watchdog: deadlines and a closing client stop a wait by cancelling its sockets.
#include "proxy/watchdog.hpp"
#include "support/socket_pair.hpp"

#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <optional>
#include <string>

namespace {

using namespace llmroute;
using llmroute::proxy::Watchdog;
using llmroute::proxy::WatchdogStop;
using Clock = std::chrono::steady_clock;
using llmroute::test::SocketPair;
using std::chrono::milliseconds;

/// One read on `socket`; its outcome goes to `result`.
asio::awaitable<void> read_once(tcp::socket* socket, std::optional<error_code>* result) {
  std::array<char, 16> buffer;
  auto [ec, n] = co_await socket->async_read_some(asio::buffer(buffer), use_nothrow);
  *result = ec;
}

}  // namespace

TEST_CASE("a passed deadline stops the wait with operation_aborted and says so") {
  asio::io_context io;
  SocketPair sockets(io);
  beast::flat_buffer pipelined;
  const auto deadline = Clock::now() + milliseconds(50);
  std::optional<Watchdog> watchdog(std::in_place, sockets.ours, pipelined, &deadline, Watchdog::Client::ignore);
  std::optional<error_code> result;
  asio::co_spawn(io, read_once(&sockets.ours, &result), asio::detached);
  const auto started = Clock::now();
  io.run_for(std::chrono::seconds(5));
  REQUIRE(result.has_value());
  CHECK(*result == asio::error::operation_aborted);
  CHECK(watchdog->stopped() == WatchdogStop::deadline);
  CHECK(Clock::now() - started >= milliseconds(45));
}

TEST_CASE("a deadline moved earlier wakes the watchdog earlier, one moved later is waited for") {
  asio::io_context io;
  SocketPair sockets(io);
  beast::flat_buffer pipelined;
  auto deadline = Clock::now() + std::chrono::seconds(30);
  Watchdog watchdog(sockets.ours, pipelined, &deadline, Watchdog::Client::ignore);
  std::optional<error_code> result;
  asio::co_spawn(io, read_once(&sockets.ours, &result), asio::detached);
  io.poll();
  deadline = Clock::now() + milliseconds(40);
  watchdog.deadline_moved();
  const auto started = Clock::now();
  io.run_for(std::chrono::seconds(5));
  REQUIRE(result.has_value());
  CHECK(watchdog.stopped() == WatchdogStop::deadline);
  CHECK(Clock::now() - started < std::chrono::seconds(5));

  // Moved later without a call: the timer fires at the old time, sees the new one and sleeps again.
  asio::io_context second_io;
  SocketPair again(second_io);
  auto later = Clock::now() + milliseconds(20);
  Watchdog patient(again.ours, pipelined, &later, Watchdog::Client::ignore);
  later = Clock::now() + milliseconds(150);
  std::optional<error_code> second;
  asio::co_spawn(second_io, read_once(&again.ours, &second), asio::detached);
  const auto second_start = Clock::now();
  second_io.run_for(std::chrono::seconds(5));
  REQUIRE(second.has_value());
  CHECK(patient.stopped() == WatchdogStop::deadline);
  CHECK(Clock::now() - second_start >= milliseconds(100));
}

TEST_CASE("a client that closes stops the wait on another socket, and the stop names the client") {
  asio::io_context io;
  SocketPair client(io);
  SocketPair backend(io);  // the wait is on this one
  beast::flat_buffer pipelined;
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  Watchdog watchdog(client.ours, pipelined, &deadline, Watchdog::Client::watch);
  watchdog.also_cancel(&backend.ours);
  std::optional<error_code> result;
  asio::co_spawn(io, read_once(&backend.ours, &result), asio::detached);
  io.poll();
  CHECK_FALSE(result.has_value());
  client.peer.close();
  io.run_for(std::chrono::seconds(5));
  REQUIRE(result.has_value());
  CHECK(*result == asio::error::operation_aborted);
  CHECK(watchdog.stopped() == WatchdogStop::client_gone);
}

TEST_CASE("bytes a client sends during the wait are kept for its next request, and it is not taken as gone") {
  asio::io_context io;
  SocketPair client(io);
  beast::flat_buffer pipelined;
  const auto deadline = Clock::now() + milliseconds(300);
  Watchdog watchdog(client.ours, pipelined, &deadline, Watchdog::Client::watch);
  asio::write(client.peer, asio::buffer(std::string_view("POST /next")));
  io.run_for(milliseconds(100));
  CHECK(watchdog.stopped() == WatchdogStop::none);
  CHECK(std::string(static_cast<const char*>(pipelined.data().data()), pipelined.size()) == "POST /next");
}

TEST_CASE("a watchdog destroyed while its handlers are still queued stops nothing") {
  asio::io_context io;
  SocketPair client(io);
  beast::flat_buffer pipelined;
  std::optional<error_code> result;
  {
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    Watchdog watchdog(client.ours, pipelined, &deadline, Watchdog::Client::watch);
  }
  client.peer.close();  // would count as the client leaving if anything still watched
  io.run_for(milliseconds(50));
  io.restart();  // it ran out of work: the watchdog left nothing behind
  asio::co_spawn(io, read_once(&client.ours, &result), asio::detached);
  io.run_for(std::chrono::seconds(5));
  REQUIRE(result.has_value());
  CHECK(*result == asio::error::eof);
}
