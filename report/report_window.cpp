// Parsing of report time bounds.
#include "report/report_window.hpp"

#include <charconv>
#include <chrono>
#include <ctime>

namespace llmroute::report {

namespace {

/// Reads exactly `digits` decimal digits at `pos`, advancing it.
std::optional<int> read_digits(std::string_view text, std::size_t& pos, std::size_t digits) {
  if (pos + digits > text.size()) return std::nullopt;
  int value = 0;
  const char* begin = text.data() + pos;
  auto [end, ec] = std::from_chars(begin, begin + digits, value);
  if (ec != std::errc{} || end != begin + digits) return std::nullopt;
  pos += digits;
  return value;
}

bool expect(std::string_view text, std::size_t& pos, std::string_view choices) {
  if (pos >= text.size() || choices.find(text[pos]) == std::string_view::npos) return false;
  ++pos;
  return true;
}

std::optional<std::int64_t> parse_iso(std::string_view text) {
  if (!text.empty() && (text.back() == 'Z' || text.back() == 'z')) text.remove_suffix(1);
  std::size_t pos = 0;
  std::tm t{};
  const auto year = read_digits(text, pos, 4);
  if (!year || !expect(text, pos, "-")) return std::nullopt;
  const auto month = read_digits(text, pos, 2);
  if (!month || !expect(text, pos, "-")) return std::nullopt;
  const auto day = read_digits(text, pos, 2);
  if (!day) return std::nullopt;
  t.tm_year = *year - 1900;
  t.tm_mon = *month - 1;
  t.tm_mday = *day;
  if (pos < text.size()) {
    if (!expect(text, pos, "T ")) return std::nullopt;
    const auto hour = read_digits(text, pos, 2);
    if (!hour || !expect(text, pos, ":")) return std::nullopt;
    const auto minute = read_digits(text, pos, 2);
    if (!minute) return std::nullopt;
    t.tm_hour = *hour;
    t.tm_min = *minute;
    if (pos < text.size()) {
      if (!expect(text, pos, ":")) return std::nullopt;
      const auto second = read_digits(text, pos, 2);
      if (!second) return std::nullopt;
      t.tm_sec = *second;
    }
  }
  if (pos != text.size()) return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || t.tm_hour > 23 || t.tm_min > 59 || t.tm_sec > 60)
    return std::nullopt;
  const std::tm asked = t;
  const std::time_t seconds = timegm(&t);
  if (t.tm_mday != asked.tm_mday || t.tm_mon != asked.tm_mon) return std::nullopt;  // e.g. 2026-02-30
  return static_cast<std::int64_t>(seconds) * 1000;
}

std::optional<std::int64_t> parse_ago(std::string_view text, std::int64_t now) {
  std::int64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc{} || number < 0 || end + 1 != text.data() + text.size()) return std::nullopt;
  std::int64_t scale = 0;
  switch (*end) {
    case 's': scale = 1000; break;
    case 'm': scale = 60'000; break;
    case 'h': scale = 3'600'000; break;
    case 'd': scale = 86'400'000; break;
    case 'w': scale = 7 * 86'400'000LL; break;
    default: return std::nullopt;
  }
  if (number > now / scale) return 0;  // further back than 1970 (and `number * scale` could overflow): all time
  return now - number * scale;
}

}  // namespace

WhenResult parse_when(std::string_view text, std::int64_t now) {
  if (auto ms = parse_ago(text, now)) return {ms, {}};
  if (auto ms = parse_iso(text)) return {ms, {}};
  return {std::nullopt, "expected a date or time in UTC (2026-11-01, 2026-11-01T14:30) or a duration ago "
                        "(90m, 24h, 7d, 2w), found '" + std::string(text) + "'"};
}

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace llmroute::report
