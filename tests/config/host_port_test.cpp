// HOST:PORT listen addresses: what server.listen and `llmroute serve --listen` accept, and how serve prints one.
#include <doctest/doctest.h>

#include "config/host_port.hpp"

using llmroute::config::host_port_text;
using llmroute::config::parse_host_port;

TEST_CASE("a listen address needs HOST:PORT with a whole port from 0 to 65535") {
  CHECK(parse_host_port("127.0.0.1:8080")->port == 8080);
  CHECK(parse_host_port(":0")->host == "127.0.0.1");
  CHECK(parse_host_port("[::1]:9000")->host == "::1");
  for (const char* bad : {"localhost", "127.0.0.1:", "127.0.0.1:abc", "127.0.0.1:65536", "127.0.0.1:99999", "127.0.0.1:-1", "h:80x"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_host_port(bad).has_value());
  }
}

TEST_CASE("serve prints the address it listens on as HOST:PORT that reads back, an IPv6 host in brackets") {
  CHECK(host_port_text("127.0.0.1", 8080) == "127.0.0.1:8080");
  CHECK(host_port_text("::1", 38915) == "[::1]:38915");
  const auto back = parse_host_port(host_port_text("::1", 38915));
  REQUIRE(back.has_value());
  CHECK(back->host == "::1");
  CHECK(back->port == 38915);
}
