// Test support: a redis-server child process on a free loopback port.
#include "support/redis_server_process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace llmroute::test {

namespace {

constexpr auto kStartDeadline = std::chrono::seconds(10);
constexpr auto kPollInterval = std::chrono::milliseconds(5);

/// A port the kernel considers free right now (bound to 0, read back, released).
std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot find a free loopback port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

/// Connects to 127.0.0.1:port, sends `line`, returns the first line of the answer ("" when none).
std::string exchange_line(std::uint16_t port, const std::string& line) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  timeval timeout{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string request = line + "\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
      char c = 0;
      while (::recv(fd, &c, 1, 0) == 1 && c != '\n') answer += c;
      if (!answer.empty() && answer.back() == '\r') answer.pop_back();
    }
  }
  ::close(fd);
  return answer;
}

}  // namespace

RedisServerProcess::RedisServerProcess(std::string requirepass) : requirepass_(std::move(requirepass)) {
  for (int attempt = 0; attempt < 5; ++attempt)
    if (start_on(free_loopback_port())) return;
  throw std::runtime_error("redis-server did not start on a free port (5 attempts)");
}

std::string RedisServerProcess::url(unsigned db) const {
  return "redis://127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db);
}

bool RedisServerProcess::start_on(std::uint16_t port) {
  ChildProcessOptions options;
  // Through setpriv (util-linux, always there): the server is killed with the test process even when that
  // one dies without running destructors (an ASan abort, a crash), so no redis-server outlives a test run.
  options.program = "/usr/bin/setpriv";
  options.args = {"--pdeathsig", "KILL", "/usr/bin/redis-server", "--port", std::to_string(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                  "--dir", dir_.path().string(), "--loglevel", "warning"};
  if (!requirepass_.empty()) options.args.insert(options.args.end(), {"--requirepass", requirepass_});
  options.stdout_path = dir_ / "redis.log";
  child_.reset();
  child_.emplace(options);
  port_ = port;
  const auto deadline = std::chrono::steady_clock::now() + kStartDeadline;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!child_->running()) return false;
    // A server with requirepass is up as soon as it refuses the PING for want of a password.
    const std::string answer = exchange_line(port, "PING");
    if (answer == "+PONG" || answer.starts_with("-NOAUTH")) return true;
    std::this_thread::sleep_for(kPollInterval);
  }
  throw std::runtime_error("redis-server on port " + std::to_string(port) + " did not answer PING within 10 s");
}

void RedisServerProcess::kill() {
  child_->send_signal(SIGKILL);
  if (!child_->wait_for_exit(kStartDeadline)) throw std::runtime_error("redis-server survived SIGKILL");
}

void RedisServerProcess::restart() {
  if (!start_on(port_)) throw std::runtime_error("redis-server could not start again on port " + std::to_string(port_));
}

std::string RedisServerProcess::query(const std::string& inline_command) const { return exchange_line(port_, inline_command); }

}  // namespace llmroute::test
