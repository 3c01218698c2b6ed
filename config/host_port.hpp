// Parses a HOST:PORT listen address: the config's server.listen and `llmroute serve --listen` alike.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llmroute::config {

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};

/// "HOST:PORT" with PORT a whole number from 0 to 65535 (0: any free port). An empty HOST is 127.0.0.1 and
/// "[::1]" loses its brackets. nullopt when there is no colon or the port is not such a number.
std::optional<HostPort> parse_host_port(std::string_view text);

/// The HOST:PORT text of an address, an IPv6 host in brackets ("[::1]:8080"), as parse_host_port reads it
/// and a URL needs it.
std::string host_port_text(std::string_view host, std::uint16_t port);

}  // namespace llmroute::config
