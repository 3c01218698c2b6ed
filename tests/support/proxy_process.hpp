// Test support: a `llmroute serve` child process on a free loopback port, with its config written for it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "support/child_process.hpp"

namespace llmroute::test {

/// Writes `config_yaml` to a scratch file, starts `llmroute serve --config FILE --listen 127.0.0.1:0`
/// and waits (with a deadline) for its "llmroute listening on HOST:PORT" line; stops it on destruction.
class ProxyProcess {
 public:
  explicit ProxyProcess(const std::string& config_yaml, std::vector<std::string> extra_env = {});

  std::uint16_t port() const { return port_; }
  /// "http://127.0.0.1:PORT".
  std::string base_url() const;
  /// What the proxy wrote to stderr so far (for failure messages).
  std::string stderr_text() const;
  const std::filesystem::path& config_path() const { return config_path_; }
  ChildProcess& process() { return child_; }

 private:
  TempDir dir_;
  std::filesystem::path config_path_;
  ChildProcess child_;
  std::uint16_t port_ = 0;
};

/// Reads "llmroute listening on HOST:PORT (…)" from `stdout_path` once the line is complete.
/// Throws std::runtime_error at the deadline, or as soon as `child` exits.
std::uint16_t wait_for_listening_line(const std::filesystem::path& stdout_path, std::chrono::milliseconds timeout,
                                      ChildProcess& child);

/// Sends `request` (raw bytes) on a fresh loopback connection to `port` and returns every byte the
/// server sends until it closes the connection or `timeout` passes — for requests HttpClient cannot
/// express (chunked uploads, malformed request lines). `closed` tells whether the server closed.
struct RawExchange {
  std::string received;
  bool closed = false;       ///< the server closed (FIN or reset) before the deadline
  bool reset = false;        ///< the connection was reset (RST) rather than closed in order
  bool connected = false;
};
RawExchange raw_exchange(std::uint16_t port, const std::string& request, std::chrono::milliseconds timeout);

/// A blocking TCP socket connected to 127.0.0.1:`port`, or -1 when the connection failed (the caller closes it).
int connect_loopback(std::uint16_t port);

}  // namespace llmroute::test
