// The slot scheduler shares a backend's slots fairly across users and never loses or leaks a slot.
#include <doctest/doctest.h>

#include "policies/slot_scheduler.hpp"

#include <algorithm>
#include <string>
#include <vector>

using llmroute::policies::SlotScheduler;
using Admission = SlotScheduler::Admission;

namespace {

/// Queues `count` requests of `user`; every one must wait.
std::vector<SlotScheduler::WaiterId> queue(SlotScheduler& slots, const std::string& user, int count) {
  std::vector<SlotScheduler::WaiterId> ids;
  for (int i = 0; i < count; ++i) {
    const auto ticket = slots.acquire(user);
    REQUIRE(ticket.admission == Admission::queued);
    ids.push_back(ticket.waiter);
  }
  return ids;
}

}  // namespace

TEST_CASE("requests get a slot at once while the backend has free slots") {
  SlotScheduler slots(2);
  CHECK(slots.acquire("alice").admission == Admission::granted);
  CHECK(slots.acquire("bob").admission == Admission::granted);
  CHECK(slots.in_use() == 2);
  CHECK(slots.acquire("alice").admission == Admission::queued);
  CHECK(slots.queued() == 1);
}

TEST_CASE("an unlimited backend never queues but still counts its slots in use") {
  SlotScheduler slots(0);
  for (int i = 0; i < 100; ++i) CHECK(slots.acquire("alice").admission == Admission::granted);
  CHECK(slots.in_use() == 100);
  for (int i = 0; i < 100; ++i) CHECK_FALSE(slots.release("alice"));
  CHECK(slots.in_use() == 0);
  CHECK(slots.active_users() == 0);
}

TEST_CASE("one user's burst does not starve another user's single request") {
  SlotScheduler slots(1);
  REQUIRE(slots.acquire("alice").admission == Admission::granted);
  const auto alice = queue(slots, "alice", 19);
  const auto bob = queue(slots, "bob", 1);
  // The first slot alice gives back goes to bob, although 19 of alice's requests were queued before his.
  CHECK(slots.release("alice") == bob[0]);
  CHECK(slots.release("bob") == alice[0]);
  // With bob done, alice's requests follow in their order.
  for (std::size_t i = 1; i < alice.size(); ++i) CHECK(slots.release("alice") == alice[i]);
  CHECK_FALSE(slots.release("alice"));
  CHECK(slots.in_use() == 0);
  CHECK(slots.active_users() == 0);
}

TEST_CASE("users with waiting requests take turns, each user's own requests in arrival order") {
  SlotScheduler slots(1);
  REQUIRE(slots.acquire("holder").admission == Admission::granted);
  const auto a = queue(slots, "a", 3);
  const auto b = queue(slots, "b", 2);
  const auto c = queue(slots, "c", 1);
  std::vector<SlotScheduler::WaiterId> order;
  std::string holder = "holder";
  for (int i = 0; i < 6; ++i) {
    const auto next = slots.release(holder);
    REQUIRE(next);
    order.push_back(*next);
    holder = std::find(a.begin(), a.end(), *next) != a.end()   ? "a"
             : std::find(b.begin(), b.end(), *next) != b.end() ? "b"
                                                                : "c";
  }
  CHECK(order == std::vector<SlotScheduler::WaiterId>{a[0], b[0], c[0], a[1], b[1], a[2]});
  CHECK_FALSE(slots.release(holder));
  CHECK(slots.active_users() == 0);
}

TEST_CASE("with several slots a newcomer still goes before the busy user's queue") {
  SlotScheduler slots(3);
  for (int i = 0; i < 3; ++i) REQUIRE(slots.acquire("alice").admission == Admission::granted);
  const auto alice = queue(slots, "alice", 5);
  const auto bob = queue(slots, "bob", 2);
  CHECK(slots.release("alice") == bob[0]);
  // Bob now holds the most recent grant: alice is served least recently and goes next.
  CHECK(slots.release("alice") == alice[0]);
  CHECK(slots.release("alice") == bob[1]);
}

TEST_CASE("a new request waits behind queued ones even when a slot was just freed for them") {
  SlotScheduler slots(1);
  REQUIRE(slots.acquire("alice").admission == Admission::granted);
  const auto bob = queue(slots, "bob", 1);
  CHECK(slots.release("alice") == bob[0]);
  CHECK(slots.acquire("carol").admission == Admission::queued);
}

TEST_CASE("try_acquire takes only a free slot nobody waits for and never queues") {
  SlotScheduler slots(1);
  CHECK(slots.try_acquire("shadow"));
  CHECK_FALSE(slots.try_acquire("shadow"));
  CHECK(slots.queued() == 0);
  const auto alice = queue(slots, "alice", 1);
  CHECK(slots.release("shadow") == alice[0]);
  CHECK(slots.release("alice") == std::nullopt);
  CHECK(slots.try_acquire("shadow"));
  CHECK(slots.release("shadow") == std::nullopt);
  CHECK(slots.active_users() == 0);
}

TEST_CASE("a withdrawn waiter leaves its queue and never receives a slot") {
  SlotScheduler slots(1);
  REQUIRE(slots.acquire("alice").admission == Admission::granted);
  const auto bob = queue(slots, "bob", 2);
  const auto carol = queue(slots, "carol", 1);
  CHECK(slots.withdraw(bob[0]));
  CHECK(slots.queued() == 2);
  CHECK(slots.release("alice") == bob[1]);
  CHECK(slots.withdraw(carol[0]));
  CHECK(slots.release("bob") == std::nullopt);
  CHECK(slots.in_use() == 0);
  CHECK(slots.queued() == 0);
  CHECK(slots.active_users() == 0);
}

TEST_CASE("withdrawing a waiter that was granted meanwhile says so, and its slot is released once") {
  SlotScheduler slots(1);
  REQUIRE(slots.acquire("alice").admission == Admission::granted);
  const auto bob = queue(slots, "bob", 1);
  REQUIRE(slots.release("alice") == bob[0]);
  // Bob's wait expired at the moment the slot came: he owns it and must give it back.
  CHECK_FALSE(slots.withdraw(bob[0]));
  CHECK(slots.in_use() == 1);
  CHECK(slots.release("bob") == std::nullopt);
  CHECK(slots.in_use() == 0);
  CHECK(slots.active_users() == 0);
}

TEST_CASE("a user who withdrew everything and comes back is a newcomer again") {
  SlotScheduler slots(1);
  REQUIRE(slots.acquire("alice").admission == Admission::granted);
  const auto bob = queue(slots, "bob", 1);
  const auto carol = queue(slots, "carol", 1);
  REQUIRE(slots.withdraw(bob[0]));
  const auto bob_again = queue(slots, "bob", 1);
  // Neither was served yet: the earlier arrival (carol) goes first.
  CHECK(slots.release("alice") == carol[0]);
  CHECK(slots.release("carol") == bob_again[0]);
}
