// Runs the proxy's io_context, polling instead of sleeping for a moment when bytes are due any microsecond.
#pragma once

#include "proxy/asio.hpp"

#include <chrono>

namespace llmroute::proxy {

/// When the event loop keeps polling instead of sleeping: for a short window after the request path says
/// bytes are due — a backend's first byte after the request went out, a client's next request after an
/// answer ended.
///
/// Why: a request's first token crosses the proxy twice, and each time a sleeping proxy thread must be
/// woken. On a virtual machine waking an idle vCPU costs tens of microseconds and finds cold caches —
/// about as much as all the proxy's own work on that path. A thread still polling when the bytes arrive
/// takes them at once. The cost is CPU, bounded: at most one window per expected arrival (two per
/// request), none while idle, none between the chunks of a stream, nothing extra under load.
class BusyPoll {
 public:
  using Clock = std::chrono::steady_clock;
  explicit BusyPoll(std::chrono::microseconds window) : window_(window) {}

  /// Bytes are due soon: poll for up to the window from now (no-op when the window is 0).
  void expect_bytes() {
    if (window_.count() > 0) until_ = Clock::now() + window_;
  }
  bool enabled() const { return window_.count() > 0; }
  bool polling(Clock::time_point now) const { return now < until_; }

 private:
  std::chrono::microseconds window_;
  Clock::time_point until_{};
};

/// Runs `io` until it has no more work, on this thread. While `busy.polling()`, it polls the reactor
/// without blocking instead of sleeping in epoll_wait. `busy` is only touched from this thread.
void run_event_loop(asio::io_context& io, const BusyPoll& busy);

}  // namespace llmroute::proxy
