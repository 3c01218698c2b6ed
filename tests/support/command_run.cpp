// Test support: run a command to its end, and read back the files it wrote.
#include "support/command_run.hpp"

#include "support/child_process.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <utility>

namespace llmroute::test {

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

CommandResult run_to_end(const std::filesystem::path& dir, const std::filesystem::path& program,
                         std::vector<std::string> args, std::chrono::milliseconds timeout) {
  ChildProcess child(ChildProcessOptions{program, std::move(args), {}, dir / "stdout", dir / "stderr"});
  const std::optional<int> exit_code = child.wait_for_exit(timeout);
  REQUIRE_MESSAGE(exit_code.has_value(), program.filename().string() << " did not end: " << read_text_file(dir / "stderr"));
  return {*exit_code, read_text_file(dir / "stdout"), read_text_file(dir / "stderr")};
}

CommandResult run_llmroute(const std::filesystem::path& dir, std::vector<std::string> args,
                           std::chrono::milliseconds timeout) {
  return run_to_end(dir, LLMROUTE_BINARY, std::move(args), timeout);
}

}  // namespace llmroute::test
