// An asynchronous Redis client on Asio: one connection, pipelined commands, reconnection in the background.
//
// Why hiredis's reader and not its async context (redisAsyncContext): the async context owns the
// socket and wants an event-library adapter (hooks to add/remove read and write interest), and its
// connect resolves host names with a blocking getaddrinfo. Here Asio owns the socket: connect (with a
// deadline), reads and writes are ordinary awaitable operations on the proxy's I/O thread, and
// hiredis does what it is good at, turning bytes into replies (redisReader). Commands are written in
// RESP by hand (a few lines) straight into the pending output buffer, so a burst of commands from many
// requests leaves in one write: that is the pipelining.
#pragma once

#include "policies/redis/redis_reply.hpp"
#include "proxy/asio.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct redisReader;

namespace llmroute::policies {

struct RedisClientOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  unsigned db = 0;
  std::chrono::milliseconds connect_timeout{1000};  ///< connect and handshake (SELECT) together
  std::chrono::milliseconds command_timeout{1000};  ///< a reply later than this counts as Redis being down
  std::chrono::milliseconds reconnect_initial{100};  ///< first pause after a failure; doubles on each failure
  std::chrono::milliseconds reconnect_max{5000};     ///< cap of the doubling
};

/// A Lua script with its SHA1, for EVALSHA.
struct RedisScript {
  explicit RedisScript(std::string text);
  std::string text;
  std::string sha1;  ///< lowercase hex
};

/// The connection state, for metrics and logs.
enum class RedisLink { connecting, up, down, stopped };

/// One Redis connection shared by every coroutine on one executor (single-threaded: every call must be
/// made on that executor's thread). Commands are pipelined: each call appends to one output buffer and
/// waits for its own reply, which Redis sends in order. Nothing blocks: while Redis is down, commands
/// fail at once with RedisUnavailable; the only exception is the very first connection attempt, during
/// which commands wait for it (so a proxy that starts beside its Redis does not fail its first requests).
/// A command whose reply takes longer than `command_timeout` after it was written is answered
/// RedisUnavailable and the connection is dropped (a Redis that stopped answering is treated like one that
/// is gone). The time counts from the write, and replies already in the socket count as answered, so a
/// process too busy to send or read for a while does not mistake a healthy Redis for a dead one. After any
/// failure the client reconnects in the background, pausing reconnect_initial, doubled on every failed
/// attempt up to reconnect_max, with ±20 % jitter so several proxies do not reconnect in lock step.
/// Each outage is logged once on stderr when it starts and once when it ends.
class RedisClient {
 public:
  RedisClient(asio::any_io_executor executor, RedisClientOptions options);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  /// Starts connecting in the background.
  void start();
  /// Closes the connection and stops reconnecting; waiting commands get RedisUnavailable. The executor
  /// must run once more (the background coroutine ends) before the client is destroyed.
  void stop();

  /// Sends one command (each argument anything convertible to std::string_view); the awaitable yields its
  /// reply. The arguments are formatted at once, before the first suspension. (A variadic function and not
  /// an initializer_list: GCC 12 cannot compile an initializer_list temporary inside `co_await`.)
  template <typename... Args>
  awaitable<RedisResult> command(const Args&... args) {
    const std::array<std::string_view, sizeof...(Args)> views{std::string_view(args)...};
    return command_list(views);
  }
  /// The same with the arguments in a list.
  awaitable<RedisResult> command_list(std::span<const std::string_view> args);
  /// Sends one command and ignores its reply (and whether it arrives).
  template <typename... Args>
  void send(const Args&... args) {
    const std::array<std::string_view, sizeof...(Args)> views{std::string_view(args)...};
    enqueue(views, nullptr);
  }
  /// Runs a Lua script: EVALSHA, and on NOSCRIPT (a restarted or flushed Redis) SCRIPT LOAD followed by
  /// EVALSHA again, pipelined in one write. Like command(), the EVALSHA is queued at once (so a later
  /// command on this client runs after it, even when nobody awaits the script's reply).
  awaitable<RedisResult> eval(const RedisScript* script, std::span<const std::string> keys, std::span<const std::string> args);
  /// eval() whose reply nobody waits for (the NOSCRIPT retry still happens in the background): queued at
  /// once, in order with every later command of this client.
  void eval_detached(const RedisScript* script, std::span<const std::string> keys, std::span<const std::string> args);

  RedisLink link() const { return link_; }
  bool up() const { return link_ == RedisLink::up; }
  /// Outages since start: failed first connections and lost connections, each counted once until
  /// the next successful connection.
  std::uint64_t outages() const { return outages_; }
  /// "redis 127.0.0.1:6379/0", for messages.
  const std::string& name() const { return name_; }
  const asio::any_io_executor& executor() const { return executor_; }

 private:
  struct Pending {
    std::optional<RedisResult> result;
    asio::steady_timer* waiter = nullptr;  ///< the waiting coroutine's timer; null while nobody waits
    std::optional<std::chrono::steady_clock::time_point> written;  ///< when the write carrying it completed
  };
  using PendingPtr = std::shared_ptr<Pending>;
  struct ReaderDeleter {
    void operator()(redisReader* reader) const;
  };

  /// Formats one command into the output buffer and queues its reply slot (null: reply ignored).
  /// Returns false (and queues nothing) when Redis is down.
  bool enqueue(std::span<const std::string_view> args, PendingPtr pending);
  awaitable<RedisResult> wait_reply(PendingPtr pending);
  /// Whether a reply not yet delivered may still come in time: its command is not written yet (this
  /// process is behind, not Redis), it was written less than command_timeout ago, or bytes wait unread.
  bool worth_waiting(const Pending& pending);
  awaitable<RedisResult> finish_eval(const RedisScript* script, std::vector<std::string> call, awaitable<RedisResult> first);
  awaitable<RedisResult> fail_now();
  static awaitable<void> discard_reply(awaitable<RedisResult> call);
  void deliver(std::optional<RedisResult> result);
  void fail_all(const std::string& why);
  void drop_connection(std::string why);
  /// Counts and logs the start of an outage (once until the next successful connection).
  void note_outage(const std::string& why);

  awaitable<void> run();
  awaitable<std::string> open_connection();
  awaitable<std::string> establish(std::vector<tcp::endpoint> endpoints);
  awaitable<std::string> read_loop();
  awaitable<std::string> write_loop();
  std::chrono::milliseconds jittered(std::chrono::milliseconds pause);

  asio::any_io_executor executor_;
  RedisClientOptions options_;
  std::string name_;
  tcp::socket socket_;
  std::unique_ptr<redisReader, ReaderDeleter> reader_;
  std::string out_;                  ///< formatted commands not yet handed to a write
  std::deque<PendingPtr> awaiting_;  ///< reply slots in the order Redis answers (null: reply ignored)
  std::size_t unwritten_ = 0;        ///< how many of awaiting_ (the last ones) are still in out_
  asio::steady_timer wake_writer_;
  asio::steady_timer pause_;
  RedisLink link_ = RedisLink::connecting;
  bool in_outage_ = false;
  std::uint64_t outages_ = 0;
  std::string drop_reason_;  ///< why this side dropped the connection (timeout, stop), over the socket error
  std::string down_reason_;  ///< why the last connection or attempt failed, for commands refused while down
  std::chrono::steady_clock::time_point outage_started_;
  std::minstd_rand jitter_;
};

}  // namespace llmroute::policies
