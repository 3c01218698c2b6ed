// Waiting for backend slots on an io_context: grants wake waiters, deadlines and cancellations leave no slot behind.
#include <doctest/doctest.h>

#include "proxy/backend_slots.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

using namespace llmroute;
using namespace llmroute::proxy;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

/// What one waiting request ended with.
struct Outcome {
  bool done = false;
  bool granted = false;
  SlotGuard guard;
};

awaitable<void> wait_and_keep(BackendSlots* slots, std::string_view user, Clock::time_point deadline, Outcome* out) {
  SlotGuard guard = co_await slots->acquire(user, deadline);
  out->granted = static_cast<bool>(guard);
  out->guard = std::move(guard);
  out->done = true;
}

/// Runs handlers until `done` or nothing is left to run.
template <typename Done>
void run_until(asio::io_context& io, Done done) {
  io.restart();
  while (!done() && io.run_one_for(2s) > 0) {
  }
}

std::string metric_line(const records::Metrics& metrics, std::string_view name) {
  const std::string text = metrics.render();
  const std::string prefix = std::string(name) + "{backend=\"box\"} ";
  const auto at = text.find(prefix);
  if (at == std::string::npos) return "absent";
  return text.substr(at + prefix.size(), text.find('\n', at) - at - prefix.size());
}

}  // namespace

TEST_CASE("a waiting request is woken with the slot as soon as the holder gives it back") {
  asio::io_context io;
  records::Metrics metrics("USD", nullptr);
  BackendSlots slots(io.get_executor(), "box", 1, &metrics);
  SlotGuard holder = slots.try_acquire("alice");
  REQUIRE(holder);
  Outcome waiter;
  asio::co_spawn(io, wait_and_keep(&slots, "bob", Clock::now() + 60s, &waiter), asio::detached);
  run_until(io, [&] { return slots.queued() == 1; });
  CHECK(metric_line(metrics, "llmroute_backend_queued_requests") == "1");
  CHECK_FALSE(waiter.done);

  holder.reset();
  run_until(io, [&] { return waiter.done; });
  CHECK(waiter.granted);
  CHECK(slots.in_use() == 1);
  CHECK(slots.queued() == 0);
  waiter.guard.reset();
  CHECK(slots.in_use() == 0);
  CHECK(metric_line(metrics, "llmroute_backend_slots_in_use") == "0");
}

TEST_CASE("a wait that reaches its deadline ends without a slot and leaves the queue") {
  asio::io_context io;
  records::Metrics metrics("USD", nullptr);
  BackendSlots slots(io.get_executor(), "box", 1, &metrics);
  SlotGuard holder = slots.try_acquire("alice");
  Outcome waiter;
  asio::co_spawn(io, wait_and_keep(&slots, "bob", Clock::now() + 20ms, &waiter), asio::detached);
  run_until(io, [&] { return waiter.done; });
  CHECK(waiter.done);
  CHECK_FALSE(waiter.granted);
  CHECK(slots.queued() == 0);
  holder.reset();
  CHECK(slots.in_use() == 0);
}

TEST_CASE("a cancelled wait leaves the queue, and the next grant goes to the request behind it") {
  asio::io_context io;
  records::Metrics metrics("USD", nullptr);
  BackendSlots slots(io.get_executor(), "box", 1, &metrics);
  SlotGuard holder = slots.try_acquire("alice");
  Outcome first, second;
  asio::cancellation_signal cancel_first;
  asio::co_spawn(io, wait_and_keep(&slots, "bob", Clock::now() + 60s, &first),
                 asio::bind_cancellation_slot(cancel_first.slot(), asio::detached));
  asio::co_spawn(io, wait_and_keep(&slots, "bob", Clock::now() + 60s, &second), asio::detached);
  run_until(io, [&] { return slots.queued() == 2; });

  cancel_first.emit(asio::cancellation_type::terminal);
  run_until(io, [&] { return first.done; });
  CHECK_FALSE(first.granted);
  CHECK(slots.queued() == 1);

  holder.reset();
  run_until(io, [&] { return second.done; });
  CHECK(second.granted);
  second.guard.reset();
  CHECK(slots.in_use() == 0);
}

TEST_CASE("a slot granted in the same instant the wait is cancelled is not lost") {
  asio::io_context io;
  records::Metrics metrics("USD", nullptr);
  BackendSlots slots(io.get_executor(), "box", 1, &metrics);
  SlotGuard holder = slots.try_acquire("alice");
  Outcome waiter;
  asio::cancellation_signal cancel;
  asio::co_spawn(io, wait_and_keep(&slots, "bob", Clock::now() + 60s, &waiter),
                 asio::bind_cancellation_slot(cancel.slot(), asio::detached));
  run_until(io, [&] { return slots.queued() == 1; });
  // The grant and the cancellation both happen before the waiter runs again: the slot is its to give back.
  holder.reset();
  cancel.emit(asio::cancellation_type::terminal);
  run_until(io, [&] { return waiter.done; });
  CHECK(waiter.granted);
  waiter.guard.reset();
  CHECK(slots.in_use() == 0);
  CHECK(slots.queued() == 0);
}

TEST_CASE("a waiting request destroyed with its io_context gives back a slot granted to it") {
  records::Metrics metrics("USD", nullptr);
  std::optional<asio::io_context> io(std::in_place);
  BackendSlots slots(io->get_executor(), "box", 1, &metrics);
  SlotGuard holder = slots.try_acquire("alice");
  Outcome queued_then_granted, still_queued;
  asio::co_spawn(*io, wait_and_keep(&slots, "bob", Clock::now() + 60s, &queued_then_granted), asio::detached);
  asio::co_spawn(*io, wait_and_keep(&slots, "carol", Clock::now() + 60s, &still_queued), asio::detached);
  run_until(*io, [&] { return slots.queued() == 2; });
  holder.reset();  // bob is granted the slot but never runs again
  REQUIRE(slots.in_use() == 1);
  io.reset();
  CHECK_FALSE(queued_then_granted.done);
  CHECK(slots.in_use() == 0);
  CHECK(slots.queued() == 0);
}

TEST_CASE("try_acquire never queues and an unlimited backend publishes no slot metrics") {
  asio::io_context io;
  records::Metrics metrics("USD", nullptr);
  BackendSlots unlimited(io.get_executor(), "box", 0, &metrics);
  std::vector<SlotGuard> guards;
  for (int i = 0; i < 10; ++i) guards.push_back(unlimited.try_acquire("shadow"));
  CHECK(unlimited.in_use() == 10);
  CHECK(metric_line(metrics, "llmroute_backend_slots_in_use") == "absent");
  guards.clear();
  CHECK(unlimited.in_use() == 0);

  BackendSlots one(io.get_executor(), "box", 1, &metrics);
  SlotGuard held = one.try_acquire("alice");
  CHECK(held);
  CHECK_FALSE(one.try_acquire("shadow"));
  CHECK(one.queued() == 0);
}
