// Test support: a `llmroute serve` child process on a free loopback port, with its config written for it.
#include "support/proxy_process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

namespace llmroute::test {
namespace {

using Clock = std::chrono::steady_clock;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::filesystem::path write_config(const TempDir& dir, const std::string& yaml) {
  const auto path = dir / "config.yaml";
  std::ofstream(path) << yaml;
  return path;
}

ChildProcessOptions proxy_options(const TempDir& dir, const std::filesystem::path& config,
                                  std::vector<std::string> extra_env) {
  ChildProcessOptions options;
  options.program = LLMROUTE_BINARY;
  options.args = {"serve", "--config", config.string(), "--listen", "127.0.0.1:0"};
  options.extra_env = std::move(extra_env);
  options.stdout_path = dir / "stdout";
  options.stderr_path = dir / "stderr";
  return options;
}

/// Milliseconds left until `deadline`, at least 0, for poll().
int millis_until(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

}  // namespace

std::uint16_t wait_for_listening_line(const std::filesystem::path& stdout_path, std::chrono::milliseconds timeout,
                                      ChildProcess& child) {
  static constexpr std::string_view kPrefix = "llmroute listening on ";
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const std::string text = read_file(stdout_path);
    const auto at = text.find(kPrefix);
    const auto end = at == std::string::npos ? std::string::npos : text.find('\n', at);
    if (end != std::string::npos) {
      const std::string address = text.substr(at + kPrefix.size(), text.find(' ', at + kPrefix.size()) - at - kPrefix.size());
      const int port = std::atoi(address.substr(address.rfind(':') + 1).c_str());
      if (port <= 0 || port >= 65536) throw std::runtime_error("cannot read the port from: " + text);
      return static_cast<std::uint16_t>(port);
    }
    if (!child.running()) throw std::runtime_error("llmroute serve exited before it listened");
    if (Clock::now() >= deadline) throw std::runtime_error("timed out waiting for llmroute serve to listen");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

ProxyProcess::ProxyProcess(const std::string& config_yaml, std::vector<std::string> extra_env)
    : config_path_(write_config(dir_, config_yaml)), child_(proxy_options(dir_, config_path_, std::move(extra_env))) {
  try {
    port_ = wait_for_listening_line(dir_ / "stdout", std::chrono::seconds(20), child_);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(e.what()) + "; stderr: " + stderr_text());
  }
}

std::string ProxyProcess::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string ProxyProcess::stderr_text() const { return read_file(dir_ / "stderr"); }

int connect_loopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

RawExchange raw_exchange(std::uint16_t port, const std::string& request, std::chrono::milliseconds timeout) {
  RawExchange result;
  const auto deadline = Clock::now() + timeout;
  const int fd = connect_loopback(port);
  if (fd < 0) return result;
  result.connected = true;
  std::size_t sent = 0;
  char buffer[16 * 1024];
  // Write and read interleaved, so a server that answers before reading everything is still heard.
  while (Clock::now() < deadline) {
    pollfd p{fd, static_cast<short>(POLLIN | (sent < request.size() ? POLLOUT : 0)), 0};
    if (::poll(&p, 1, millis_until(deadline)) <= 0) continue;
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        result.received.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0 || errno != EINTR) {
        result.closed = true;
        result.reset = n < 0 && errno == ECONNRESET;
        break;
      }
    }
    if ((p.revents & POLLOUT) && sent < request.size()) {
      const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) sent += static_cast<std::size_t>(n);
      else if (errno != EAGAIN && errno != EINTR) sent = request.size();  // the server stopped reading
    }
  }
  ::close(fd);
  return result;
}

}  // namespace llmroute::test
