// Quota windows follow the UTC calendar: days end at midnight, months on the 1st, leap years included.
#include <doctest/doctest.h>

#include "policies/quota_windows.hpp"

using namespace llmroute::policies;
using namespace std::chrono;

TEST_CASE("day and month windows start and end at midnight UTC") {
  const TimePoint t = sys_days(year{2024} / 2 / 29) + 13h + 5min;
  CHECK(utc_day_start(t) == sys_days(year{2024} / 2 / 29));
  CHECK(next_utc_day(t) == sys_days(year{2024} / 3 / 1));
  CHECK(utc_month_start(t) == sys_days(year{2024} / 2 / 1));
  CHECK(next_utc_month(t) == sys_days(year{2024} / 3 / 1));
  const TimePoint december = sys_days(year{2024} / 12 / 31) + 23h;
  CHECK(next_utc_month(december) == sys_days(year{2025} / 1 / 1));
}

TEST_CASE("Retry-After rounds up to whole seconds and is never zero") {
  const TimePoint now = sys_days(year{2025} / 1 / 1);
  CHECK(seconds_until(now, now + 1500ms) == 2);
  CHECK(seconds_until(now, now + 60s) == 60);
  CHECK(seconds_until(now, now) == 1);
  CHECK(seconds_until(now, now - 5s) == 1);
}
