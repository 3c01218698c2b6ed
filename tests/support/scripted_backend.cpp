// Test support: a thread per connection reading requests and writing the scripted answers.
#include "support/scripted_backend.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace llmroute::test {
namespace {

/// The Content-Length of a request head (0 when absent).
std::size_t content_length(const std::string& head) {
  std::string lower(head);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto at = lower.find("\r\ncontent-length:");
  if (at == std::string::npos) return 0;
  return std::stoul(lower.substr(at + 17));
}

/// Reads one request into nothing (its bytes are not needed); false when the connection ended first.
bool read_request(int fd, std::string& pending, const std::atomic<bool>& stopping) {
  for (;;) {
    const auto head_end = pending.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      const std::size_t total = head_end + 4 + content_length(pending.substr(0, head_end + 2));
      if (pending.size() >= total) {
        pending.erase(0, total);
        return true;
      }
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) == 0) {
      if (stopping) return false;
      continue;
    }
    char buffer[16 * 1024];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    pending.append(buffer, static_cast<std::size_t>(n));
  }
}

void write_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

}  // namespace

ScriptedBackend::ScriptedBackend(std::vector<ScriptedAnswer> script) : script_(std::move(script)) {
  if (script_.empty()) throw std::invalid_argument("ScriptedBackend needs at least one answer");
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw std::runtime_error("ScriptedBackend cannot listen on a loopback port");
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

ScriptedBackend::~ScriptedBackend() {
  stopping_ = true;
  acceptor_.join();
  {
    std::lock_guard lock(mutex_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& worker : workers_) worker.join();
  ::close(listen_fd_);
}

std::string ScriptedBackend::url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

ScriptedAnswer ScriptedBackend::next_answer() {
  const int index = requests_++;
  return script_[std::min<std::size_t>(static_cast<std::size_t>(index), script_.size() - 1)];
}

void ScriptedBackend::accept_loop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ++connections_;
    std::lock_guard lock(mutex_);
    open_fds_.push_back(fd);
    workers_.emplace_back([this, fd] { serve(fd); });
  }
}

void ScriptedBackend::serve(int fd) {
  std::string pending;
  while (read_request(fd, pending, stopping_)) {
    const ScriptedAnswer answer = next_answer();
    write_all(fd, answer.bytes);
    if (!answer.later.empty()) {
      std::this_thread::sleep_for(answer.pause);  // shapes the backend's timing; nothing waits on it
      // With a close to follow, `later` is held back (TCP_CORK) until the close, whose FIN then rides in the
      // same packet: the proxy cannot see the bytes without the close.
      const int one = 1;
      if (answer.then == ScriptedAnswer::Then::close) ::setsockopt(fd, IPPROTO_TCP, TCP_CORK, &one, sizeof one);
      write_all(fd, answer.later);
    }
    if (answer.then == ScriptedAnswer::Then::keep_open) continue;
    if (answer.then == ScriptedAnswer::Then::hang) {
      char sink[4096];
      for (;;) {  // until the proxy closes (or the backend stops)
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 50) == 0) {
          if (stopping_) break;
          continue;
        }
        if (::recv(fd, sink, sizeof sink, 0) <= 0) break;
      }
    }
    break;
  }
  ::shutdown(fd, SHUT_RDWR);
  std::lock_guard lock(mutex_);
  // Closed under the lock so that the destructor never shuts down a number reused by a later socket.
  open_fds_.erase(std::find(open_fds_.begin(), open_fds_.end(), fd));
  ::close(fd);
}

}  // namespace llmroute::test
