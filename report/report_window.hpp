// The WHEN of `--since WHEN` / `--until WHEN` and GET /report?since=: an ISO date or time, or a duration ago.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llmroute::report {

/// A parsed time, or why the text is not one.
struct WhenResult {
  std::optional<std::int64_t> unix_ms;
  std::string error;
};

/// Accepts an ISO 8601 date or date-time in UTC ("2026-11-01", "2026-11-01T14:30", "2026-11-01 14:30:05",
/// a trailing "Z" allowed), or a duration back from `now_unix_ms`: a whole number followed by s, m, h, d or w
/// ("90m", "24h", "7d").
WhenResult parse_when(std::string_view text, std::int64_t now_unix_ms);

/// The current time in Unix milliseconds.
std::int64_t now_unix_ms();

}  // namespace llmroute::report
