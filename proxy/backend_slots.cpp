// Waiting for, granting and giving back a backend's slots on the I/O thread.
#include "proxy/backend_slots.hpp"

#include <utility>

namespace llmroute::proxy {

SlotGuard::SlotGuard(SlotGuard&& other) noexcept
    : slots_(std::exchange(other.slots_, nullptr)), user_(std::move(other.user_)) {}

SlotGuard& SlotGuard::operator=(SlotGuard&& other) noexcept {
  if (this != &other) {
    reset();
    slots_ = std::exchange(other.slots_, nullptr);
    user_ = std::move(other.user_);
  }
  return *this;
}

SlotGuard::~SlotGuard() { reset(); }

void SlotGuard::reset() {
  if (BackendSlots* slots = std::exchange(slots_, nullptr)) slots->release(user_);
}

/// One queued request for the time it sleeps. Settling it decides, from the scheduler's state alone, whether
/// the request got a slot — whatever woke it (a grant, its deadline, a cancellation). A frame destroyed while
/// asleep settles in the destructor, so a slot granted to it goes back.
class BackendSlots::Waiting {
 public:
  Waiting(BackendSlots& slots, policies::SlotScheduler::WaiterId id, std::string_view user, asio::steady_timer& timer)
      : slots_(slots), id_(id), user_(user) {
    slots_.sleepers_.emplace(id_, &timer);
  }
  ~Waiting() {
    if (!settled_) settle();
  }
  Waiting(const Waiting&) = delete;
  Waiting& operator=(const Waiting&) = delete;

  /// The granted slot, or an empty guard when the request was still queued (it leaves the queue).
  SlotGuard settle() {
    settled_ = true;
    slots_.sleepers_.erase(id_);
    const bool was_queued = slots_.scheduler_.withdraw(id_);
    slots_.publish();
    return was_queued ? SlotGuard() : SlotGuard(&slots_, user_);
  }

 private:
  BackendSlots& slots_;
  policies::SlotScheduler::WaiterId id_;
  std::string_view user_;
  bool settled_ = false;
};

BackendSlots::BackendSlots(asio::any_io_executor executor, std::string backend, std::uint32_t limit,
                           records::Metrics* metrics)
    : executor_(std::move(executor)), backend_(std::move(backend)), scheduler_(limit), metrics_(metrics) {
  publish();
}

void BackendSlots::publish() {
  if (scheduler_.limit() != 0) metrics_->slots_set(backend_, scheduler_.in_use(), scheduler_.queued());
}

SlotGuard BackendSlots::try_acquire(std::string_view user) {
  if (!scheduler_.try_acquire(user)) return {};
  publish();
  return SlotGuard(this, user);
}

awaitable<SlotGuard> BackendSlots::acquire(std::string_view user, Clock::time_point deadline) {
  const policies::SlotScheduler::Ticket ticket = scheduler_.acquire(user);
  publish();
  if (ticket.admission == policies::SlotScheduler::Admission::granted) co_return SlotGuard(this, user);
  asio::steady_timer timer(executor_, deadline);
  Waiting waiting(*this, ticket.waiter, user, timer);
  co_await timer.async_wait(use_nothrow);
  co_return waiting.settle();
}

void BackendSlots::release(std::string_view user) {
  if (const auto granted = scheduler_.release(user))
    if (const auto sleeper = sleepers_.find(*granted); sleeper != sleepers_.end()) sleeper->second->cancel();
  publish();
}

}  // namespace llmroute::proxy
