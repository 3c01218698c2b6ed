// Conversation pinning: the key that identifies a conversation, and stores of the model each one is pinned to.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "config/config.hpp"
#include "router/request_features.hpp"

namespace llmroute::router {

using PinClock = std::chrono::steady_clock;

/// The key of the conversation a request belongs to, scoped to `user` (so two users never share a pin):
/// the client's session id (Claude Code session, Codex session id or prompt_cache_key), with the Claude
/// Code agent id when a subagent speaks (hashed when longer than 256 bytes); else a hash of the system text
/// and the first user message, which stay the same on every turn. Empty when the request has neither.
std::string conversation_key(const RequestFeatures& features, std::string_view user);

/// Where conversations' pins live. Pins are stored as `backend/model` names, not indexes, so they
/// survive a config reload and can be shared between processes.
class PinStore {
 public:
  virtual ~PinStore() = default;
  /// The model the conversation is pinned to, if its pin has not expired; a hit extends the pin by the
  /// TTL (a conversation in use keeps its model).
  virtual std::optional<std::string> get(std::string_view key, PinClock::time_point now) = 0;
  /// Pins the conversation to `target` (`backend/model`) for the TTL from `now`, replacing any pin.
  virtual void put(std::string_view key, std::string_view target, PinClock::time_point now) = 0;
};

/// Pins in this process: TTL since last use, at most `capacity` conversations (the least recently used
/// is dropped first). Thread-safe.
class MemoryPinStore final : public PinStore {
 public:
  MemoryPinStore(std::chrono::milliseconds ttl, std::size_t capacity);

  std::optional<std::string> get(std::string_view key, PinClock::time_point now) override;
  void put(std::string_view key, std::string_view target, PinClock::time_point now) override;

  /// Pins held, expired ones not yet dropped included.
  std::size_t size() const;

 private:
  struct Pin {
    std::string key;
    std::string target;
    PinClock::time_point expires;
  };
  using Order = std::list<Pin>;  // least recently used first; with one TTL that is also soonest to expire

  void drop_expired(PinClock::time_point now);

  std::chrono::milliseconds ttl_;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  Order order_;
  std::unordered_map<std::string_view, Order::iterator> index_;  // views into Pin::key, stable in a list
};

/// The conversation's pin resolved against `config`; nullopt when there is none or it names a model
/// the config no longer has.
std::optional<config::ModelRef> pinned_model(PinStore& store, const config::Config& config, std::string_view key,
                                             PinClock::time_point now);

/// Pins the conversation to the model that served it.
void pin_model(PinStore& store, const config::Config& config, std::string_view key, config::ModelRef target,
               PinClock::time_point now);

}  // namespace llmroute::router
