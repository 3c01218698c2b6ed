// Test support: start a program as a child process, wait for the port it reports, stop it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace llmroute::test {

/// A scratch directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct ChildProcessOptions {
  std::filesystem::path program;
  std::vector<std::string> args;       ///< without argv[0]
  std::vector<std::string> extra_env;  ///< "NAME=value" entries added to the inherited environment, replacing inherited ones of the same name
  std::filesystem::path stdout_path;   ///< empty: inherit the test's stdout
  std::filesystem::path stderr_path;   ///< empty: inherit the test's stderr
};

/// A running child process. The destructor stops it: SIGTERM, up to five seconds' grace, then
/// SIGKILL, and reaps it, so a failing test never leaves a server behind.
class ChildProcess {
 public:
  /// Starts the program with posix_spawn; throws std::runtime_error when it cannot.
  explicit ChildProcess(const ChildProcessOptions& options);
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  /// True while the process has not exited (reaps it if it has).
  bool running();

  /// Sends `signal` (SIGTERM, SIGINT, SIGSTOP, ...) if the process is still running.
  void send_signal(int signal);

  /// Waits up to `timeout` for the process to exit. Returns its exit code, or 128 + the signal
  /// that killed it; nullopt if it is still running at the deadline.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);

  /// Stops the process now (SIGTERM, grace period, SIGKILL) and returns how it ended.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  bool reap(int options);

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

/// Waits until `path` holds a port number followed by a newline, as `--port-file` writes it.
/// Throws std::runtime_error at the deadline, or as soon as `child` (when given) exits.
std::uint16_t wait_for_port_file(const std::filesystem::path& path, std::chrono::milliseconds timeout,
                                 ChildProcess* child = nullptr);

}  // namespace llmroute::test
