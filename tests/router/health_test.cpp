// Circuit breaker transitions: closed → open after N failures → half-open after the cooldown → closed or open again.
#include <doctest/doctest.h>

#include <chrono>

#include "router/health.hpp"

using namespace llmroute;
using namespace llmroute::router;
using namespace std::chrono_literals;

namespace {

const HealthClock::time_point kStart{std::chrono::hours(1000)};

config::HealthConfig settings() {
  config::HealthConfig h;
  h.failures = 3;
  h.cooldown = 10s;
  h.max_cooldown = 25s;
  return h;
}

}  // namespace

TEST_CASE("a breaker opens after the configured number of consecutive failures") {
  CircuitBreaker breaker(settings());
  breaker.record(Outcome::failure, kStart);
  breaker.record(Outcome::failure, kStart + 1s);
  CHECK(breaker.state(kStart + 1s) == BreakerState::closed);
  breaker.record(Outcome::success, kStart + 2s);  // a success breaks the streak
  breaker.record(Outcome::failure, kStart + 3s);
  breaker.record(Outcome::failure, kStart + 4s);
  CHECK(breaker.healthy(kStart + 4s));
  breaker.record(Outcome::failure, kStart + 5s);
  CHECK(breaker.state(kStart + 5s) == BreakerState::open);
  CHECK_FALSE(breaker.healthy(kStart + 14s));
}

TEST_CASE("after the cooldown a breaker is half-open; a good trial closes it") {
  CircuitBreaker breaker(settings());
  for (int i = 0; i < 3; ++i) breaker.record(Outcome::failure, kStart);
  CHECK(breaker.state(kStart + 9s) == BreakerState::open);
  CHECK(breaker.state(kStart + 10s) == BreakerState::half_open);
  CHECK(breaker.healthy(kStart + 10s));
  breaker.record(Outcome::success, kStart + 11s);
  CHECK(breaker.state(kStart + 11s) == BreakerState::closed);
  CHECK(breaker.consecutive_failures() == 0);
}

TEST_CASE("a failed trial opens the breaker again for a doubled cooldown, up to the maximum") {
  CircuitBreaker breaker(settings());
  for (int i = 0; i < 3; ++i) breaker.record(Outcome::failure, kStart);
  breaker.record(Outcome::failure, kStart + 10s);  // the trial fails
  CHECK(breaker.cooldown() == 20s);
  CHECK(breaker.state(kStart + 29s) == BreakerState::open);
  CHECK(breaker.state(kStart + 30s) == BreakerState::half_open);
  breaker.record(Outcome::failure, kStart + 30s);
  CHECK(breaker.cooldown() == 25s);  // capped by max_cooldown
  CHECK(breaker.state(kStart + 54s) == BreakerState::open);
  CHECK(breaker.state(kStart + 55s) == BreakerState::half_open);
  breaker.record(Outcome::success, kStart + 56s);
  CHECK(breaker.cooldown() == 10s);  // a recovered backend starts over
}

TEST_CASE("failures of requests still in flight do not extend an open breaker") {
  CircuitBreaker breaker(settings());
  for (int i = 0; i < 3; ++i) breaker.record(Outcome::failure, kStart);
  breaker.record(Outcome::failure, kStart + 5s);
  CHECK(breaker.state(kStart + 10s) == BreakerState::half_open);
  CHECK(breaker.cooldown() == 10s);
}

TEST_CASE("the board keeps one breaker per backend") {
  BackendHealth health(2, settings());
  for (int i = 0; i < 3; ++i) health.record(1, Outcome::failure, kStart);
  CHECK(health.healthy(0, kStart));
  CHECK_FALSE(health.healthy(1, kStart + 1s));
  CHECK(health.state(1, kStart + 1s) == BreakerState::open);
  CHECK(to_string(health.state(1, kStart + 10s)) == "half-open");
  CHECK(health.healthy(7, kStart));  // an unknown backend has no record against it
}

TEST_CASE("an open breaker says until when its cooldown lasts; a closed or half-open one says nothing") {
  BackendHealth health(2, settings());
  CHECK_FALSE(health.breaker(0).open_until(kStart).has_value());
  for (int i = 0; i < 3; ++i) health.record(1, Outcome::failure, kStart);
  const CircuitBreaker breaker = health.breaker(1);
  CHECK(breaker.consecutive_failures() == 3);
  CHECK(breaker.open_until(kStart + 1s) == kStart + 10s);
  CHECK_FALSE(breaker.open_until(kStart + 10s).has_value());  // half-open: the next request is the trial
  health.record(1, Outcome::failure, kStart + 10s);             // the trial fails: a doubled cooldown
  CHECK(health.breaker(1).open_until(kStart + 11s) == kStart + 30s);
}
