// Tests of the event loop: polling or not, it runs every handler and returns when its work runs out.
#include "proxy/event_loop.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace {

using namespace llmroute;
using proxy::BusyPoll;
using std::chrono::microseconds;
using std::chrono::milliseconds;

/// Posts a handler from another thread after `delay`, as the records writer or a signal does; `pending` keeps the
/// loop from running out of work before it arrives (a loaded machine may start the thread late) and is let go by it.
void post_later(asio::io_context& io, milliseconds delay, std::atomic<int>* ran,
                asio::executor_work_guard<asio::io_context::executor_type>* pending) {
  std::this_thread::sleep_for(delay);
  asio::post(io, [ran, pending] {
    ++*ran;
    pending->reset();
  });
}

}  // namespace

TEST_CASE("the event loop runs timers and handlers posted from other threads, then returns when work runs out") {
  for (const auto window : {microseconds(0), microseconds(250), microseconds(10'000)}) {
    CAPTURE(window.count());
    asio::io_context io(1);
    BusyPoll busy(window);
    busy.expect_bytes();  // polls while the late post is on its way (the 10 ms window covers part of its wait)
    std::atomic<int> ran = 0;
    const auto started = std::chrono::steady_clock::now();
    // A timer beyond the late post: the loop waits for it and must be woken by the post (or find it while polling).
    asio::steady_timer keep_alive(io, milliseconds(60));
    keep_alive.async_wait([&ran](const error_code& ec) { ran += ec ? 0 : 10; });
    auto pending = asio::make_work_guard(io);
    std::thread poster(post_later, std::ref(io), milliseconds(5), &ran, &pending);
    proxy::run_event_loop(io, busy);
    poster.join();
    CHECK(ran == 11);
    CHECK(std::chrono::steady_clock::now() - started >= milliseconds(60));
  }
}

TEST_CASE("busy polling lasts one window after bytes are announced, and never when switched off") {
  const auto now = BusyPoll::Clock::now();
  BusyPoll off(microseconds(0));
  off.expect_bytes();
  CHECK_FALSE(off.enabled());
  CHECK_FALSE(off.polling(BusyPoll::Clock::now()));

  BusyPoll on(microseconds(250));
  CHECK(on.enabled());
  CHECK_FALSE(on.polling(now));  // nothing announced yet: an idle proxy sleeps
  on.expect_bytes();
  CHECK(on.polling(now));
  CHECK_FALSE(on.polling(BusyPoll::Clock::now() + microseconds(300)));
}
