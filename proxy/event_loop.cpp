// Runs the proxy's io_context, polling instead of sleeping for a moment when bytes are due any microsecond.
#include "proxy/event_loop.hpp"

namespace llmroute::proxy {

void run_event_loop(asio::io_context& io, const BusyPoll& busy) {
  if (!busy.enabled()) {
    io.run();
    return;
  }
  while (!io.stopped()) {
    if (io.poll() > 0) continue;
    if (busy.polling(BusyPoll::Clock::now())) continue;
    io.run_one();  // sleeps in epoll_wait until the next event
  }
}

}  // namespace llmroute::proxy
