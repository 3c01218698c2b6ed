// posix_spawn of this binary, stop with a grace period, and waiting for the port a child reports.
#include "demo/subprocess.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace llmroute::demo {

namespace {

constexpr auto kPoll = std::chrono::milliseconds(10);

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

Subprocess::Subprocess(std::vector<std::string> args, const std::filesystem::path& stdout_path,
                       const std::filesystem::path& stderr_path) {
  const std::string program = std::filesystem::read_symlink("/proc/self/exe").string();
  args.insert(args.begin(), program);
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int result = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (result != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot start " + program + " " + args.at(1) + ": " + std::strerror(result));
  }
}

Subprocess::~Subprocess() { stop(std::chrono::seconds(5)); }

bool Subprocess::running() {
  if (pid_ < 0 || exit_code_) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    exit_code_ = exit_code_of(status);
    return false;
  }
  return true;
}

int Subprocess::stop(std::chrono::milliseconds grace) {
  if (!running()) return exit_code_.value_or(-1);
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (running() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(kPoll);
  if (running()) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    exit_code_ = exit_code_of(status);
  }
  return *exit_code_;
}

std::optional<std::uint16_t> wait_for_port(const std::filesystem::path& path, const std::string& prefix,
                                           Subprocess& process, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline && process.running()) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    const std::string content = text.str();
    const std::size_t at = content.find(prefix);
    if (at != std::string::npos) {
      const std::size_t digits = at + prefix.size();
      const std::size_t end = content.find_first_not_of("0123456789", digits);
      // The number is complete once something follows it (simulate ends its port file with a newline).
      if (end != std::string::npos && end > digits) return static_cast<std::uint16_t>(std::stoul(content.substr(digits, end - digits)));
    }
    std::this_thread::sleep_for(kPoll);
  }
  return std::nullopt;
}

}  // namespace llmroute::demo
