// Conversation keys and the in-process pin store.
#include "router/conversation_pins.hpp"

#include <cstdint>
#include <cstdio>

namespace llmroute::router {

namespace {

/// FNV-1a: stable across processes and builds (std::hash is not), so keys can be shared via Redis.
std::uint64_t fnv1a(std::string_view text, std::uint64_t hash = 14695981039346656037ull) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string hex_of(std::uint64_t hash) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

/// Session and agent ids up to this length are kept as they are in a conversation key.
constexpr std::size_t kMaxSessionKeyBytes = 256;

}  // namespace

std::string conversation_key(const RequestFeatures& features, std::string_view user) {
  std::string key(user);
  key += '|';
  if (!features.session_id.empty()) {
    std::string session = "session:";
    session += features.session_id;
    // A Claude Code subagent runs its own conversation inside the session.
    if (!features.agent_id.empty()) {
      session += "/agent:";
      session += features.agent_id;
    }
    // The ids are client text of any length (a prompt_cache_key may be megabytes): a long one is kept as its
    // hash, so each of the max_pins remembered conversations costs a bounded number of bytes.
    if (session.size() <= kMaxSessionKeyBytes) return key + session;
    key += "session-hash:";
    key += hex_of(fnv1a(session));
    return key;
  }
  if (features.first_user_message.empty()) return {};
  std::uint64_t hash = fnv1a(features.system_text);
  hash = fnv1a(std::string_view("\0", 1), hash);
  hash = fnv1a(features.first_user_message, hash);
  key += "start:";
  key += hex_of(hash);
  return key;
}

MemoryPinStore::MemoryPinStore(std::chrono::milliseconds ttl, std::size_t capacity)
    : ttl_(ttl), capacity_(capacity == 0 ? 1 : capacity) {}

void MemoryPinStore::drop_expired(PinClock::time_point now) {
  while (!order_.empty() && order_.front().expires <= now) {
    index_.erase(order_.front().key);
    order_.pop_front();
  }
}

std::optional<std::string> MemoryPinStore::get(std::string_view key, PinClock::time_point now) {
  std::lock_guard lock(mutex_);
  drop_expired(now);
  auto found = index_.find(key);
  if (found == index_.end()) return std::nullopt;
  found->second->expires = now + ttl_;
  order_.splice(order_.end(), order_, found->second);
  return found->second->target;
}

void MemoryPinStore::put(std::string_view key, std::string_view target, PinClock::time_point now) {
  std::lock_guard lock(mutex_);
  drop_expired(now);
  if (auto found = index_.find(key); found != index_.end()) {
    found->second->target = std::string(target);
    found->second->expires = now + ttl_;
    order_.splice(order_.end(), order_, found->second);
    return;
  }
  while (order_.size() >= capacity_) {
    index_.erase(order_.front().key);
    order_.pop_front();
  }
  order_.push_back(Pin{std::string(key), std::string(target), now + ttl_});
  auto last = std::prev(order_.end());
  index_.emplace(last->key, last);
}

std::size_t MemoryPinStore::size() const {
  std::lock_guard lock(mutex_);
  return order_.size();
}

std::optional<config::ModelRef> pinned_model(PinStore& store, const config::Config& config, std::string_view key,
                                             PinClock::time_point now) {
  if (key.empty()) return std::nullopt;
  auto target = store.get(key, now);
  if (!target) return std::nullopt;
  return config.find_ref(*target);
}

void pin_model(PinStore& store, const config::Config& config, std::string_view key, config::ModelRef target,
               PinClock::time_point now) {
  if (!key.empty()) store.put(key, config.ref_name(target), now);
}

}  // namespace llmroute::router
