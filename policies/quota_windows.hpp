// The windows quotas are counted in: a 60 s request window, the UTC day, the UTC calendar month.
#pragma once

#include "policies/quota_store.hpp"

#include <chrono>

namespace llmroute::policies {

/// Length of a requests_per_minute window, from the first request it admits.
inline constexpr std::chrono::seconds kRequestWindow{60};

/// 00:00 UTC of the day `t` falls in.
TimePoint utc_day_start(TimePoint t);
/// 00:00 UTC of the day after `t`'s.
TimePoint next_utc_day(TimePoint t);
/// 00:00 UTC on the first day of `t`'s month.
TimePoint utc_month_start(TimePoint t);
/// 00:00 UTC on the first day of the month after `t`'s.
TimePoint next_utc_month(TimePoint t);

/// Whole seconds from `now` until `at`, at least 1 (the value of a Retry-After header).
std::int64_t seconds_until(TimePoint now, TimePoint at);

}  // namespace llmroute::policies
