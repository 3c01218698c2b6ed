// The Redis of `quota_store: redis://…`: one connection shared by the quota counters and the conversation pins.
#pragma once

#include "config/config.hpp"
#include "policies/redis/redis_client.hpp"
#include "policies/redis/redis_pin_store.hpp"
#include "policies/redis/redis_quota_store.hpp"
#include "router/conversation_pins.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace llmroute::proxy {

/// What a proxy keeps in Redis when the config names one: every process of the co-op then shares one
/// set of quota counters and one set of conversation pins. Lives on the proxy's (single) I/O thread.
/// `local_pins` is the process's own pin store, which answers while Redis is unavailable.
class RedisStores {
 public:
  RedisStores(asio::any_io_executor executor, const config::QuotaStoreConfig& config, router::MemoryPinStore& local_pins,
              std::chrono::milliseconds pin_ttl);

  /// Connects in the background and starts renewing concurrency leases.
  void start();
  /// Stops both (the executor must run once more before destruction).
  void stop();

  policies::RedisQuotaStore& quotas() { return quotas_; }

  /// The conversation's pin resolved against `config` (nullopt: none, or a model the config no longer has).
  awaitable<std::optional<config::ModelRef>> pinned_model(const config::Config* config, std::string key,
                                                          router::PinClock::time_point now);
  /// Pins the conversation to the model that served it, in Redis and in the process.
  void pin_model(const config::Config& config, std::string_view key, config::ModelRef target, router::PinClock::time_point now);

  /// Prometheus lines of the store (up, outages, fail-open and fail-closed counts).
  std::string metrics_text() const { return quotas_.metrics_text(); }

 private:
  policies::RedisClient client_;
  policies::RedisQuotaStore quotas_;
  policies::RedisPinStore pins_;
};

}  // namespace llmroute::proxy
