// Fair sharing of one backend's concurrency slots: per-user FIFO queues, served least-recently-served user first.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace llmroute::policies {

/// The slots of one backend and the requests waiting for them. Pure bookkeeping, no I/O and no clock: the
/// proxy's adapter waits and wakes; this decides who gets the next slot. Not thread-safe (one I/O thread).
///
/// Fairness: a request gets a slot at once only when one is free and nobody waits. Otherwise it waits in its
/// user's FIFO queue, and each freed slot goes to the waiting user served least recently (users never served
/// since they became active first, by arrival). So users with waiting requests take turns, and one user's
/// burst of N delays another user's single request by at most one freed slot, not by N.
class SlotScheduler {
 public:
  using WaiterId = std::uint64_t;

  enum class Admission { granted, queued };
  /// The answer to acquire(): a slot now, or a place in the queue named by `waiter`.
  struct Ticket {
    Admission admission = Admission::granted;
    WaiterId waiter = 0;  ///< set when queued
  };

  /// `limit` slots; 0 means unlimited (never queues, still counts slots in use).
  explicit SlotScheduler(std::uint32_t limit);

  /// A slot for `user` now when one is free and nobody waits; otherwise `user`'s request joins its queue.
  Ticket acquire(std::string_view user);
  /// A slot for `user` now when one is free and nobody waits; otherwise nothing (never queues).
  bool try_acquire(std::string_view user);
  /// Takes a waiter out of its queue (its client left or its wait expired). Returns false when it is not
  /// queued because release() granted it a slot meanwhile: its owner now holds that slot and must release it.
  bool withdraw(WaiterId waiter);
  /// Gives back a slot `user` held. Returns the waiter the slot went to, if any (its owner must be woken).
  std::optional<WaiterId> release(std::string_view user);

  std::uint32_t limit() const { return limit_; }
  std::uint32_t in_use() const { return in_use_; }
  std::size_t queued() const { return waiters_.size(); }
  /// Users holding a slot or waiting for one (state of idle users is dropped, so this returns to 0).
  std::size_t active_users() const { return users_.size(); }

 private:
  struct UserState {
    std::list<WaiterId> waiting;   ///< FIFO
    std::uint32_t holding = 0;     ///< slots this user holds
    std::uint64_t last_grant = 0;  ///< grant sequence number of the user's latest slot; 0: none since active
  };
  using Users = std::map<std::string, UserState, std::less<>>;
  struct Waiter {
    Users::iterator user;
    std::list<WaiterId>::iterator position;
  };

  bool free_slot() const { return limit_ == 0 || in_use_ < limit_; }
  void grant(UserState& user);
  void forget_if_idle(Users::iterator user);

  std::uint32_t limit_;
  std::uint32_t in_use_ = 0;
  std::uint64_t grants_ = 0;
  WaiterId next_waiter_ = 1;
  Users users_;
  std::unordered_map<WaiterId, Waiter> waiters_;
};

}  // namespace llmroute::policies
