// How numbers read in the human formats (text, markdown, HTML, recommendations): one spelling everywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace llmroute::report {

/// "1,461": an integer with thousands separators.
std::string format_count(std::uint64_t value);
/// A fixed number of decimals, with thousands separators in the integer part: format_decimal(1510.24, 1) is
/// "1,510.2".
std::string format_decimal(double value, int decimals);
/// "USD 12.34": whole units from 1,000, cents from 1, four decimals below (a request costs fractions of a cent).
std::string format_money(double value, const std::string& currency);
/// "870 ms" below a second, "14.89 s" from a second.
std::string format_duration_ms(double ms);
/// "62%" for 0.62.
std::string format_share(double share);
/// "2026-11-23 14:05 UTC".
std::string format_time(std::int64_t unix_ms);

/// The formatted value, or "–" when it is unset.
template <class T, class F>
std::string or_dash(const std::optional<T>& value, F format) {
  return value ? format(*value) : std::string("–");
}

}  // namespace llmroute::report
