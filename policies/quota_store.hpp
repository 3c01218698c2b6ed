// The quota store interface: atomic admission of one user's request against its limits, settlement, usage.
#pragma once

// Why Asio appears here (the only Asio header outside proxy/ and the Redis adapter): the Redis store must
// wait for its server without blocking the I/O thread, and the proxy's request path is a coroutine, so
// `reserve` and `usage` return `boost::asio::awaitable`. <boost/asio/awaitable.hpp> declares the coroutine
// type only (no sockets, no Beast, nothing to link beyond llmroute_asio's separately compiled core). The
// in-process store completes without suspending: `co_await store.reserve(...)` then costs one coroutine
// frame from Asio's recycling allocator and no turn of the event loop. `settle` returns nothing at all: the
// answer has been sent when it runs, nobody waits for its outcome, and the RAII ReservationGuard must be
// able to call it from a destructor.
#include "config/access_config.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace llmroute::policies {

using SystemClock = std::chrono::system_clock;
using TimePoint = SystemClock::time_point;

/// The four limits of config::QuotaLimits, by their config names.
enum class QuotaName { requests_per_minute, tokens_per_day, cloud_spend_per_month, max_concurrent };

/// "requests_per_minute", "tokens_per_day", "cloud_spend_per_month" or "max_concurrent".
std::string_view to_string(QuotaName quota);

/// What one request asks of its user's quotas at admission.
struct QuotaRequest {
  std::string user;
  config::QuotaLimits limits;  ///< the user's limits now (the store keeps counters, never limits)
  std::uint64_t tokens = 0;    ///< estimate: input tokens + the answer reserve (max_tokens, capped)
  double cost = 0;             ///< estimate of the cloud spend (the dearest cloud candidate); 0 when all are local
  TimePoint now;               ///< the caller's clock; a store shared by several processes may use its own
};

/// An admitted request's hold on its user's counters: the request counted in the minute window, the
/// estimates added to the day's tokens and the month's spend, one concurrency slot taken. Hand it to
/// QuotaStore::settle exactly once (ReservationGuard does).
struct Reservation {
  std::string user;
  std::uint64_t tokens = 0;  ///< the estimate that was added
  double cost = 0;           ///< the estimate that was added
  TimePoint at;              ///< when it was admitted: decides the day and month its numbers belong to
  std::uint64_t handle = 0;  ///< the admitting store's own reference (Redis: its concurrency lease); 0: in process
};

/// What an admitted request really used. All zero is a refund.
struct Settlement {
  std::uint64_t tokens = 0;  ///< input + output tokens of the answer
  double cost = 0;           ///< its cloud cost (0 when a local backend served it)
};

/// Why a request was refused: the first limit (in QuotaName order) it would have exceeded.
struct QuotaRefusal {
  QuotaName quota = QuotaName::requests_per_minute;
  double limit = 0;
  double used = 0;       ///< counted in the current window when the request arrived (in-flight estimates included)
  double requested = 0;  ///< what this request needed: 1 request or slot, its token or cost estimate
  /// When the window restarts; unset for max_concurrent (a slot frees when a running request ends).
  std::optional<TimePoint> resets_at;
};

/// The store could not answer (Redis unreachable and configured fail-closed): the proxy answers 503.
struct QuotaStoreUnavailable {
  std::string detail;
};

using Admission = std::variant<Reservation, QuotaRefusal, QuotaStoreUnavailable>;

/// One user's counters at one moment.
struct QuotaUsage {
  std::uint64_t requests = 0;               ///< admitted in the current minute window
  std::optional<TimePoint> requests_reset;  ///< when that window closes; unset when none is open
  std::uint64_t tokens = 0;                 ///< this UTC day: settled use plus in-flight estimates
  TimePoint tokens_reset;                   ///< next 00:00 UTC
  double spend = 0;                         ///< this UTC calendar month: settled cloud cost plus in-flight estimates
  TimePoint spend_reset;                    ///< 00:00 UTC on the first day of next month
  std::uint32_t in_flight = 0;              ///< admitted requests not yet settled
};

using UsageResult = std::variant<QuotaUsage, QuotaStoreUnavailable>;

/// Counters of every user's quotas, shared by all connections of a proxy (and, for a Redis store, by
/// several proxies). Windows, the same for every implementation:
/// - requests_per_minute: a fixed 60 s window that opens with the first request admitted after the previous
///   window closed (what a Redis key with a 60 s TTL gives); it resets 60 s after it opened.
/// - tokens_per_day: the UTC calendar day; resets at 00:00 UTC.
/// - cloud_spend_per_month: the UTC calendar month; resets at 00:00 UTC on the 1st.
/// - max_concurrent: reservations not yet settled.
class QuotaStore {
 public:
  virtual ~QuotaStore() = default;

  /// Atomically checks every set limit and, only when all pass, counts the request, adds its estimates and
  /// takes a slot; otherwise changes nothing (a request refused for concurrency does not use up a request
  /// of its minute). A limit passes when used + requested <= limit; a zero estimate always passes its limit.
  virtual boost::asio::awaitable<Admission> reserve(QuotaRequest request) = 0;

  /// Replaces the reservation's estimates by `actual` in the day and month it was admitted in and frees its
  /// slot; the request stays counted in its minute. Never blocks and never fails visibly: a remote store
  /// queues the update and deals with its own failures.
  virtual void settle(Reservation reservation, Settlement actual) = 0;

  /// `user`'s counters at `now` (a user never seen has all zero).
  virtual boost::asio::awaitable<UsageResult> usage(std::string user, TimePoint now) = 0;
};

/// Settles an admitted request exactly once: explicitly with its real use, else — on every other way out
/// (error, client gone, timeout, a destroyed coroutine) — as a refund when the guard is destroyed, so the
/// concurrency slot is always given back.
class ReservationGuard {
 public:
  ReservationGuard(QuotaStore& store, Reservation reservation) : store_(&store), reservation_(std::move(reservation)) {}
  ReservationGuard(ReservationGuard&& other) noexcept
      : store_(other.store_), reservation_(std::move(other.reservation_)) { other.reservation_.reset(); }
  ReservationGuard& operator=(ReservationGuard&&) = delete;
  ReservationGuard(const ReservationGuard&) = delete;
  ReservationGuard& operator=(const ReservationGuard&) = delete;
  ~ReservationGuard() { settle({}); }

  /// Settles with `actual` (all zero: a refund); later calls do nothing.
  void settle(Settlement actual) {
    if (!reservation_) return;
    Reservation reservation = std::move(*reservation_);
    reservation_.reset();
    store_->settle(std::move(reservation), actual);
  }
  /// The reservation while it is not settled.
  const std::optional<Reservation>& reservation() const { return reservation_; }

 private:
  QuotaStore* store_;
  std::optional<Reservation> reservation_;
};

}  // namespace llmroute::policies
