// Counters and the last request, served as /sim/stats so tests can see what reached the backend.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace llmroute::simulator {

/// A request as the simulator received it; header names are lower-case.
struct RecordedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

/// Thread-safe: counters are atomics, the last request and per-path counts sit behind a mutex
/// taken once per request (never per chunk).
class SimStats {
 public:
  void tcp_accepted() { tcp_accepts_.fetch_add(1, std::memory_order_relaxed); }

  /// A connection carried its first counted request; it now counts as accepted and open.
  void connection_counted() {
    connections_accepted_.fetch_add(1, std::memory_order_relaxed);
    open_connections_.fetch_add(1, std::memory_order_relaxed);
  }
  void counted_connection_closed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }

  void stream_started() { active_streams_.fetch_add(1, std::memory_order_relaxed); }
  void stream_ended() { active_streams_.fetch_sub(1, std::memory_order_relaxed); }

  /// Counts a request; `keep_as_last` also makes it the `last_request` (health probes are not).
  void record_request(RecordedRequest request, bool keep_as_last);
  void record_fault(std::string_view fault_name);

  /// Zeroes the counters (open connections and streams keep counting what is really open).
  void reset();

  /// The /sim/stats body.
  std::string to_json() const;

 private:
  std::atomic<std::uint64_t> tcp_accepts_{0};
  std::atomic<std::uint64_t> connections_accepted_{0};
  std::atomic<std::int64_t> open_connections_{0};
  std::atomic<std::int64_t> active_streams_{0};
  mutable std::mutex mutex_;
  std::uint64_t requests_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> by_path_;
  std::map<std::string, std::uint64_t, std::less<>> faults_;
  bool has_last_ = false;
  RecordedRequest last_;
};

}  // namespace llmroute::simulator
