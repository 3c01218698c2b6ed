// Runs one program to completion with a deadline: its own process group, stdin /dev/null, output to files.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace llmroute::benchmark {

struct ChildRunSpec {
  std::vector<std::string> argv;         ///< argv[0] is an absolute path (no PATH search)
  std::vector<std::string> env;          ///< the whole environment, "NAME=value"
  std::filesystem::path cwd;
  std::filesystem::path stdout_path;     ///< created or truncated
  std::filesystem::path stderr_path;
  std::chrono::milliseconds timeout{10'000};
  std::uint64_t max_file_bytes = 16u << 20;  ///< RLIMIT_FSIZE: a program writing more is killed by SIGXFSZ
};

struct ChildRunResult {
  std::optional<int> exit_status;  ///< set when the program exited by itself
  std::optional<int> signal;       ///< set when a signal ended it (SIGKILL after a timeout included)
  bool timed_out = false;
  std::string error;               ///< the program could not be started; nothing ran
  double elapsed_ms = 0;
};

/// Starts `spec.argv` in a new process group with stdin on /dev/null and no file descriptors but 0–2,
/// waits at most `spec.timeout` (a pidfd polled with the deadline, so no busy wait), then kills the whole
/// group — also after a normal exit, so nothing the program started in the background outlives it.
ChildRunResult run_child(const ChildRunSpec& spec);

}  // namespace llmroute::benchmark
