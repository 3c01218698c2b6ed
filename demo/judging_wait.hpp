// After the demo's traffic: waits until the proxy's shadows have finished and the judges have scored their pairs.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace llmroute::demo {

/// Where shadowing and judging stand, read from the proxy's /metrics and the judge queue in its database.
struct JudgingProgress {
  std::uint64_t shadows_started = 0;
  std::uint64_t shadows_running = 0;
  std::string shadows_skipped;      ///< sampled requests whose shadow a gate stopped, e.g. "busy 3, in-flight 1"
  std::uint64_t pairs_busy = 0;     ///< pairs the proxy is queueing or judging right now
  std::uint64_t pairs_pending = 0;  ///< pairs in the queue without a verdict (being judged ones included)
  std::uint64_t pairs_done = 0;     ///< pairs judged, invalid or given up
  bool readable = false;            ///< both sources answered

  /// Nothing left to wait for: no shadow running, no pair being queued, judged or waiting.
  bool settled() const { return readable && shadows_running == 0 && pairs_busy == 0 && pairs_pending == 0; }
};

/// One look at the proxy on 127.0.0.1:port and the records database `db`.
JudgingProgress judging_progress(std::uint16_t port, const std::filesystem::path& db);

/// Looks every 200 ms until settled() or `timeout`, calling `progress` after each look; returns the last look.
JudgingProgress wait_for_judging(std::uint16_t port, const std::filesystem::path& db, std::chrono::milliseconds timeout,
                                 const std::function<void(const JudgingProgress&)>& progress);

}  // namespace llmroute::demo
