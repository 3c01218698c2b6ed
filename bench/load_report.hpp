// Per-request samples of a load run and the summaries (rate, percentiles, errors) printed from them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "bench/load_options.hpp"

namespace llmroute::bench {

enum class Outcome { ok, connect_failed, io_error, timeout, bad_status, incomplete };

/// One request as the client saw it; times in nanoseconds from writing the request.
struct Sample {
  Outcome outcome = Outcome::ok;
  std::uint16_t status = 0;
  std::int64_t headers_ns = 0;  ///< response headers parsed
  std::int64_t ttft_ns = 0;     ///< first content event (streams) or complete body
  std::int64_t total_ns = 0;    ///< response complete
  std::uint64_t bytes = 0;      ///< response body bytes (after de-chunking)
};

struct RunTotals {
  std::vector<Sample> samples;
  double elapsed_s = 0;          ///< first request written to last response complete
  std::size_t concurrency = 0;
  std::size_t connects = 0;      ///< TCP connections opened during the measurement
  std::size_t reconnects = 0;    ///< requests retried once on a fresh connection after a stale keep-alive one
};

struct HoldTotals {
  std::size_t streams = 0;
  std::size_t opened = 0;        ///< streams that delivered their first content event
  std::size_t failed = 0;        ///< streams that never opened
  std::size_t ended_early = 0;   ///< streams the server finished or dropped before the hold ended
  double open_s = 0;             ///< time until every stream was open (or the deadline hit)
  double held_s = 0;
};

void print_run_report(const RunTotals& totals, OutputFormat format, std::FILE* out);
void print_hold_report(const HoldTotals& totals, OutputFormat format, std::FILE* out);

}  // namespace llmroute::bench
