// Admission, settlement and usage over in-memory counters, one critical section per operation.
#include "policies/memory_quota_store.hpp"

#include "policies/quota_windows.hpp"

#include <algorithm>

namespace llmroute::policies {

MemoryQuotaStore::Counters& MemoryQuotaStore::current(std::string_view user, TimePoint now) {
  auto found = users_.find(user);
  if (found == users_.end()) found = users_.emplace(std::string(user), Counters{}).first;
  Counters& c = found->second;
  if (c.requests_end && now >= *c.requests_end) {
    c.requests = 0;
    c.requests_end.reset();
  }
  // Windows only move forward: a clock stepping back does not hand out a day twice.
  if (const TimePoint day = utc_day_start(now); day > c.day) {
    c.day = day;
    c.tokens = 0;
  }
  if (const TimePoint month = utc_month_start(now); month > c.month) {
    c.month = month;
    c.spend = 0;
  }
  return c;
}

Admission MemoryQuotaStore::try_reserve(const QuotaRequest& request) {
  const config::QuotaLimits& limits = request.limits;
  const TimePoint now = request.now;
  std::lock_guard lock(mutex_);
  Counters& c = current(request.user, now);
  if (limits.requests_per_minute && c.requests + 1 > *limits.requests_per_minute)
    return QuotaRefusal{QuotaName::requests_per_minute, static_cast<double>(*limits.requests_per_minute),
                        static_cast<double>(c.requests), 1, c.requests_end.value_or(now + kRequestWindow)};
  if (limits.tokens_per_day && request.tokens > 0 && c.tokens + request.tokens > *limits.tokens_per_day)
    return QuotaRefusal{QuotaName::tokens_per_day, static_cast<double>(*limits.tokens_per_day),
                        static_cast<double>(c.tokens), static_cast<double>(request.tokens), next_utc_day(now)};
  if (limits.cloud_spend_per_month && request.cost > 0 && c.spend + request.cost > *limits.cloud_spend_per_month)
    return QuotaRefusal{QuotaName::cloud_spend_per_month, *limits.cloud_spend_per_month, c.spend, request.cost,
                        next_utc_month(now)};
  if (limits.max_concurrent && c.in_flight + 1 > *limits.max_concurrent)
    return QuotaRefusal{QuotaName::max_concurrent, static_cast<double>(*limits.max_concurrent),
                        static_cast<double>(c.in_flight), 1, std::nullopt};
  ++c.requests;
  if (!c.requests_end) c.requests_end = now + kRequestWindow;
  c.tokens += request.tokens;
  c.spend += request.cost;
  ++c.in_flight;
  return Reservation{request.user, request.tokens, request.cost, now};
}

void MemoryQuotaStore::settle(Reservation reservation, Settlement actual) {
  std::lock_guard lock(mutex_);
  const auto found = users_.find(reservation.user);
  if (found == users_.end()) return;
  Counters& c = found->second;
  if (c.in_flight > 0) --c.in_flight;
  // A window that has moved on since the admission keeps nothing of it: its estimate went with the old window.
  if (utc_day_start(reservation.at) == c.day) c.tokens = c.tokens - std::min(c.tokens, reservation.tokens) + actual.tokens;
  if (utc_month_start(reservation.at) == c.month) c.spend = std::max(0.0, c.spend - reservation.cost) + actual.cost;
}

QuotaUsage MemoryQuotaStore::usage_now(std::string_view user, TimePoint now) {
  std::lock_guard lock(mutex_);
  const Counters& c = current(user, now);
  return QuotaUsage{c.requests, c.requests_end, c.tokens, next_utc_day(now), c.spend, next_utc_month(now), c.in_flight};
}

boost::asio::awaitable<Admission> MemoryQuotaStore::reserve(QuotaRequest request) { co_return try_reserve(request); }

boost::asio::awaitable<UsageResult> MemoryQuotaStore::usage(std::string user, TimePoint now) {
  co_return usage_now(user, now);
}

}  // namespace llmroute::policies
