// The Redis connection of a proxy and the stores on it.
#include "proxy/redis_stores.hpp"

namespace llmroute::proxy {

namespace {

policies::RedisClientOptions client_options(const config::QuotaStoreConfig& config) {
  policies::RedisClientOptions options;
  options.host = config.host;
  options.port = config.port;
  options.db = config.db;
  options.connect_timeout = config.connect_timeout;
  options.command_timeout = config.command_timeout;
  options.reconnect_max = config.reconnect_max;
  return options;
}

}  // namespace

RedisStores::RedisStores(asio::any_io_executor executor, const config::QuotaStoreConfig& config,
                         router::MemoryPinStore& local_pins, std::chrono::milliseconds pin_ttl)
    : client_(std::move(executor), client_options(config)),
      quotas_(client_, config),
      pins_(client_, local_pins, config.key_prefix, pin_ttl) {}

void RedisStores::start() {
  client_.start();
  quotas_.start();
}

void RedisStores::stop() {
  quotas_.stop();
  client_.stop();
}

awaitable<std::optional<config::ModelRef>> RedisStores::pinned_model(const config::Config* config, std::string key,
                                                                     router::PinClock::time_point now) {
  if (key.empty()) co_return std::nullopt;
  awaitable<std::optional<std::string>> asking = pins_.get(std::move(key), now);
  const std::optional<std::string> target = co_await std::move(asking);
  if (!target) co_return std::nullopt;
  co_return config->find_ref(*target);
}

void RedisStores::pin_model(const config::Config& config, std::string_view key, config::ModelRef target,
                            router::PinClock::time_point now) {
  if (!key.empty()) pins_.put(key, config.ref_name(target), now);
}

}  // namespace llmroute::proxy
