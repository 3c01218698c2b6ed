// Test support: a real `redis-server` child process on a free loopback port, with nothing persisted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "support/child_process.hpp"

namespace llmroute::test {

/// Starts `redis-server --port N --bind 127.0.0.1 --save '' --appendonly no` in a scratch directory and
/// waits (with a deadline) until it answers PING; stops it on destruction, and the kernel kills it if the
/// test process dies first (setpriv --pdeathsig). kill() and restart() let a test take Redis away in the
/// middle and bring it back on the same port, empty, as a crash would.
class RedisServerProcess {
 public:
  /// On a free port (chosen by the kernel, retried if another process takes it first); with `requirepass`, a
  /// server that answers every command without AUTH with NOAUTH.
  explicit RedisServerProcess(std::string requirepass = {});

  std::uint16_t port() const { return port_; }
  /// "redis://127.0.0.1:PORT/DB", as the config's quota_store takes it.
  std::string url(unsigned db = 0) const;
  /// SIGKILL, and wait until it is gone (the port refuses connections afterwards).
  void kill();
  /// Starts a fresh (empty) server on the same port and waits until it answers.
  void restart();
  /// Sends one command line (inline protocol) on a fresh connection and returns the first reply line.
  std::string query(const std::string& inline_command) const;
  ChildProcess& process() { return *child_; }

 private:
  /// Starts the server on `port`; false when it exited at once (the port was taken).
  bool start_on(std::uint16_t port);

  TempDir dir_;
  std::string requirepass_;
  std::optional<ChildProcess> child_;
  std::uint16_t port_ = 0;
};

}  // namespace llmroute::test
