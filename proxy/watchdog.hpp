// Stops a wait on sockets when its deadline passes or the client goes away, with plain handlers.
#pragma once

#include "proxy/asio.hpp"

#include <chrono>
#include <memory>

namespace llmroute::proxy {

/// Why a Watchdog stopped the wait it watched.
enum class WatchdogStop { none, client_gone, deadline };

/// Watches one wait of a client connection (for a request's bytes, or for a backend's answer) and stops it
/// when its deadline passes or, if asked, the client closes: it cancels the pending operations of the
/// sockets involved, the waiting code gets operation_aborted and asks stopped() why. This replaces racing
/// the work against watcher coroutines (`work || watch_client || watch_deadline`), which costs a co_spawn
/// and a frame per operand and a cancellation slot for every operation the work starts: a fifth of the CPU
/// of a streamed request.
///
/// Its handlers share its state, not the Watchdog itself: it may be destroyed while they are still queued.
class Watchdog {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Client { ignore, watch };

  /// Starts watching. Until destroyed it stops at `*deadline` (read again whenever the timer fires; call
  /// deadline_moved() when it moves earlier) and, with Client::watch, when `client` closes or resets. Bytes
  /// the client sends meanwhile (its next request) are kept in `pipelined`.
  Watchdog(tcp::socket& client, beast::flat_buffer& pipelined, const Clock::time_point* deadline, Client client_watch);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  /// The deadline moved earlier than the one the timer waits for.
  void deadline_moved();
  /// Also cancels the pending operations of `socket` when stopping (null: no other socket).
  void also_cancel(tcp::socket* socket);

  /// also_cancel(socket) for the guard's lifetime: declared after what owns the socket, it is gone before
  /// the socket is. A watchdog that stopped later would otherwise cancel a destroyed socket (a backend
  /// connection dropped while its replacement is awaited).
  class AlsoCancelled {
   public:
    AlsoCancelled(Watchdog* watchdog, tcp::socket* socket) : watchdog_(watchdog) {
      if (watchdog_) watchdog_->also_cancel(socket);
    }
    ~AlsoCancelled() {
      if (watchdog_) watchdog_->also_cancel(nullptr);
    }
    AlsoCancelled(const AlsoCancelled&) = delete;
    AlsoCancelled& operator=(const AlsoCancelled&) = delete;

   private:
    Watchdog* watchdog_;
  };
  /// Stops watching, as destruction does: the wait is over as far as the client is concerned (it has its
  /// whole answer), so neither its leaving nor the deadline stops what remains.
  void dismiss();
  /// Why the wait was stopped; none while it was not.
  WatchdogStop stopped() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace llmroute::proxy
