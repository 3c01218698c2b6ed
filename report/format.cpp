// Number spelling for the human formats.
#include "report/format.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace llmroute::report {

namespace {

/// Inserts a comma every three digits of the integer part of a plain decimal number.
std::string group_thousands(std::string digits) {
  const std::size_t start = digits.front() == '-' ? 1 : 0;
  std::size_t end = digits.find('.');
  if (end == std::string::npos) end = digits.size();
  for (std::size_t i = end; i > start + 3; i -= 3) digits.insert(i - 3, 1, ',');
  return digits;
}

}  // namespace

std::string format_count(std::uint64_t value) { return group_thousands(std::to_string(value)); }

std::string format_decimal(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string text = buffer;
  if (text.front() == '-' && text.find_first_not_of("-0.") == std::string::npos)
    text.erase(0, 1);  // no "-0.00" for a tiny negative amount
  return group_thousands(text);
}

std::string format_money(double value, const std::string& currency) {
  const double magnitude = std::fabs(value);
  const int decimals = magnitude >= 1000 ? 0 : magnitude >= 1 ? 2 : 4;
  return currency + " " + format_decimal(value, decimals);
}

std::string format_duration_ms(double ms) {
  if (ms < 1000) return format_decimal(ms, 0) + " ms";
  return format_decimal(ms / 1000, 2) + " s";
}

std::string format_share(double share) { return format_decimal(share * 100, 0) + "%"; }

std::string format_time(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &utc);
  return buffer;
}

}  // namespace llmroute::report
