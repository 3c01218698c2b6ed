// Harness: the operator's time bounds (`--since`, GET /report?since=) and listen addresses (HOST:PORT).
#include "fuzz_check.hpp"
#include "fuzz_targets.hpp"

#include "config/host_port.hpp"
#include "report/report_window.hpp"

namespace llmroute::fuzz {

void fuzz_time_and_address(std::string_view bytes) {
  constexpr std::int64_t kNow = 1'790'000'000'000;  // a fixed "now": the same input always gives the same answer
  const report::WhenResult when = report::parse_when(bytes, kNow);
  require(when.unix_ms.has_value() != !when.error.empty(), "a time bound is a time or an error, never both");

  // A host that still holds brackets ("[[x]]:0" loses one pair) is no address at all, and binding it fails.
  const auto address = config::parse_host_port(bytes);
  if (address && address->host.find_first_of("[]") == std::string::npos) {
    const std::string text = config::host_port_text(address->host, address->port);
    const auto again = config::parse_host_port(text);
    require(again && again->host == address->host && again->port == address->port,
            "an address written back as text reads the same");
  }
}

}  // namespace llmroute::fuzz
