// Parses a HOST:PORT listen address.
#include "config/host_port.hpp"

#include <charconv>

namespace llmroute::config {

std::optional<HostPort> parse_host_port(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  unsigned port = 0;
  const char* end = text.data() + text.size();
  const auto [last, ec] = std::from_chars(text.data() + colon + 1, end, port);
  if (ec != std::errc{} || last != end || colon + 1 == text.size() || port > 65535) return std::nullopt;
  std::string host(text.substr(0, colon));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return HostPort{host.empty() ? "127.0.0.1" : host, static_cast<std::uint16_t>(port)};
}

std::string host_port_text(std::string_view host, std::uint16_t port) {
  const bool ipv6 = host.find(':') != std::string_view::npos;
  return (ipv6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + std::to_string(port);
}

}  // namespace llmroute::config
