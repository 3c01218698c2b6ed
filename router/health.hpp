// Passive backend health: a circuit breaker per backend, fed by the outcomes of real requests.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace llmroute::router {

using HealthClock = std::chrono::steady_clock;

/// closed: healthy. open: failing, put last until the cooldown ends. half_open: the cooldown ended;
/// the next request is a trial that closes the circuit or opens it again for a doubled cooldown.
enum class BreakerState { closed, open, half_open };

std::string_view to_string(BreakerState state);

/// What one attempt on a backend showed. Connect failures, 5xx, 429, 401 (llmroute's key rejected) and
/// first-byte timeouts are failures; any other answer (4xx included: the request's fault, not the backend's)
/// is a success, except a 403, which counts as neither (the key may lack this model, not the backend's others).
enum class Outcome { success, failure };

/// One backend's breaker. Pure: time comes in as arguments. Not thread-safe (BackendHealth locks).
class CircuitBreaker {
 public:
  explicit CircuitBreaker(const config::HealthConfig& settings);

  BreakerState state(HealthClock::time_point now) const;
  /// Closed or half-open: worth trying first.
  bool healthy(HealthClock::time_point now) const { return state(now) != BreakerState::open; }
  void record(Outcome outcome, HealthClock::time_point now);

  std::uint32_t consecutive_failures() const { return failures_; }
  std::chrono::milliseconds cooldown() const { return cooldown_; }
  /// While open: when the cooldown ends and the next request may try the backend again. Nothing otherwise.
  std::optional<HealthClock::time_point> open_until(HealthClock::time_point now) const;

 private:
  config::HealthConfig settings_;
  std::uint32_t failures_ = 0;
  bool open_ = false;
  HealthClock::time_point opened_at_{};
  std::chrono::milliseconds cooldown_;
};

/// The breakers of every configured backend (indexed like Config::backends). Thread-safe.
class BackendHealth {
 public:
  BackendHealth(std::size_t backend_count, const config::HealthConfig& settings);

  void record(std::size_t backend, Outcome outcome, HealthClock::time_point now);
  bool healthy(std::size_t backend, HealthClock::time_point now) const;
  BreakerState state(std::size_t backend, HealthClock::time_point now) const;
  /// A copy of the breaker of `backend` (< the backend count) as it is now, for an operator to read.
  CircuitBreaker breaker(std::size_t backend) const;

 private:
  mutable std::mutex mutex_;
  std::vector<CircuitBreaker> breakers_;
};

}  // namespace llmroute::router
