// Test support: run a command to its end, and read back the files it wrote.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace llmroute::test {

/// The bytes of the file at `path`; empty when it is missing or empty.
std::string read_text_file(const std::filesystem::path& path);

/// How a command run to its end went: its exit status (128 + the signal when one killed it) and what it wrote.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs `program ARGS...` (stdin inherited) with its stdout and stderr in the files `stdout` and `stderr` of `dir`,
/// and waits for it to end; a failed REQUIRE when it is still running after `timeout` (the child is then stopped).
CommandResult run_to_end(const std::filesystem::path& dir, const std::filesystem::path& program,
                         std::vector<std::string> args, std::chrono::milliseconds timeout);

/// run_to_end of `llmroute ARGS...`.
CommandResult run_llmroute(const std::filesystem::path& dir, std::vector<std::string> args,
                           std::chrono::milliseconds timeout);

}  // namespace llmroute::test
