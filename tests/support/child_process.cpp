// Test support: start a program as a child process, wait for the port it reports, stop it.
#include "support/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <utility>

extern char** environ;

namespace llmroute::test {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(5);

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  // mkdtemp replaces the trailing six X's of its template.
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/llmroute-test-" + std::string(6, 'X');
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed: " + std::string(std::strerror(errno)));
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

ChildProcess::ChildProcess(const ChildProcessOptions& options) {
  std::vector<std::string> argv_storage;
  argv_storage.push_back(options.program.string());
  argv_storage.insert(argv_storage.end(), options.args.begin(), options.args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);

  // An extra entry replaces an inherited one of the same name: getenv() would find the inherited one first.
  auto overridden = [&options](std::string_view entry) {
    const std::string_view name = entry.substr(0, entry.find('='));
    for (const std::string& extra : options.extra_env)
      if (std::string_view(extra).substr(0, extra.find('=')) == name) return true;
    return false;
  };
  std::vector<std::string> env_storage;
  for (char** entry = environ; *entry != nullptr; ++entry)
    if (!overridden(*entry)) env_storage.emplace_back(*entry);
  env_storage.insert(env_storage.end(), options.extra_env.begin(), options.extra_env.end());
  std::vector<char*> envp;
  for (auto& entry : env_storage) envp.push_back(entry.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!options.stdout_path.empty()) {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, options.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
  }
  if (!options.stderr_path.empty()) {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, options.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
  }
  const int result = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (result != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot start " + options.program.string() + ": " + std::strerror(result));
  }
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), exit_code_(other.exit_code_) {}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) stop();
}

bool ChildProcess::reap(int options) {
  if (exit_code_) return true;
  int status = 0;
  const pid_t result = waitpid(pid_, &status, options);
  if (result == pid_) {
    exit_code_ = exit_code_of(status);
    return true;
  }
  return false;
}

bool ChildProcess::running() { return pid_ > 0 && !reap(WNOHANG); }

void ChildProcess::send_signal(int signal) {
  if (running()) ::kill(pid_, signal);
}

std::optional<int> ChildProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!reap(WNOHANG)) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kPollInterval);
  }
  return exit_code_;
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return -1;
  send_signal(SIGTERM);
  if (const auto code = wait_for_exit(grace)) return *code;
  ::kill(pid_, SIGKILL);
  reap(0);
  return exit_code_.value_or(-1);
}

std::uint16_t wait_for_port_file(const std::filesystem::path& path, std::chrono::milliseconds timeout,
                                 ChildProcess* child) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!text.empty() && text.back() == '\n') {
      const int port = std::atoi(text.c_str());
      if (port > 0 && port < 65536) return static_cast<std::uint16_t>(port);
    }
    if (child != nullptr && !child->running()) {
      throw std::runtime_error("the child process exited before writing " + path.string());
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      throw std::runtime_error("timed out waiting for port file " + path.string());
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

}  // namespace llmroute::test
