// Conversation pins in Redis: shared between two proxies' clients, TTL, and the in-process store while Redis is down.
#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>

#include "policies/redis/redis_pin_store.hpp"
#include "support/redis_server_process.hpp"

using namespace llmroute;
using namespace llmroute::policies;
using namespace std::chrono_literals;

namespace {

const router::PinClock::time_point kNow{std::chrono::hours(1000)};

RedisClientOptions options_for(std::uint16_t port) {
  RedisClientOptions options;
  options.port = port;
  options.command_timeout = 500ms;
  options.reconnect_initial = 20ms;
  options.reconnect_max = 100ms;
  return options;
}

/// Two proxies' worth of pin stores on one Redis.
struct TwoProxies {
  explicit TwoProxies(asio::io_context& io, std::uint16_t port, std::chrono::milliseconds ttl = 1h)
      : client_a(io.get_executor(), options_for(port)),
        client_b(io.get_executor(), options_for(port)),
        memory_a(ttl, 100),
        memory_b(ttl, 100),
        a(client_a, memory_a, "test:", ttl),
        b(client_b, memory_b, "test:", ttl) {}
  RedisClient client_a, client_b;
  router::MemoryPinStore memory_a, memory_b;
  RedisPinStore a, b;
};

void run_scenario(asio::io_context& io, TwoProxies& proxies, awaitable<void> scenario) {
  proxies.client_a.start();
  proxies.client_b.start();
  std::exception_ptr failure;
  asio::co_spawn(io, std::move(scenario), [&proxies, &failure](std::exception_ptr error) {
    failure = error;
    proxies.client_a.stop();
    proxies.client_b.stop();
  });
  io.run_for(30s);
  REQUIRE(io.stopped());
  if (failure) std::rethrow_exception(failure);
}

awaitable<void> shared_pins(TwoProxies* p, test::RedisServerProcess* redis) {
  const std::string key = "ann|session:1";
  std::optional<std::string> none = co_await p->b.get(key, kNow);
  CHECK_FALSE(none.has_value());
  p->a.put(key, "box/qwen3-coder", kNow);
  // put() does not wait for Redis, and the two proxies' connections are not ordered with each other: a's
  // next reply (Redis answers in order) says its SET has been applied.
  co_await p->client_a.command("PING");
  std::optional<std::string> seen = co_await p->b.get(key, kNow);
  REQUIRE(seen.has_value());
  CHECK(*seen == "box/qwen3-coder");
  // The key carries the TTL, so an abandoned conversation's pin disappears from Redis by itself.
  const std::string ttl = redis->query("PTTL test:pin:ann|session:1");
  CHECK(ttl.starts_with(":"));
  CHECK(std::stoll(ttl.substr(1)) > 3'500'000);
}

awaitable<void> pin_expires(TwoProxies* p) {
  p->a.put("bob|start:1", "cloud/sonnet", kNow);
  asio::steady_timer timer(co_await asio::this_coro::executor, 400ms);
  co_await timer.async_wait(use_nothrow);
  std::optional<std::string> gone = co_await p->b.get("bob|start:1", kNow);
  CHECK_FALSE(gone.has_value());
}

awaitable<void> fallback_while_down(TwoProxies* p, test::RedisServerProcess* redis) {
  redis->kill();
  p->a.put("cid|session:2", "box/qwen3-coder", kNow);  // Redis is gone: only the process keeps it
  std::optional<std::string> own = co_await p->a.get("cid|session:2", kNow);
  if (!own) own = co_await p->a.get("cid|session:2", kNow);  // the first call may be the one that finds Redis gone
  REQUIRE(own.has_value());
  CHECK(*own == "box/qwen3-coder");
  std::optional<std::string> other = co_await p->b.get("cid|session:2", kNow);
  CHECK_FALSE(other.has_value());
}

}  // namespace

TEST_CASE("a conversation pinned through one proxy is pinned for another proxy on the same Redis") {
  test::RedisServerProcess redis;
  asio::io_context io;
  TwoProxies proxies(io, redis.port());
  run_scenario(io, proxies, shared_pins(&proxies, &redis));
}

TEST_CASE("a pin in Redis expires after its TTL without use") {
  test::RedisServerProcess redis;
  asio::io_context io;
  TwoProxies proxies(io, redis.port(), 200ms);
  run_scenario(io, proxies, pin_expires(&proxies));
}

TEST_CASE("while Redis is down each proxy keeps its own pins in process") {
  test::RedisServerProcess redis;
  asio::io_context io;
  TwoProxies proxies(io, redis.port());
  run_scenario(io, proxies, fallback_while_down(&proxies, &redis));
}
