// What the accept loop says when it cannot accept: once, then at most every ten seconds while it lasts.
#pragma once

#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace llmroute::proxy {

/// Counts failed accepts and decides when to warn about them. Without a warning, a proxy out of file
/// descriptors looks hung: new clients wait in the listen queue and nothing says why.
class AcceptFailures {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kInterval{10};

  /// Notes one failed accept; returns the warning to print now, or nothing while the last one is recent.
  /// `open_file_limit` is the process's RLIMIT_NOFILE, named when the failure is running out of descriptors.
  std::optional<std::string> failed(const boost::system::error_code& ec, Clock::time_point now,
                                    std::uint64_t open_file_limit);

 private:
  std::optional<Clock::time_point> last_warning_;
  std::uint64_t since_warning_ = 0;
};

/// The process's current open-file limit (RLIMIT_NOFILE, soft), 0 when unknown.
std::uint64_t open_file_limit();

}  // namespace llmroute::proxy
