// Test support: a loopback backend that answers with bytes a test scripts, to see what the proxy makes of
// backends that break HTTP or their API's format.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace llmroute::test {

/// One scripted answer: `bytes` written as they are (head and body, any framing), then what the backend does.
struct ScriptedAnswer {
  enum class Then {
    close,      ///< close the connection
    keep_open,  ///< read the next request on the same connection
    hang,       ///< say nothing more and keep the connection until the proxy closes it
  };
  std::string bytes;
  Then then = Then::close;
  /// Written `pause` after `bytes`, when not empty: the proxy has read `bytes` and waits by then, so `later`
  /// and what follows it arrive together (a close in the same packet as `later`).
  std::string later = {};
  std::chrono::milliseconds pause{50};
};

/// Listens on a free loopback port from construction; each request read (head and Content-Length body)
/// gets the next answer of the script, the last one repeating. Stops (and closes every connection) on
/// destruction.
class ScriptedBackend {
 public:
  explicit ScriptedBackend(std::vector<ScriptedAnswer> script);
  ~ScriptedBackend();
  ScriptedBackend(const ScriptedBackend&) = delete;
  ScriptedBackend& operator=(const ScriptedBackend&) = delete;

  std::uint16_t port() const { return port_; }
  /// "http://127.0.0.1:PORT/v1", a backend's `url:`.
  std::string url() const;
  /// Requests read so far.
  int requests() const { return requests_.load(); }
  /// Connections accepted so far.
  int connections() const { return connections_.load(); }

 private:
  void accept_loop();
  void serve(int fd);
  ScriptedAnswer next_answer();

  std::vector<ScriptedAnswer> script_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  std::atomic<int> connections_{0};
  std::mutex mutex_;  ///< guards open_fds_ and workers_
  std::vector<int> open_fds_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

}  // namespace llmroute::test
