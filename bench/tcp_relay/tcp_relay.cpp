// llmroute-tcp-relay: the floor for the overhead benchmark — a one-thread epoll relay that copies bytes
// between each client connection and its own upstream connection and does nothing else (no HTTP).
//
// What any proxy on the benchmark's core 0 pays at least: two extra loopback hops and the wake-ups of a
// sleeping thread (or, polling, the CPU to stay awake). The overhead table lists it next to nginx so that "added TTFT" can be read against
// the least a relay can add on this machine. bench/wake_cliff.sh adds SPIN_US of busy work per forward to
// show what a proxy's own time per forward costs on top (more than itself, once the other core has gone idle).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <string_view>
#include <vector>

namespace {

int usage(int status) {
  std::fputs("usage: llmroute-tcp-relay LISTEN_PORT UPSTREAM_PORT [BUSY_POLL_US [SPIN_US]]\n\n"
             "Relays every connection to 127.0.0.1:LISTEN_PORT to a connection of its own to\n"
             "127.0.0.1:UPSTREAM_PORT, copying bytes both ways, until either side closes.\n"
             "With BUSY_POLL_US > 0 it polls instead of sleeping for that long after any bytes\n"
             "moved (more than llmroute's server.busy_poll_us, which polls only when bytes are due).\n"
             "With SPIN_US > 0 it spins that long after each read before forwarding the bytes:\n"
             "a stand-in for a proxy's own work per forward (bench/wake_cliff.sh).\n",
             status == 0 ? stdout : stderr);
  return status;
}

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

int port_of(const char* text) {
  char* end = nullptr;
  const long port = std::strtol(text, &end, 10);
  return (*end == '\0' && port > 0 && port < 65536) ? static_cast<int>(port) : -1;
}

/// Parses a count of microseconds in 0..max into *out, or says what is wrong.
bool microseconds_of(const char* text, const char* name, long max, long* out) {
  char* end = nullptr;
  *out = std::strtol(text, &end, 10);
  if (*end == '\0' && end != text && *out >= 0 && *out <= max) return true;
  std::fprintf(stderr, "llmroute-tcp-relay: %s '%s' is not a number of microseconds (0-%ld)\n", name, text, max);
  return false;
}

/// Spins for `us` microseconds: work the relay pretends to do, on the CPU, without sleeping.
void spin_for(long us) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(us);
  while (std::chrono::steady_clock::now() < until) {
  }
}

/// Writes all of `data` to `fd` (blocking: loopback buffers hold a whole benchmark answer).
bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) return usage(0);
  if (argc < 3 || argc > 5) {
    std::fprintf(stderr, "llmroute-tcp-relay: expects 2 to 4 arguments, got %d\n", argc - 1);
    return usage(2);
  }
  long poll_us = 0, spin_us = 0;
  if (argc >= 4 && !microseconds_of(argv[3], "BUSY_POLL_US", 10'000, &poll_us)) return usage(2);
  if (argc == 5 && !microseconds_of(argv[4], "SPIN_US", 10'000, &spin_us)) return usage(2);
  for (int i = 1; i <= 2; ++i) {
    if (port_of(argv[i]) < 0) {
      std::fprintf(stderr, "llmroute-tcp-relay: '%s' is not a port (1-65535)\n", argv[i]);
      return usage(2);
    }
  }
  const sockaddr_in listen_address = loopback(port_of(argv[1]));
  const sockaddr_in upstream_address = loopback(port_of(argv[2]));

  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  const int on = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (::bind(listener, reinterpret_cast<const sockaddr*>(&listen_address), sizeof listen_address) != 0 ||
      ::listen(listener, 4096) != 0) {
    std::fprintf(stderr, "llmroute-tcp-relay: cannot listen on port %s: %s\n", argv[1], std::strerror(errno));
    return 1;
  }
  const int epoll = ::epoll_create1(0);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = listener;
  ::epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &event);

  std::vector<int> peer;  // peer[fd]: the other end of fd's pair, -1 when fd is not a relayed socket
  std::vector<char> buffer(64 * 1024);
  std::vector<epoll_event> ready(256);
  using Clock = std::chrono::steady_clock;
  Clock::time_point poll_until{};
  for (;;) {
    const bool polling = poll_us > 0 && Clock::now() < poll_until;
    const int count = ::epoll_wait(epoll, ready.data(), static_cast<int>(ready.size()), polling ? 0 : -1);
    if (count < 0 && errno == EINTR) continue;
    if (count > 0 && poll_us > 0) poll_until = Clock::now() + std::chrono::microseconds(poll_us);
    for (int i = 0; i < count; ++i) {
      const int fd = ready[i].data.fd;
      if (fd == listener) {
        const int client = ::accept4(listener, nullptr, nullptr, 0);
        if (client < 0) continue;
        const int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
        if (::connect(upstream, reinterpret_cast<const sockaddr*>(&upstream_address), sizeof upstream_address) != 0) {
          ::close(client);
          ::close(upstream);
          continue;
        }
        for (const int s : {client, upstream}) {
          ::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
          if (peer.size() <= static_cast<std::size_t>(s)) peer.resize(static_cast<std::size_t>(s) + 1, -1);
          event.data.fd = s;
          ::epoll_ctl(epoll, EPOLL_CTL_ADD, s, &event);
        }
        peer[static_cast<std::size_t>(client)] = upstream;
        peer[static_cast<std::size_t>(upstream)] = client;
        continue;
      }
      const int other = peer[static_cast<std::size_t>(fd)];
      if (other < 0) continue;  // closed earlier in this batch
      const ssize_t n = ::read(fd, buffer.data(), buffer.size());
      if (n > 0 && spin_us > 0) spin_for(spin_us);
      if (n > 0 && write_all(other, buffer.data(), static_cast<std::size_t>(n))) continue;
      if (n < 0 && errno == EINTR) continue;
      peer[static_cast<std::size_t>(fd)] = peer[static_cast<std::size_t>(other)] = -1;
      ::close(fd);
      ::close(other);
    }
  }
}
