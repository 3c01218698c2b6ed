// Granting, queueing, withdrawing and releasing one backend's slots, fairly across users.
#include "policies/slot_scheduler.hpp"

#include <cassert>
#include <tuple>

namespace llmroute::policies {

SlotScheduler::SlotScheduler(std::uint32_t limit) : limit_(limit) {}

void SlotScheduler::grant(UserState& user) {
  ++in_use_;
  ++user.holding;
  user.last_grant = ++grants_;
}

void SlotScheduler::forget_if_idle(Users::iterator user) {
  if (user->second.holding == 0 && user->second.waiting.empty()) users_.erase(user);
}

SlotScheduler::Ticket SlotScheduler::acquire(std::string_view user) {
  auto entry = users_.try_emplace(std::string(user)).first;
  if (free_slot() && waiters_.empty()) {
    grant(entry->second);
    return {Admission::granted, 0};
  }
  const WaiterId id = next_waiter_++;
  auto& waiting = entry->second.waiting;
  waiters_.emplace(id, Waiter{entry, waiting.insert(waiting.end(), id)});
  return {Admission::queued, id};
}

bool SlotScheduler::try_acquire(std::string_view user) {
  if (!free_slot() || !waiters_.empty()) return false;
  grant(users_.try_emplace(std::string(user)).first->second);
  return true;
}

bool SlotScheduler::withdraw(WaiterId id) {
  const auto found = waiters_.find(id);
  if (found == waiters_.end()) return false;
  const Waiter waiter = found->second;
  waiters_.erase(found);
  waiter.user->second.waiting.erase(waiter.position);
  forget_if_idle(waiter.user);
  return true;
}

std::optional<SlotScheduler::WaiterId> SlotScheduler::release(std::string_view user) {
  const auto releasing = users_.find(user);
  assert(releasing != users_.end() && releasing->second.holding > 0 && in_use_ > 0);
  --releasing->second.holding;
  --in_use_;
  std::optional<WaiterId> granted;
  if (!waiters_.empty() && free_slot()) {
    // The waiting user served least recently; among equals, the one whose first waiter came first.
    auto next = users_.end();
    for (auto it = users_.begin(); it != users_.end(); ++it) {
      if (it->second.waiting.empty()) continue;
      if (next == users_.end() || std::tuple(it->second.last_grant, it->second.waiting.front()) <
                                      std::tuple(next->second.last_grant, next->second.waiting.front()))
        next = it;
    }
    granted = next->second.waiting.front();
    next->second.waiting.pop_front();
    waiters_.erase(*granted);
    grant(next->second);
  }
  forget_if_idle(releasing);
  return granted;
}

}  // namespace llmroute::policies
