// The Redis client against a real redis-server: replies, pipelining, scripts, outages and reconnection.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "policies/redis/redis_client.hpp"
#include "support/redis_server_process.hpp"

using namespace llmroute;
using namespace llmroute::policies;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

RedisClientOptions options_for(std::uint16_t port, unsigned db = 0) {
  RedisClientOptions options;
  options.port = port;
  options.db = db;
  options.connect_timeout = 1s;
  options.command_timeout = 500ms;
  options.reconnect_initial = 20ms;
  options.reconnect_max = 100ms;
  return options;
}

/// Runs `scenario` on `io` with the client started, stops the client when it ends, and rethrows what it threw.
void run_scenario(asio::io_context& io, RedisClient& client, awaitable<void> scenario) {
  client.start();
  std::exception_ptr failure;
  asio::co_spawn(io, std::move(scenario), [&client, &failure](std::exception_ptr error) {
    failure = error;
    client.stop();
  });
  io.run_for(60s);
  REQUIRE(io.stopped());
  if (failure) std::rethrow_exception(failure);
}

awaitable<void> pause(std::chrono::milliseconds how_long) {
  asio::steady_timer timer(co_await asio::this_coro::executor, how_long);
  co_await timer.async_wait(use_nothrow);
}

/// Polls (every 10 ms) until the client is connected, failing after `deadline`.
awaitable<void> wait_until_up(RedisClient* client, std::chrono::milliseconds deadline) {
  const auto give_up = Clock::now() + deadline;
  while (!client->up()) {
    REQUIRE(Clock::now() < give_up);
    co_await pause(10ms);
  }
}

awaitable<void> replies_of_every_type(RedisClient* client) {
  RedisResult set = co_await client->command("SET", "greeting", "hello\r\nworld");
  REQUIRE(set.answered());
  CHECK(set.reply().type == RedisReply::Type::status);
  CHECK(set.reply().text == "OK");

  RedisResult get = co_await client->command("GET", "greeting");
  CHECK(get.reply().type == RedisReply::Type::string);
  CHECK(get.reply().text == "hello\r\nworld");

  RedisResult missing = co_await client->command("GET", "no-such-key");
  CHECK(missing.reply().type == RedisReply::Type::nil);

  RedisResult counter = co_await client->command("INCRBY", "counter", "41");
  CHECK(counter.reply().type == RedisReply::Type::integer);
  CHECK(counter.reply().integer == 41);

  co_await client->command("RPUSH", "list", "a", "b", "c");
  RedisResult list = co_await client->command("LRANGE", "list", "0", "-1");
  REQUIRE(list.reply().type == RedisReply::Type::array);
  REQUIRE(list.reply().elements.size() == 3);
  CHECK(list.reply().elements[2].text == "c");

  RedisResult wrong = co_await client->command("INCR", "greeting");
  REQUIRE(wrong.answered());
  CHECK(wrong.reply().is_error());
  CHECK(wrong.reply().text.find("not an integer") != std::string::npos);
}

awaitable<void> one_increment(RedisClient* client, std::vector<std::int64_t>* seen, std::size_t index) {
  RedisResult result = co_await client->command("INCR", "pipelined");
  (*seen)[index] = result.answered() ? result.reply().integer : -1;
}

awaitable<void> many_commands_at_once(RedisClient* client) {
  constexpr std::size_t kCommands = 500;
  std::vector<std::int64_t> seen(kCommands, 0);
  const auto executor = co_await asio::this_coro::executor;
  // All 500 are queued before the first reply can arrive: they leave in one pipelined write.
  for (std::size_t i = 0; i < kCommands; ++i) asio::co_spawn(executor, one_increment(client, &seen, i), asio::detached);
  RedisResult last = co_await client->command("GET", "pipelined");
  CHECK(last.reply().text == std::to_string(kCommands));
  // Redis answers in order, so the i-th command issued saw the i-th increment.
  for (std::size_t i = 0; i < kCommands; ++i) CHECK(seen[i] == static_cast<std::int64_t>(i + 1));
}

awaitable<void> script_survives_a_flushed_cache(RedisClient* client, test::RedisServerProcess* redis) {
  const RedisScript script("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  const std::vector<std::string> keys{"scripted"}, five{"5"}, two{"2"};
  RedisResult first = co_await client->eval(&script, keys, five);
  REQUIRE(first.answered());
  CHECK(first.reply().integer == 5);
  CHECK(redis->query("SCRIPT FLUSH") == "+OK");
  RedisResult second = co_await client->eval(&script, keys, two);
  REQUIRE(second.answered());
  CHECK_FALSE(second.reply().is_error());
  CHECK(second.reply().integer == 7);
}

awaitable<void> selected_database(RedisClient* client, test::RedisServerProcess* redis) {
  co_await client->command("SET", "in-db-3", "yes");
  CHECK(redis->query("EXISTS in-db-3") == ":0");  // a fresh connection starts in database 0
  CHECK(redis->query("SWAPDB 0 3") == "+OK");
  CHECK(redis->query("EXISTS in-db-3") == ":1");
}

awaitable<void> survives_a_crash(RedisClient* client, test::RedisServerProcess* redis) {
  RedisResult before = co_await client->command("SET", "k", "v");
  REQUIRE(before.answered());

  redis->kill();
  // The next command fails as a value (the client notices the closed connection), and so does every
  // command while Redis is gone: nothing waits.
  RedisResult during = co_await client->command("GET", "k");
  if (during.answered()) during = co_await client->command("GET", "k");
  CHECK_FALSE(during.answered());
  const auto failed_at = Clock::now();
  RedisResult still = co_await client->command("GET", "k");
  CHECK_FALSE(still.answered());
  CHECK(Clock::now() - failed_at < 100ms);
  CHECK(client->outages() == 1);

  redis->restart();
  co_await wait_until_up(client, 5s);
  RedisResult after = co_await client->command("SET", "k", "again");
  REQUIRE(after.answered());
  CHECK(after.reply().text == "OK");
  CHECK(client->outages() == 1);
}

awaitable<void> unavailable_without_server(RedisClient* client) {
  const auto started = Clock::now();
  RedisResult result = co_await client->command("PING");
  CHECK_FALSE(result.answered());
  CHECK(result.unavailable().find("Connection refused") != std::string::npos);
  CHECK(Clock::now() - started < 2s);
  CHECK(client->outages() == 1);
  CHECK(client->link() == RedisLink::down);
}

awaitable<void> frozen_server(RedisClient* client, test::RedisServerProcess* redis) {
  co_await wait_until_up(client, 5s);
  redis->process().send_signal(SIGSTOP);
  const auto started = Clock::now();
  RedisResult frozen = co_await client->command("PING");
  CHECK_FALSE(frozen.answered());
  CHECK(frozen.unavailable().find("command_timeout") != std::string::npos);
  CHECK(Clock::now() - started >= 450ms);
  CHECK_FALSE(client->up());
  redis->process().send_signal(SIGCONT);
  co_await wait_until_up(client, 5s);
  RedisResult thawed = co_await client->command("PING");
  REQUIRE(thawed.answered());
  CHECK(thawed.reply().text == "PONG");
}

/// A script that keeps Redis busy for 100 ms before it answers "late".
const RedisScript kSlowScript(
    "local t = redis.call('TIME') local start = t[1] * 1000000 + t[2] "
    "repeat local n = redis.call('TIME') until n[1] * 1000000 + n[2] - start >= 100000 return 'late'");

awaitable<void> run_slow_script(RedisClient* client, std::optional<RedisResult>* result) {
  const std::vector<std::string> none;
  *result = co_await client->eval(&kSlowScript, none, none);
}

awaitable<void> busy_process(RedisClient* client) {
  co_await wait_until_up(client, 5s);
  RedisResult loaded = co_await client->command("SCRIPT", "LOAD", kSlowScript.text);
  REQUIRE(loaded.answered());
  // The script is queued and its reply awaited (co_spawn runs it up to its first suspension), then this
  // process is stuck for longer than command_timeout (500 ms) before it even writes it; Redis takes 100 ms
  // more, so when the original deadline is checked there is no reply in the socket yet. The timeout
  // counts from the write: Redis is not blamed.
  std::optional<RedisResult> late;
  asio::co_spawn(co_await asio::this_coro::executor, run_slow_script(client, &late), asio::detached);
  std::this_thread::sleep_for(700ms);  // a CPU-bound stretch: nothing else runs on the event loop meanwhile
  const auto give_up = Clock::now() + 5s;
  while (!late && Clock::now() < give_up) co_await pause(10ms);
  REQUIRE(late.has_value());
  REQUIRE(late->answered());
  CHECK(late->reply().text == "late");
  CHECK(client->up());
  CHECK(client->outages() == 0);
}

}  // namespace

TEST_CASE("a process too busy to write its command within the command timeout does not take Redis for down") {
  test::RedisServerProcess redis;
  asio::io_context io;
  RedisClient client(io.get_executor(), options_for(redis.port()));
  run_scenario(io, client, busy_process(&client));
}

TEST_CASE("the Redis client returns strings, statuses, nils, integers, arrays and error replies") {
  test::RedisServerProcess redis;
  asio::io_context io;
  RedisClient client(io.get_executor(), options_for(redis.port()));
  run_scenario(io, client, replies_of_every_type(&client));
}

TEST_CASE("500 commands issued at once are pipelined and each gets its own reply in order") {
  test::RedisServerProcess redis;
  asio::io_context io;
  RedisClient client(io.get_executor(), options_for(redis.port()));
  run_scenario(io, client, many_commands_at_once(&client));
}

TEST_CASE("a Lua script runs by its SHA1 and is loaded again when Redis has forgotten it") {
  test::RedisServerProcess redis;
  asio::io_context io;
  RedisClient client(io.get_executor(), options_for(redis.port()));
  run_scenario(io, client, script_survives_a_flushed_cache(&client, &redis));
}

TEST_CASE("the client works in the database the URL names") {
  test::RedisServerProcess redis;
  asio::io_context io;
  RedisClient client(io.get_executor(), options_for(redis.port(), 3));
  run_scenario(io, client, selected_database(&client, &redis));
}

TEST_CASE("commands fail at once while Redis is gone, and work again once it is restarted") {
  test::RedisServerProcess redis;
  asio::io_context io;
  RedisClient client(io.get_executor(), options_for(redis.port()));
  run_scenario(io, client, survives_a_crash(&client, &redis));
}

TEST_CASE("without a Redis server, a command is answered 'unavailable' instead of hanging") {
  std::uint16_t port = 0;
  {
    test::RedisServerProcess gone;  // a port that nothing listens on once it has stopped
    port = gone.port();
  }
  asio::io_context io;
  RedisClient client(io.get_executor(), options_for(port));
  run_scenario(io, client, unavailable_without_server(&client));
}

TEST_CASE("a Redis that stops answering is treated as down after the command timeout, then recovers") {
  test::RedisServerProcess redis;
  asio::io_context io;
  RedisClient client(io.get_executor(), options_for(redis.port()));
  run_scenario(io, client, frozen_server(&client, &redis));
}
