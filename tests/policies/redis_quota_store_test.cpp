// The Redis quota store against a real redis-server: exact admission across processes, settlement, leases, outages.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "policies/redis/redis_quota_store.hpp"
#include "support/redis_server_process.hpp"

using namespace llmroute;
using namespace llmroute::policies;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

/// One proxy's worth of Redis quota store: its own connection, its own process id.
struct StoreUnderTest {
  StoreUnderTest(asio::io_context& io, const config::QuotaStoreConfig& config)
      : client(io.get_executor(), options_for(config)), store(client, config) {}

  static RedisClientOptions options_for(const config::QuotaStoreConfig& config) {
    RedisClientOptions options;
    options.port = config.port;
    options.command_timeout = 500ms;
    options.reconnect_initial = 20ms;
    options.reconnect_max = 100ms;
    return options;
  }

  RedisClient client;
  RedisQuotaStore store;
};

config::QuotaStoreConfig store_config(const test::RedisServerProcess& redis,
                                      config::StoreFailureMode mode = config::StoreFailureMode::fail_open,
                                      std::chrono::milliseconds lease_ttl = 30s) {
  config::QuotaStoreConfig config;
  config.kind = config::QuotaStoreKind::redis;
  config.host = "127.0.0.1";
  config.port = redis.port();
  config.on_failure = mode;
  config.key_prefix = "test:";
  config.lease_ttl = lease_ttl;
  return config;
}

/// Two stores (two proxies) on one Redis, run on one io_context until `scenario` ends.
struct Proxies {
  Proxies(asio::io_context& io, const config::QuotaStoreConfig& config) : a(io, config), b(io, config) {}
  StoreUnderTest a, b;
};

void run_scenario(asio::io_context& io, Proxies& proxies, awaitable<void> scenario) {
  for (StoreUnderTest* s : {&proxies.a, &proxies.b}) {
    s->client.start();
    s->store.start();
  }
  std::exception_ptr failure;
  asio::co_spawn(io, std::move(scenario), [&proxies, &failure](std::exception_ptr error) {
    failure = error;
    for (StoreUnderTest* s : {&proxies.a, &proxies.b}) {
      s->store.stop();
      s->client.stop();
    }
  });
  io.run_for(60s);
  REQUIRE(io.stopped());
  if (failure) std::rethrow_exception(failure);
}

QuotaRequest request_of(std::string user, config::QuotaLimits limits, std::uint64_t tokens = 0, double cost = 0) {
  QuotaRequest request;
  request.user = std::move(user);
  request.limits = limits;
  request.tokens = tokens;
  request.cost = cost;
  request.now = SystemClock::now();
  return request;
}

awaitable<void> pause(std::chrono::milliseconds how_long) {
  asio::steady_timer timer(co_await asio::this_coro::executor, how_long);
  co_await timer.async_wait(use_nothrow);
}

awaitable<QuotaUsage> usage_of(QuotaStore* store, const char* user) {
  const std::string name = user;
  const TimePoint now = SystemClock::now();
  UsageResult result = co_await store->usage(name, now);
  REQUIRE(std::holds_alternative<QuotaUsage>(result));
  co_return std::get<QuotaUsage>(result);
}

/// `user`'s usage once `done` holds (settlements travel without being waited for, and the two proxies'
/// connections are not ordered with each other), polled every 5 ms; fails after 5 s.
awaitable<QuotaUsage> usage_once(QuotaStore* store, const char* user, bool (*done)(const QuotaUsage&)) {
  const std::string name = user;
  const auto give_up = Clock::now() + 5s;
  for (;;) {
    const TimePoint now = SystemClock::now();
    UsageResult result = co_await store->usage(name, now);
    REQUIRE(std::holds_alternative<QuotaUsage>(result));
    if (done(std::get<QuotaUsage>(result)) || Clock::now() >= give_up) co_return std::get<QuotaUsage>(result);
    co_await pause(5ms);
  }
}

bool nothing_in_flight(const QuotaUsage& usage) { return usage.in_flight == 0; }
bool one_in_flight(const QuotaUsage& usage) { return usage.in_flight == 1; }

struct Tally {
  int admitted = 0;
  int refused_for_requests = 0;
  int other = 0;
  int finished = 0;
};

awaitable<void> one_request(QuotaStore* store, config::QuotaLimits limits, Tally* tally) {
  const QuotaRequest request = request_of("ann", limits, 100);
  Admission admission = co_await store->reserve(request);
  if (auto* reservation = std::get_if<Reservation>(&admission)) {
    ++tally->admitted;
    store->settle(*reservation, Settlement{80, 0});
  } else if (auto* refusal = std::get_if<QuotaRefusal>(&admission);
             refusal && refusal->quota == QuotaName::requests_per_minute) {
    ++tally->refused_for_requests;
    CHECK(refusal->limit == 50);
    CHECK(refusal->resets_at.has_value());
    CHECK(*refusal->resets_at <= SystemClock::now() + 61s);
  } else {
    ++tally->other;
  }
  ++tally->finished;
}

awaitable<void> three_hundred_through_two_proxies(Proxies* p) {
  config::QuotaLimits limits;
  limits.requests_per_minute = 50;
  Tally tally;
  const auto executor = co_await asio::this_coro::executor;
  for (int i = 0; i < 300; ++i)
    asio::co_spawn(executor, one_request(i % 2 ? &p->a.store : &p->b.store, limits, &tally), asio::detached);
  const auto give_up = Clock::now() + 20s;
  while (tally.finished < 300 && Clock::now() < give_up) co_await pause(5ms);
  CHECK(tally.finished == 300);
  CHECK(tally.admitted == 50);
  CHECK(tally.refused_for_requests == 250);
  CHECK(tally.other == 0);
  const QuotaUsage usage = co_await usage_of(&p->a.store, "ann");
  CHECK(usage.requests == 50);
  CHECK(usage.requests_reset.has_value());
  const QuotaUsage settled = co_await usage_once(&p->b.store, "ann", nothing_in_flight);
  CHECK(settled.tokens == 50 * 80);
  CHECK(settled.in_flight == 0);
}

awaitable<void> concurrency_across_proxies(Proxies* p) {
  config::QuotaLimits limits;
  limits.max_concurrent = 2;
  limits.requests_per_minute = 10;
  const QuotaRequest request1 = request_of("bob", limits);
  Admission first = co_await p->a.store.reserve(request1);
  const QuotaRequest request2 = request_of("bob", limits);
  Admission second = co_await p->b.store.reserve(request2);
  REQUIRE(std::holds_alternative<Reservation>(first));
  REQUIRE(std::holds_alternative<Reservation>(second));
  const QuotaRequest request3 = request_of("bob", limits);
  Admission third = co_await p->a.store.reserve(request3);
  REQUIRE(std::holds_alternative<QuotaRefusal>(third));
  CHECK(std::get<QuotaRefusal>(third).quota == QuotaName::max_concurrent);
  CHECK(std::get<QuotaRefusal>(third).used == 2);
  CHECK_FALSE(std::get<QuotaRefusal>(third).resets_at.has_value());
  // The refusal did not use up a request of the minute.
  QuotaUsage usage = co_await usage_of(&p->b.store, "bob");
  CHECK(usage.requests == 2);
  CHECK(usage.in_flight == 2);

  p->a.store.settle(std::get<Reservation>(first), Settlement{});
  // Proxy a's settlement travels on its own connection: proxy b sees the slot free once it has arrived.
  usage = co_await usage_once(&p->b.store, "bob", one_in_flight);
  CHECK(usage.in_flight == 1);
  const QuotaRequest request4 = request_of("bob", limits);
  Admission fourth = co_await p->b.store.reserve(request4);
  CHECK(std::holds_alternative<Reservation>(fourth));
  p->b.store.settle(std::get<Reservation>(second), Settlement{});
  p->b.store.settle(std::get<Reservation>(fourth), Settlement{});
  usage = co_await usage_once(&p->a.store, "bob", nothing_in_flight);
  CHECK(usage.in_flight == 0);
  CHECK(p->a.store.leases_held() == 0);
  CHECK(p->b.store.leases_held() == 0);
}

awaitable<void> tokens_and_spend(Proxies* p) {
  config::QuotaLimits limits;
  limits.tokens_per_day = 1000;
  limits.cloud_spend_per_month = 1.0;
  const QuotaRequest request5 = request_of("cid", limits, 900, 0.6);
  Admission big = co_await p->a.store.reserve(request5);
  REQUIRE(std::holds_alternative<Reservation>(big));
  const QuotaRequest request6 = request_of("cid", limits, 200, 0.1);
  Admission too_many_tokens = co_await p->b.store.reserve(request6);
  REQUIRE(std::holds_alternative<QuotaRefusal>(too_many_tokens));
  CHECK(std::get<QuotaRefusal>(too_many_tokens).quota == QuotaName::tokens_per_day);
  CHECK(std::get<QuotaRefusal>(too_many_tokens).used == 900);
  const QuotaRequest request7 = request_of("cid", limits, 50, 0.5);
  Admission too_dear = co_await p->b.store.reserve(request7);
  REQUIRE(std::holds_alternative<QuotaRefusal>(too_dear));
  CHECK(std::get<QuotaRefusal>(too_dear).quota == QuotaName::cloud_spend_per_month);
  CHECK(std::get<QuotaRefusal>(too_dear).used == doctest::Approx(0.6));

  // Settled with the real use: the estimate is replaced, so the next request fits.
  p->a.store.settle(std::get<Reservation>(big), Settlement{150, 0.125});
  QuotaUsage usage = co_await usage_once(&p->b.store, "cid", nothing_in_flight);
  CHECK(usage.tokens == 150);
  CHECK(usage.spend == doctest::Approx(0.125));
  const QuotaRequest request8 = request_of("cid", limits, 200, 0.5);
  Admission fits = co_await p->b.store.reserve(request8);
  REQUIRE(std::holds_alternative<Reservation>(fits));
  // A refund (settled with nothing) takes the whole estimate back.
  p->b.store.settle(std::get<Reservation>(fits), Settlement{});
  usage = co_await usage_once(&p->a.store, "cid", nothing_in_flight);
  CHECK(usage.tokens == 150);
  CHECK(usage.spend == doctest::Approx(0.125));
  CHECK(usage.in_flight == 0);
}

awaitable<void> crashed_process_slots_expire(Proxies* p, StoreUnderTest* crashed) {
  config::QuotaLimits limits;
  limits.max_concurrent = 1;
  const QuotaRequest request9 = request_of("dee", limits);
  Admission held = co_await crashed->store.reserve(request9);
  REQUIRE(std::holds_alternative<Reservation>(held));
  // The process dies without settling: its lease is no longer renewed.
  crashed->store.stop();
  crashed->client.stop();
  const QuotaRequest request10 = request_of("dee", limits);
  Admission refused = co_await p->a.store.reserve(request10);
  CHECK(std::holds_alternative<QuotaRefusal>(refused));
  const auto give_up = Clock::now() + 5s;
  for (;;) {
    const QuotaRequest request11 = request_of("dee", limits);
    Admission admission = co_await p->a.store.reserve(request11);
    if (auto* reservation = std::get_if<Reservation>(&admission)) {
      p->a.store.settle(*reservation, Settlement{});
      break;
    }
    REQUIRE(Clock::now() < give_up);
    co_await pause(20ms);
  }
}

awaitable<void> running_request_keeps_its_slot(Proxies* p, test::RedisServerProcess* redis) {
  config::QuotaLimits limits;
  limits.max_concurrent = 1;
  const QuotaRequest request12 = request_of("eve", limits);
  Admission held = co_await p->a.store.reserve(request12);
  REQUIRE(std::holds_alternative<Reservation>(held));
  // Three lease lifetimes later the request still runs: renewal kept its slot.
  co_await pause(900ms);
  const QuotaRequest request13 = request_of("eve", limits);
  Admission refused = co_await p->b.store.reserve(request13);
  CHECK(std::holds_alternative<QuotaRefusal>(refused));

  // Redis restarted empty: the next renewal puts the running request's lease back.
  redis->kill();
  redis->restart();
  const auto give_up = Clock::now() + 5s;
  for (;;) {
    const std::string user = "eve";
    const TimePoint now = SystemClock::now();
    UsageResult result = co_await p->b.store.usage(user, now);
    if (auto* usage = std::get_if<QuotaUsage>(&result); usage && usage->in_flight == 1 && p->b.client.up()) break;
    REQUIRE(Clock::now() < give_up);
    co_await pause(20ms);
  }
  p->a.store.settle(std::get<Reservation>(held), Settlement{});
}

awaitable<void> fail_open_then_recover(Proxies* p, test::RedisServerProcess* redis) {
  config::QuotaLimits limits;
  limits.requests_per_minute = 3;
  const QuotaRequest request14 = request_of("fay", limits);
  Admission before = co_await p->a.store.reserve(request14);
  REQUIRE(std::holds_alternative<Reservation>(before));
  p->a.store.settle(std::get<Reservation>(before), Settlement{});

  redis->kill();
  // While Redis is gone each process counts on its own: three more here (the limit, counted locally).
  int admitted = 0;
  for (int i = 0; i < 5; ++i) {
    const QuotaRequest request15 = request_of("fay", limits);
    Admission during = co_await p->a.store.reserve(request15);
    CHECK_FALSE(std::holds_alternative<QuotaStoreUnavailable>(during));
    if (auto* reservation = std::get_if<Reservation>(&during)) {
      ++admitted;
      p->a.store.settle(*reservation, Settlement{});  // settled in process, where it was admitted
    }
  }
  CHECK(admitted == 3);
  CHECK(p->a.store.metrics_text().find("llmroute_quota_store_up 0\n") != std::string::npos);
  CHECK(p->a.store.metrics_text().find("llmroute_quota_store_fail_open_requests_total 5\n") != std::string::npos);

  redis->restart();
  const auto give_up = Clock::now() + 5s;
  while (!p->a.client.up() || !p->b.client.up()) {  // b answers usage from Redis only once it is back too
    REQUIRE(Clock::now() < give_up);
    co_await pause(10ms);
  }
  // Back on Redis (empty after its restart): counting starts again there.
  const QuotaRequest request16 = request_of("fay", limits);
  Admission after = co_await p->a.store.reserve(request16);
  REQUIRE(std::holds_alternative<Reservation>(after));
  p->a.store.settle(std::get<Reservation>(after), Settlement{});
  const QuotaUsage usage = co_await usage_of(&p->b.store, "fay");
  CHECK(usage.requests == 1);
  CHECK(p->a.store.metrics_text().find("llmroute_quota_store_up 1\n") != std::string::npos);
  CHECK(p->a.store.metrics_text().find("llmroute_quota_store_outages_total 1\n") != std::string::npos);
}

awaitable<void> fail_closed_refuses(Proxies* p, test::RedisServerProcess* redis) {
  config::QuotaLimits limits;
  redis->kill();
  const QuotaRequest request17 = request_of("gus", limits);
  Admission during = co_await p->a.store.reserve(request17);
  const QuotaRequest request18 = request_of("gus", limits);
  if (!std::holds_alternative<QuotaStoreUnavailable>(during)) during = co_await p->a.store.reserve(request18);
  REQUIRE(std::holds_alternative<QuotaStoreUnavailable>(during));
  CHECK(std::get<QuotaStoreUnavailable>(during).detail.find("fail-closed") != std::string::npos);
  const std::string user = "gus";
  const TimePoint now = SystemClock::now();
  UsageResult usage = co_await p->a.store.usage(user, now);
  CHECK(std::holds_alternative<QuotaStoreUnavailable>(usage));

  redis->restart();
  const auto give_up = Clock::now() + 5s;
  while (!p->a.client.up()) {
    REQUIRE(Clock::now() < give_up);
    co_await pause(10ms);
  }
  const QuotaRequest request19 = request_of("gus", limits);
  Admission after = co_await p->a.store.reserve(request19);
  REQUIRE(std::holds_alternative<Reservation>(after));
  p->a.store.settle(std::get<Reservation>(after), Settlement{});
}

}  // namespace

TEST_CASE("300 concurrent requests of one user through two proxies on one Redis admit exactly the 50 per minute") {
  test::RedisServerProcess redis;
  asio::io_context io;
  Proxies proxies(io, store_config(redis));
  run_scenario(io, proxies, three_hundred_through_two_proxies(&proxies));
}

TEST_CASE("max_concurrent counts slots across proxies, and a refusal for concurrency uses no request") {
  test::RedisServerProcess redis;
  asio::io_context io;
  Proxies proxies(io, store_config(redis));
  run_scenario(io, proxies, concurrency_across_proxies(&proxies));
}

TEST_CASE("tokens and spend are reserved as estimates, then settled with the real use or refunded") {
  test::RedisServerProcess redis;
  asio::io_context io;
  Proxies proxies(io, store_config(redis));
  run_scenario(io, proxies, tokens_and_spend(&proxies));
}

TEST_CASE("the concurrency slots of a process that died free themselves after the lease TTL") {
  test::RedisServerProcess redis;
  asio::io_context io;
  const auto config = store_config(redis, config::StoreFailureMode::fail_open, 300ms);
  Proxies proxies(io, config);
  StoreUnderTest crashed(io, config);
  crashed.client.start();
  crashed.store.start();
  run_scenario(io, proxies, crashed_process_slots_expire(&proxies, &crashed));
}

TEST_CASE("a running request keeps its slot past the lease TTL, even across a Redis restart") {
  test::RedisServerProcess redis;
  asio::io_context io;
  Proxies proxies(io, store_config(redis, config::StoreFailureMode::fail_open, 300ms));
  run_scenario(io, proxies, running_request_keeps_its_slot(&proxies, &redis));
}

TEST_CASE("fail-open: while Redis is down requests are counted in the process, and Redis is used again once back") {
  test::RedisServerProcess redis;
  asio::io_context io;
  Proxies proxies(io, store_config(redis));
  run_scenario(io, proxies, fail_open_then_recover(&proxies, &redis));
}

TEST_CASE("fail-closed: while Redis is down admission answers unavailable, and recovers once it is back") {
  test::RedisServerProcess redis;
  asio::io_context io;
  Proxies proxies(io, store_config(redis, config::StoreFailureMode::fail_closed));
  run_scenario(io, proxies, fail_closed_refuses(&proxies, &redis));
}
