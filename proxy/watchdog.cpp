// Deadline and client-closed watching with one timer and one readiness wait, stopping by cancellation.
#include "proxy/watchdog.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace llmroute::proxy {

struct Watchdog::State : std::enable_shared_from_this<State> {
  State(tcp::socket& client_socket, beast::flat_buffer& pipelined_bytes, const Clock::time_point* watched_deadline)
      : client(&client_socket), pipelined(&pipelined_bytes), deadline(watched_deadline), timer(client_socket.get_executor()) {}

  void arm() {
    timer.expires_at(*deadline);
    timer.async_wait([self = shared_from_this()](const error_code& ec) {
      if (ec || !self->active) return;  // re-armed for an earlier deadline, or the wait is over
      if (Clock::now() >= *self->deadline) self->stop(WatchdogStop::deadline);
      else self->arm();  // the deadline moved later meanwhile
    });
  }

  // Waiting for readability costs no read system call per request (a speculative read would get EAGAIN).
  void watch_client() {
    client->async_wait(tcp::socket::wait_read, [self = shared_from_this()](const error_code& ec) {
      if (ec || !self->active) return;
      const auto buffer = self->pipelined->prepare(4096);
      const ssize_t n = ::recv(self->client->native_handle(), buffer.data(), buffer.size(), MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return self->watch_client();
      if (n <= 0) return self->stop(WatchdogStop::client_gone);  // EOF or reset
      // The client's next request, sent before this answer ended: kept, and the client is watched no more.
      self->pipelined->commit(static_cast<std::size_t>(n));
    });
  }

  void stop(WatchdogStop why) {
    reason = why;
    end();
  }

  void end() {
    if (!active) return;
    active = false;
    error_code ignored;
    timer.cancel();
    client->cancel(ignored);
    if (also) also->cancel(ignored);
  }

  tcp::socket* client;
  beast::flat_buffer* pipelined;
  const Clock::time_point* deadline;
  asio::steady_timer timer;
  tcp::socket* also = nullptr;
  WatchdogStop reason = WatchdogStop::none;
  bool active = true;
};

Watchdog::Watchdog(tcp::socket& client, beast::flat_buffer& pipelined, const Clock::time_point* deadline, Client client_watch)
    : state_(std::make_shared<State>(client, pipelined, deadline)) {
  state_->arm();
  if (client_watch == Client::watch) state_->watch_client();
}

Watchdog::~Watchdog() { dismiss(); }

void Watchdog::dismiss() {
  // Nothing to stop any more: only the watchers' own operations are pending on the sockets now.
  state_->also = nullptr;
  state_->end();
}

void Watchdog::deadline_moved() {
  if (state_->active && *state_->deadline < state_->timer.expiry()) state_->arm();
}

void Watchdog::also_cancel(tcp::socket* socket) { state_->also = socket; }

WatchdogStop Watchdog::stopped() const { return state_->reason; }

}  // namespace llmroute::proxy
