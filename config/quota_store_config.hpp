// The `quota_store:` section: where quota counters and conversation pins live (this process, or a shared Redis).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace llmroute::config {

struct NodeAt;

enum class QuotaStoreKind { memory, redis };
/// What admission does while the Redis store cannot be reached.
enum class StoreFailureMode {
  fail_open,   ///< serve, counting in this process until Redis is back (warned in the log and /metrics)
  fail_closed  ///< refuse with 503 until Redis is back
};

std::string_view to_string(StoreFailureMode mode);

struct QuotaStoreConfig {
  QuotaStoreKind kind = QuotaStoreKind::memory;
  std::string url = "memory";  ///< as written
  std::string host;            ///< redis: host name or address
  std::uint16_t port = 6379;
  unsigned db = 0;
  StoreFailureMode on_failure = StoreFailureMode::fail_open;
  std::string key_prefix = "llmroute:";  ///< every key starts with it (several co-ops or tests on one Redis)
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds command_timeout{1000};  ///< a slower reply counts as Redis being down
  std::chrono::milliseconds reconnect_max{5000};    ///< cap of the reconnection backoff (it starts at 100 ms)
  /// A process's concurrency slots outlive it (a crash, a kill -9) at most this long: each process
  /// renews its liveness every third of it.
  std::chrono::milliseconds lease_ttl{30'000};
};

/// Parses `quota_store:` — either a scalar (`memory` or `redis://HOST[:PORT][/DB]`) or a mapping with
/// `url` and the tuning keys. Throws ConfigError at the offending node.
QuotaStoreConfig load_quota_store(const NodeAt& at);

}  // namespace llmroute::config
