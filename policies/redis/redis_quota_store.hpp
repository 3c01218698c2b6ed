// Quotas in Redis, shared exactly by every llmroute process of a co-op; in-process counting or 503 while it is down.
#pragma once

#include "config/quota_store_config.hpp"
#include "policies/memory_quota_store.hpp"
#include "policies/quota_store.hpp"
#include "policies/redis/redis_client.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace llmroute::policies {

/// A QuotaStore whose counters live in Redis, so several proxies admit against one set of counters.
/// Each reserve and each settle is one Lua script (EVALSHA, reloaded on NOSCRIPT), atomic in Redis:
/// 300 requests racing through any number of proxies admit exactly the limit.
///
/// Keys (prefix from the config): `quota:<user>:requests` (a counter whose 60 s TTL is set by the request
/// that opens the window), `quota:<user>:tokens:<UTC day number>` and `quota:<user>:spend:<YYYY-MM>` (expire
/// an hour after their window ends; spend in integer micro-units of the currency), `quota:<user>:leases`
/// (a sorted set of concurrency leases scored by expiry). A lease is `<process id>:<n>`; this process renews
/// its leases every third of `lease_ttl` while their requests run, so the slots of a crashed process free
/// themselves after at most `lease_ttl`, and a Redis restarted empty gets the running leases back.
///
/// While Redis is unavailable: `fail-open` admits against an in-process MemoryQuotaStore (each proxy then
/// counts only its own requests; warned once per outage, counted in /metrics), `fail-closed` answers
/// QuotaStoreUnavailable (the proxy's 503). Reservations remember which store admitted them, and Redis is
/// used again as soon as the client reconnects. A settlement that cannot reach Redis is lost: its lease
/// expires on its own, and the day's tokens and the month's spend keep the (larger) estimate.
///
/// Single-threaded: every call on the client's executor.
class RedisQuotaStore final : public QuotaStore {
 public:
  RedisQuotaStore(RedisClient& client, const config::QuotaStoreConfig& config);

  boost::asio::awaitable<Admission> reserve(QuotaRequest request) override;
  void settle(Reservation reservation, Settlement actual) override;
  boost::asio::awaitable<UsageResult> usage(std::string user, TimePoint now) override;

  /// Starts renewing this process's leases; stop() ends it (before the executor's last run).
  void start();
  void stop();

  /// Prometheus lines: llmroute_quota_store_up, _outages_total, _fail_open_requests_total,
  /// _fail_closed_refusals_total.
  std::string metrics_text() const;
  /// Leases this process holds in Redis (requests admitted there and not yet settled).
  std::size_t leases_held() const { return leases_.size(); }

 private:
  struct UserKeys {
    std::string requests, tokens, spend, leases;
  };
  struct Lease {
    std::string leases_key;
    std::string field;
  };

  UserKeys keys_for(const std::string& user, TimePoint at) const;
  Admission unavailable(const QuotaRequest& request, const std::string& why);
  awaitable<void> renew_leases();

  RedisClient& client_;
  const RedisScript reserve_script_;
  const RedisScript settle_script_;
  const RedisScript renew_script_;
  const RedisScript usage_script_;
  std::string prefix_;
  config::StoreFailureMode on_failure_;
  std::chrono::milliseconds lease_ttl_;
  std::string process_id_;  ///< random, so two processes' leases never collide
  std::uint64_t next_handle_ = 1;
  std::unordered_map<std::uint64_t, Lease> leases_;  ///< by Reservation::handle
  MemoryQuotaStore fallback_;
  asio::steady_timer renew_timer_;
  bool running_ = false;
  std::uint64_t warned_outage_ = UINT64_MAX;  ///< the outage last warned about (none yet)
  std::uint64_t fail_open_requests_ = 0;
  std::uint64_t fail_closed_refusals_ = 0;
};

}  // namespace llmroute::policies
