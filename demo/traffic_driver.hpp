// Sends the demo's workload to the proxy over loopback, several requests at a time, reporting progress.
#pragma once

#include "demo/workload.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llmroute::demo {

struct DriveResult {
  std::size_t sent = 0;
  std::size_t answered = 0;             ///< a whole response arrived (any status)
  std::size_t transport_failures = 0;   ///< no complete response: refused, reset, timed out
  std::map<unsigned, std::size_t> by_status;
};

struct DriveOptions {
  std::uint16_t port = 0;
  std::size_t concurrency = 6;
  std::chrono::milliseconds time_limit{50'000};       ///< no request starts after this
  std::chrono::milliseconds request_timeout{60'000};  ///< per request, connect to last byte
  /// Called about five times a second and once at the end with (finished, total, elapsed).
  std::function<void(std::size_t, std::size_t, std::chrono::milliseconds)> progress;
};

/// Sends `requests` in order on up to `concurrency` connections to 127.0.0.1:port and reads every answer to its
/// end (a stream is read like any body). Blocks until all started requests are finished.
DriveResult drive(const std::vector<WorkloadRequest>& requests, const DriveOptions& options);

/// GET `target` from 127.0.0.1:port on a fresh connection; the body of a 200 answer, nothing otherwise.
std::optional<std::string> http_get(std::uint16_t port, const std::string& target, std::chrono::milliseconds timeout);

}  // namespace llmroute::demo
