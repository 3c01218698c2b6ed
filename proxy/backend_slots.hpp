// A backend's concurrency slots on the I/O thread: the fair SlotScheduler, a timer per waiter, RAII slot guards.
#pragma once

#include "policies/slot_scheduler.hpp"
#include "proxy/asio.hpp"
#include "records/metrics.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace llmroute::proxy {

class BackendSlots;

/// One slot held on a backend, given back when the guard is destroyed or reset — on every path a request
/// can take (answer, error, client gone, timeout, fallback to the next candidate). Empty: no slot held.
class SlotGuard {
 public:
  SlotGuard() = default;
  SlotGuard(SlotGuard&& other) noexcept;
  SlotGuard& operator=(SlotGuard&& other) noexcept;
  ~SlotGuard();
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;

  explicit operator bool() const { return slots_ != nullptr; }
  /// Gives the slot back now (the next waiter, if any, gets it).
  void reset();

 private:
  friend class BackendSlots;
  SlotGuard(BackendSlots* slots, std::string_view user) : slots_(slots), user_(user) {}

  BackendSlots* slots_ = nullptr;
  std::string user_;
};

/// The slots of one backend: `max_concurrency` of them (0: unlimited, never waits but still counts). Requests
/// beyond the limit wait in per-user FIFO queues served round-robin across users (policies::SlotScheduler).
/// Lives as long as the server state; only the I/O thread calls it. Backends with a limit publish their slots
/// in use and queue length as metrics.
class BackendSlots {
 public:
  using Clock = std::chrono::steady_clock;

  BackendSlots(asio::any_io_executor executor, std::string backend, std::uint32_t limit, records::Metrics* metrics);
  BackendSlots(const BackendSlots&) = delete;
  BackendSlots& operator=(const BackendSlots&) = delete;

  /// A slot now when one is free and nobody waits; otherwise an empty guard (never queues — for work that
  /// must not delay anyone, e.g. shadow copies that run only on an idle box). On an unlimited backend it always
  /// succeeds: ask in_use() whether such a backend is idle.
  SlotGuard try_acquire(std::string_view user);

  /// Waits for a slot for `user` until `deadline`; an empty guard when the deadline passed first. When the
  /// awaiting operation is cancelled (the client left), the waiter leaves its queue, and a slot granted in the
  /// same instant goes back: no path leaves a slot or a waiter behind. `user` must outlive the wait.
  awaitable<SlotGuard> acquire(std::string_view user, Clock::time_point deadline);

  std::uint32_t limit() const { return scheduler_.limit(); }
  std::uint32_t in_use() const { return scheduler_.in_use(); }
  std::size_t queued() const { return scheduler_.queued(); }

 private:
  friend class SlotGuard;
  class Waiting;

  void release(std::string_view user);
  void publish();

  asio::any_io_executor executor_;
  std::string backend_;
  policies::SlotScheduler scheduler_;
  records::Metrics* metrics_;
  /// The timer each queued request sleeps on; cancelling it wakes the request to take its granted slot.
  std::unordered_map<policies::SlotScheduler::WaiterId, asio::steady_timer*> sleepers_;
};

}  // namespace llmroute::proxy
