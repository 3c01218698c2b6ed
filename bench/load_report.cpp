// Turns samples into rate, percentiles and error counts, printed as text or as one JSON object.
#include "bench/load_report.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace llmroute::bench {
namespace {

struct Percentiles {
  double p50_us = 0;
  double p99_us = 0;
};

/// Nearest-rank percentiles of one timing over the successful requests.
Percentiles percentiles(const std::vector<Sample>& samples, std::int64_t Sample::*field) {
  std::vector<std::int64_t> values;
  values.reserve(samples.size());
  for (const auto& sample : samples) {
    if (sample.outcome == Outcome::ok) {
      values.push_back(sample.*field);
    }
  }
  if (values.empty()) {
    return {};
  }
  std::sort(values.begin(), values.end());
  auto rank = [&](double p) {
    auto index = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
    return static_cast<double>(values[std::max<std::size_t>(index, 1) - 1]) / 1000.0;
  };
  return {rank(0.50), rank(0.99)};
}

}  // namespace

void print_run_report(const RunTotals& totals, OutputFormat format, std::FILE* out) {
  std::array<std::size_t, 6> by_outcome{};
  std::uint64_t bytes = 0;
  for (const auto& sample : totals.samples) {
    ++by_outcome[static_cast<std::size_t>(sample.outcome)];
    bytes += sample.outcome == Outcome::ok ? sample.bytes : 0;
  }
  const std::size_t ok = by_outcome[static_cast<std::size_t>(Outcome::ok)];
  const std::size_t errors = totals.samples.size() - ok;
  const double rate = totals.elapsed_s > 0 ? static_cast<double>(ok) / totals.elapsed_s : 0;
  const double mean_bytes = ok > 0 ? static_cast<double>(bytes) / static_cast<double>(ok) : 0;
  const auto headers = percentiles(totals.samples, &Sample::headers_ns);
  const auto ttft = percentiles(totals.samples, &Sample::ttft_ns);
  const auto total = percentiles(totals.samples, &Sample::total_ns);
  auto count = [&](Outcome outcome) { return by_outcome[static_cast<std::size_t>(outcome)]; };

  if (format == OutputFormat::json) {
    std::fprintf(out,
                 "{\"mode\":\"load\",\"concurrency\":%zu,\"requests\":%zu,\"ok\":%zu,\"errors\":%zu,"
                 "\"errors_by_kind\":{\"connect\":%zu,\"io\":%zu,\"timeout\":%zu,\"status\":%zu,\"incomplete\":%zu},"
                 "\"connects\":%zu,\"reconnects\":%zu,\"elapsed_s\":%.3f,\"rps\":%.1f,"
                 "\"headers_p50_us\":%.1f,\"headers_p99_us\":%.1f,\"ttft_p50_us\":%.1f,\"ttft_p99_us\":%.1f,"
                 "\"total_p50_us\":%.1f,\"total_p99_us\":%.1f,\"mean_body_bytes\":%.0f}\n",
                 totals.concurrency, totals.samples.size(), ok, errors, count(Outcome::connect_failed),
                 count(Outcome::io_error), count(Outcome::timeout), count(Outcome::bad_status),
                 count(Outcome::incomplete), totals.connects, totals.reconnects, totals.elapsed_s, rate, headers.p50_us,
                 headers.p99_us, ttft.p50_us, ttft.p99_us, total.p50_us, total.p99_us, mean_bytes);
    return;
  }
  std::fprintf(out, "requests   %zu ok, %zu errors (connect %zu, io %zu, timeout %zu, status %zu, incomplete %zu)\n",
               ok, errors, count(Outcome::connect_failed), count(Outcome::io_error), count(Outcome::timeout),
               count(Outcome::bad_status), count(Outcome::incomplete));
  std::fprintf(out, "rate       %.1f req/s over %.3f s at concurrency %zu\n", rate, totals.elapsed_s,
               totals.concurrency);
  std::fprintf(out, "conns      %zu opened, %zu stale keep-alive retries\n", totals.connects, totals.reconnects);
  std::fprintf(out, "headers    p50 %10.1f us   p99 %10.1f us\n", headers.p50_us, headers.p99_us);
  std::fprintf(out, "ttft       p50 %10.1f us   p99 %10.1f us\n", ttft.p50_us, ttft.p99_us);
  std::fprintf(out, "total      p50 %10.1f us   p99 %10.1f us\n", total.p50_us, total.p99_us);
  std::fprintf(out, "body       %.0f bytes mean\n", mean_bytes);
}

void print_hold_report(const HoldTotals& totals, OutputFormat format, std::FILE* out) {
  if (format == OutputFormat::json) {
    std::fprintf(out,
                 "{\"mode\":\"hold\",\"streams\":%zu,\"opened\":%zu,\"failed\":%zu,\"ended_early\":%zu,"
                 "\"open_s\":%.3f,\"held_s\":%.3f}\n",
                 totals.streams, totals.opened, totals.failed, totals.ended_early, totals.open_s, totals.held_s);
    return;
  }
  std::fprintf(out, "hold       %zu of %zu streams opened in %.3f s (%zu failed), held %.3f s, %zu ended early\n",
               totals.opened, totals.streams, totals.open_s, totals.failed, totals.held_s, totals.ended_early);
}

}  // namespace llmroute::bench
