// The in-process quota store: every user's counters in this process's memory (the default store).
#pragma once

#include "policies/quota_store.hpp"

#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace llmroute::policies {

/// Counters in memory, exact within one process: each operation is one critical section, so a reserve is
/// atomic however many connections race. Thread-safe. Users appear on their first request; there are as
/// many as the config names (plus "anonymous").
class MemoryQuotaStore final : public QuotaStore {
 public:
  boost::asio::awaitable<Admission> reserve(QuotaRequest request) override;
  void settle(Reservation reservation, Settlement actual) override;
  boost::asio::awaitable<UsageResult> usage(std::string user, TimePoint now) override;

  /// reserve() without a coroutine: for callers that are not coroutines (a Redis store counting in process
  /// while its server is away, tests). Never QuotaStoreUnavailable.
  Admission try_reserve(const QuotaRequest& request);
  /// usage() without a coroutine.
  QuotaUsage usage_now(std::string_view user, TimePoint now);

 private:
  struct Counters {
    std::uint64_t requests = 0;             ///< admitted in the open minute window
    std::optional<TimePoint> requests_end;  ///< when the open minute window closes
    TimePoint day;                          ///< the UTC day `tokens` belongs to
    std::uint64_t tokens = 0;
    TimePoint month;                        ///< the UTC month `spend` belongs to
    double spend = 0;
    std::uint32_t in_flight = 0;
  };

  /// `user`'s counters with every window that ended before `now` restarted. Call with mutex_ held.
  Counters& current(std::string_view user, TimePoint now);

  std::mutex mutex_;
  std::map<std::string, Counters, std::less<>> users_;
};

}  // namespace llmroute::policies
