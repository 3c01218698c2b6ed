// A child process running this same binary (`llmroute simulate`, `llmroute serve`) for the demo.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace llmroute::demo {

/// Starts /proc/self/exe with `args`, its stdout and stderr in files; stops it on destruction (SIGTERM, a grace
/// period, then SIGKILL) so the demo never leaves a server behind.
class Subprocess {
 public:
  /// Throws std::runtime_error when the process cannot be started (startup only).
  Subprocess(std::vector<std::string> args, const std::filesystem::path& stdout_path,
             const std::filesystem::path& stderr_path);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  /// True while the process has not exited.
  bool running();
  /// SIGTERM, then up to `grace` for it to exit, then SIGKILL. Returns the exit code, or 128 + the signal.
  int stop(std::chrono::milliseconds grace);

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

/// Waits until `path` holds text after which `prefix` is followed by a port ("PORT\n" for simulate's --port-file
/// with an empty prefix, "llmroute listening on 127.0.0.1:PORT" for serve). Nullopt when the deadline passes or
/// `process` exits first.
std::optional<std::uint16_t> wait_for_port(const std::filesystem::path& path, const std::string& prefix,
                                           Subprocess& process, std::chrono::milliseconds timeout);

}  // namespace llmroute::demo
