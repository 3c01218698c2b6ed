// The in-process quota store admits atomically, settles with real use, refunds, and reports its windows.
#include <doctest/doctest.h>

#include "policies/memory_quota_store.hpp"
#include "policies/quota_windows.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

using namespace llmroute;
using namespace llmroute::policies;
using namespace std::chrono_literals;

namespace {

// 2025-03-31 23:59:30 UTC: thirty seconds before a new day and a new month.
const TimePoint kNow = std::chrono::sys_days(std::chrono::year{2025} / 3 / 31) + 23h + 59min + 30s;

QuotaRequest request(config::QuotaLimits limits, std::uint64_t tokens = 0, double cost = 0, TimePoint now = kNow) {
  return QuotaRequest{"ann", limits, tokens, cost, now};
}

template <typename T>
T run(boost::asio::awaitable<T> work) {
  boost::asio::io_context io;
  auto result = boost::asio::co_spawn(io, std::move(work), boost::asio::use_future);
  io.run();
  return result.get();
}

}  // namespace

TEST_CASE("requests beyond requests_per_minute are refused until the window that the first one opened closes") {
  MemoryQuotaStore store;
  config::QuotaLimits limits;
  limits.requests_per_minute = 3;
  for (int i = 0; i < 3; ++i) {
    auto admitted = store.try_reserve(request(limits, 0, 0, kNow + std::chrono::seconds(i)));
    REQUIRE(std::holds_alternative<Reservation>(admitted));
    store.settle(std::get<Reservation>(admitted), {});
  }
  const Admission refused = store.try_reserve(request(limits, 0, 0, kNow + 30s));
  REQUIRE(std::holds_alternative<QuotaRefusal>(refused));
  const QuotaRefusal& refusal = std::get<QuotaRefusal>(refused);
  CHECK(refusal.quota == QuotaName::requests_per_minute);
  CHECK(refusal.limit == 3);
  CHECK(refusal.used == 3);
  CHECK(refusal.resets_at == kNow + 60s);
  CHECK(seconds_until(kNow + 30s, *refusal.resets_at) == 30);
  // Settling does not give the request back: the minute counts admitted requests.
  CHECK(store.usage_now("ann", kNow + 59s).requests == 3);
  CHECK(std::holds_alternative<Reservation>(store.try_reserve(request(limits, 0, 0, kNow + 60s))));
  CHECK(store.usage_now("ann", kNow + 60s).requests == 1);
  CHECK(store.usage_now("ann", kNow + 60s).requests_reset == kNow + 120s);
}

TEST_CASE("a request refused for concurrency does not use up a request of its minute") {
  MemoryQuotaStore store;
  config::QuotaLimits limits;
  limits.requests_per_minute = 2;
  limits.max_concurrent = 1;
  auto first = store.try_reserve(request(limits));
  REQUIRE(std::holds_alternative<Reservation>(first));
  const Admission busy = store.try_reserve(request(limits));
  REQUIRE(std::holds_alternative<QuotaRefusal>(busy));
  CHECK(std::get<QuotaRefusal>(busy).quota == QuotaName::max_concurrent);
  CHECK_FALSE(std::get<QuotaRefusal>(busy).resets_at);
  CHECK(store.usage_now("ann", kNow).requests == 1);
  store.settle(std::get<Reservation>(first), {});
  CHECK(store.usage_now("ann", kNow).in_flight == 0);
  CHECK(std::holds_alternative<Reservation>(store.try_reserve(request(limits))));
}

TEST_CASE("tokens are reserved from the estimate and settled with the real use, and a refund gives them back") {
  MemoryQuotaStore store;
  config::QuotaLimits limits;
  limits.tokens_per_day = 1000;
  auto a = store.try_reserve(request(limits, 600));
  REQUIRE(std::holds_alternative<Reservation>(a));
  const Admission b = store.try_reserve(request(limits, 500));
  REQUIRE(std::holds_alternative<QuotaRefusal>(b));
  CHECK(std::get<QuotaRefusal>(b).quota == QuotaName::tokens_per_day);
  CHECK(std::get<QuotaRefusal>(b).used == 600);
  CHECK(std::get<QuotaRefusal>(b).requested == 500);
  CHECK(std::get<QuotaRefusal>(b).resets_at == kNow + 30s);  // midnight UTC
  store.settle(std::get<Reservation>(a), Settlement{120, 0});
  CHECK(store.usage_now("ann", kNow).tokens == 120);
  auto c = store.try_reserve(request(limits, 500));
  REQUIRE(std::holds_alternative<Reservation>(c));
  CHECK(store.usage_now("ann", kNow).tokens == 620);
  store.settle(std::get<Reservation>(c), {});  // upstream failed: refund
  CHECK(store.usage_now("ann", kNow).tokens == 120);
}

TEST_CASE("cloud spend is checked only for requests that may cost something, and resets with the UTC month") {
  MemoryQuotaStore store;
  config::QuotaLimits limits;
  limits.cloud_spend_per_month = 1.0;
  auto a = store.try_reserve(request(limits, 0, 0.75));
  REQUIRE(std::holds_alternative<Reservation>(a));
  store.settle(std::get<Reservation>(a), Settlement{0, 0.9});
  const Admission cloud = store.try_reserve(request(limits, 0, 0.2));
  REQUIRE(std::holds_alternative<QuotaRefusal>(cloud));
  const QuotaRefusal& refusal = std::get<QuotaRefusal>(cloud);
  CHECK(refusal.quota == QuotaName::cloud_spend_per_month);
  CHECK(refusal.used == doctest::Approx(0.9));
  CHECK(refusal.resets_at == std::chrono::sys_days(std::chrono::year{2025} / 4 / 1));
  CHECK(std::holds_alternative<Reservation>(store.try_reserve(request(limits, 0, 0))));  // local: free
  CHECK(std::holds_alternative<Reservation>(store.try_reserve(request(limits, 0, 0.2, kNow + 31s))));
  CHECK(store.usage_now("ann", kNow + 31s).spend == doctest::Approx(0.2));
}

TEST_CASE("a request admitted before midnight and settled after it does not touch the new day's tokens") {
  MemoryQuotaStore store;
  config::QuotaLimits limits;
  auto late = store.try_reserve(request(limits, 400));
  REQUIRE(std::holds_alternative<Reservation>(late));
  auto early = store.try_reserve(request(limits, 50, 0, kNow + 40s));
  REQUIRE(std::holds_alternative<Reservation>(early));
  store.settle(std::get<Reservation>(late), Settlement{900, 0});
  const QuotaUsage usage = store.usage_now("ann", kNow + 40s);
  CHECK(usage.tokens == 50);
  CHECK(usage.in_flight == 1);
}

TEST_CASE("the reservation guard refunds and frees the slot when the request ends without settling") {
  MemoryQuotaStore store;
  config::QuotaLimits limits;
  limits.max_concurrent = 1;
  {
    ReservationGuard guard(store, std::get<Reservation>(store.try_reserve(request(limits, 300))));
    CHECK(store.usage_now("ann", kNow).in_flight == 1);
  }
  CHECK(store.usage_now("ann", kNow).in_flight == 0);
  CHECK(store.usage_now("ann", kNow).tokens == 0);
  {
    ReservationGuard guard(store, std::get<Reservation>(store.try_reserve(request(limits, 300))));
    guard.settle(Settlement{42, 0});
    guard.settle(Settlement{1000, 0});  // only the first settlement counts
    CHECK_FALSE(guard.reservation());
  }
  CHECK(store.usage_now("ann", kNow).tokens == 42);
  CHECK(store.usage_now("ann", kNow).in_flight == 0);
}

TEST_CASE("users are counted apart, and an unknown user has all zero") {
  MemoryQuotaStore store;
  config::QuotaLimits limits;
  limits.requests_per_minute = 1;
  CHECK(std::holds_alternative<Reservation>(store.try_reserve(request(limits))));
  QuotaRequest bob = request(limits);
  bob.user = "bob";
  CHECK(std::holds_alternative<Reservation>(store.try_reserve(bob)));
  const QuotaUsage nobody = store.usage_now("carol", kNow);
  CHECK(nobody.requests == 0);
  CHECK_FALSE(nobody.requests_reset);
  CHECK(nobody.tokens_reset == kNow + 30s);
}

TEST_CASE("the awaitable interface answers without waiting on anything") {
  MemoryQuotaStore store;
  QuotaStore& generic = store;
  config::QuotaLimits limits;
  limits.requests_per_minute = 1;
  const Admission first = run(generic.reserve(request(limits, 10)));
  CHECK(std::holds_alternative<Reservation>(first));
  CHECK(std::holds_alternative<QuotaRefusal>(run(generic.reserve(request(limits, 10)))));
  const UsageResult usage = run(generic.usage("ann", kNow));
  REQUIRE(std::holds_alternative<QuotaUsage>(usage));
  CHECK(std::get<QuotaUsage>(usage).tokens == 10);
  CHECK(std::get<QuotaUsage>(usage).in_flight == 1);
}
