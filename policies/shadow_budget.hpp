// The monthly shadow budget: what shadows spent this UTC calendar month, plus what running ones may spend.
#pragma once

#include "policies/quota_windows.hpp"

#include <chrono>
#include <cstdint>

namespace llmroute::policies {

using SystemTime = std::chrono::system_clock::time_point;

/// Counts shadow spend against `monthly_limit` (in the config's currency). A shadow reserves its
/// estimated cost before it starts and settles its real cost when it ends, so shadows running at once
/// cannot overshoot the budget together. Not thread-safe (the proxy's one I/O thread).
class ShadowBudget {
 public:
  explicit ShadowBudget(double monthly_limit) : limit_(monthly_limit) {}

  /// Starts from `spent` already recorded this month (rebuilt from the records at startup).
  void restore(double spent, SystemTime now);
  /// Reserves `estimate` when the month's spend plus reservations plus it stays within the limit and
  /// something is left (a limit of 0 allows no shadow).
  bool try_reserve(double estimate, SystemTime now);
  /// Ends a reservation of `reserved` with the shadow's real cost `actual` (0 when it failed before spending).
  void settle(double reserved, double actual, SystemTime now);

  /// Spent this month, reservations excluded.
  double spent(SystemTime now);
  double reserved() const { return reserved_; }
  double limit() const { return limit_; }

 private:
  void roll_over(SystemTime now);

  double limit_;
  double spent_ = 0;
  double reserved_ = 0;
  SystemTime month_{};
};

}  // namespace llmroute::policies
