// Conversation pins in Redis: GETEX to read and extend, SET with PX to write.
#include "policies/redis/redis_pin_store.hpp"

namespace llmroute::policies {

RedisPinStore::RedisPinStore(RedisClient& client, router::MemoryPinStore& fallback, std::string key_prefix,
                             std::chrono::milliseconds ttl)
    : client_(client), fallback_(fallback), prefix_(std::move(key_prefix) + "pin:"), ttl_ms_(std::to_string(ttl.count())) {}

awaitable<std::optional<std::string>> RedisPinStore::get(std::string key, router::PinClock::time_point now) {
  const std::string redis_key = prefix_ + key;
  const RedisResult result = co_await client_.command("GETEX", redis_key, "PX", ttl_ms_);
  if (!result.answered() || result.reply().is_error()) co_return fallback_.get(key, now);
  if (result.reply().type != RedisReply::Type::string) co_return std::nullopt;
  co_return result.reply().text;
}

void RedisPinStore::put(std::string_view key, std::string_view target, router::PinClock::time_point now) {
  fallback_.put(key, target, now);
  const std::string redis_key = prefix_ + std::string(key);
  client_.send("SET", redis_key, target, "PX", ttl_ms_);
}

}  // namespace llmroute::policies
