// Circuit breaker transitions and the per-backend board the proxy reports outcomes to.
#include "router/health.hpp"

#include <algorithm>

namespace llmroute::router {

std::string_view to_string(BreakerState state) {
  switch (state) {
    case BreakerState::closed: return "closed";
    case BreakerState::open: return "open";
    case BreakerState::half_open: return "half-open";
  }
  return "closed";
}

CircuitBreaker::CircuitBreaker(const config::HealthConfig& settings) : settings_(settings), cooldown_(settings.cooldown) {}

BreakerState CircuitBreaker::state(HealthClock::time_point now) const {
  if (!open_) return BreakerState::closed;
  return now >= opened_at_ + cooldown_ ? BreakerState::half_open : BreakerState::open;
}

std::optional<HealthClock::time_point> CircuitBreaker::open_until(HealthClock::time_point now) const {
  if (state(now) != BreakerState::open) return std::nullopt;
  return opened_at_ + cooldown_;
}

void CircuitBreaker::record(Outcome outcome, HealthClock::time_point now) {
  if (outcome == Outcome::success) {
    failures_ = 0;
    open_ = false;
    cooldown_ = settings_.cooldown;
    return;
  }
  ++failures_;
  switch (state(now)) {
    case BreakerState::closed:
      if (failures_ >= settings_.failures) {
        open_ = true;
        opened_at_ = now;
      }
      break;
    case BreakerState::half_open:
      // The trial failed: the backend is still down, so wait longer before the next trial.
      opened_at_ = now;
      cooldown_ = std::min(cooldown_ * 2, settings_.max_cooldown);
      break;
    case BreakerState::open:
      // Requests that started before the circuit opened are still failing; that says nothing new.
      break;
  }
}

BackendHealth::BackendHealth(std::size_t backend_count, const config::HealthConfig& settings)
    : breakers_(backend_count, CircuitBreaker(settings)) {}

void BackendHealth::record(std::size_t backend, Outcome outcome, HealthClock::time_point now) {
  std::lock_guard lock(mutex_);
  if (backend < breakers_.size()) breakers_[backend].record(outcome, now);
}

bool BackendHealth::healthy(std::size_t backend, HealthClock::time_point now) const {
  return state(backend, now) != BreakerState::open;
}

BreakerState BackendHealth::state(std::size_t backend, HealthClock::time_point now) const {
  std::lock_guard lock(mutex_);
  return backend < breakers_.size() ? breakers_[backend].state(now) : BreakerState::closed;
}

CircuitBreaker BackendHealth::breaker(std::size_t backend) const {
  std::lock_guard lock(mutex_);
  return breakers_.at(backend);
}

}  // namespace llmroute::router
