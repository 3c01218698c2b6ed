// The bench's progress on stderr: a redrawn bar with ETA on a terminal, one plain line per pair otherwise.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

namespace llmroute::benchmark {

/// Formats a duration for people: "45s", "3m05s", "1h02m".
std::string format_duration(std::chrono::seconds duration);

class Progress {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Style { bar, lines };

  /// `total` pairs to work through; `out` is written, never closed.
  Progress(std::FILE* out, Style style, std::size_t total, Clock::time_point start = Clock::now());

  /// The style for `out`: a bar when it is a terminal, lines otherwise.
  static Style style_for(std::FILE* out);

  /// Shows that `label` (e.g. "task × model") is being worked on (bar style only: redraws).
  void started(const std::string& label);
  /// Counts one finished pair and shows `outcome` (e.g. "done in 10.3 s, 7/7 checks").
  void finished(const std::string& label, const std::string& outcome, Clock::time_point now = Clock::now());
  /// Ends the bar's line (bar style); call once at the end.
  void close();

  /// "12/72 16% · ETA 2m10s": the ETA is elapsed / done × remaining (concurrency is in that rate already).
  std::string counts(Clock::time_point now) const;
  /// counts() behind a bar: "[####....................] 12/72 16% · ETA 2m10s".
  std::string status(Clock::time_point now) const;

 private:
  void redraw(const std::string& label, Clock::time_point now);

  std::FILE* out_;
  Style style_;
  std::size_t total_;
  std::size_t done_ = 0;
  Clock::time_point start_;
  bool drawn_ = false;
};

}  // namespace llmroute::benchmark
