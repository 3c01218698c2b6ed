// Conversation pins in Redis, shared by every proxy on it; the in-process store answers while Redis is down.
#pragma once

#include "policies/redis/redis_client.hpp"
#include "router/conversation_pins.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace llmroute::policies {

/// Pins with the in-process store's semantics (TTL since last use: a hit extends it) in Redis keys
/// `<prefix>pin:<conversation key>` that expire on their own. A pin is a preference, never a reason to
/// fail a request: while Redis is unavailable the in-process store (which also receives every pin written)
/// answers, whatever the quota store's failure mode.
class RedisPinStore {
 public:
  RedisPinStore(RedisClient& client, router::MemoryPinStore& fallback, std::string key_prefix, std::chrono::milliseconds ttl);

  /// The model (`backend/model`) the conversation is pinned to, extending the pin by the TTL.
  awaitable<std::optional<std::string>> get(std::string key, router::PinClock::time_point now);
  /// Pins the conversation to `target` for the TTL (without waiting for Redis to confirm).
  void put(std::string_view key, std::string_view target, router::PinClock::time_point now);

 private:
  RedisClient& client_;
  router::MemoryPinStore& fallback_;
  std::string prefix_;
  std::string ttl_ms_;
};

}  // namespace llmroute::policies
