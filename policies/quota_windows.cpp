// Calendar arithmetic of the quota windows (UTC, so every proxy of a co-op agrees on when a day ends).
#include "policies/quota_windows.hpp"

namespace llmroute::policies {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::sys_days;
using std::chrono::year_month_day;

TimePoint utc_day_start(TimePoint t) { return floor<days>(t); }

TimePoint next_utc_day(TimePoint t) { return utc_day_start(t) + days(1); }

TimePoint utc_month_start(TimePoint t) {
  const year_month_day date{floor<days>(t)};
  return sys_days(date.year() / date.month() / 1);
}

TimePoint next_utc_month(TimePoint t) {
  const year_month_day date{floor<days>(t)};
  return sys_days((date.year() / date.month() + std::chrono::months(1)) / 1);
}

std::int64_t seconds_until(TimePoint now, TimePoint at) {
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(at - now).count();
  return seconds < 1 ? 1 : seconds;
}

}  // namespace llmroute::policies
