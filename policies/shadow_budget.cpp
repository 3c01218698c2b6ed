// Shadow spend per UTC calendar month, with reservations for shadows in flight.
#include "policies/shadow_budget.hpp"

#include <algorithm>

namespace llmroute::policies {

void ShadowBudget::roll_over(SystemTime now) {
  const SystemTime month = utc_month_start(now);
  if (month <= month_) return;
  month_ = month;
  spent_ = 0;
}

void ShadowBudget::restore(double spent, SystemTime now) {
  roll_over(now);
  spent_ = spent;
}

bool ShadowBudget::try_reserve(double estimate, SystemTime now) {
  roll_over(now);
  // Nothing left, or not enough for this one: a shadow with no estimate (an unpriced local model) still
  // needs some budget left, since it costs the box's busy time.
  if (spent_ + reserved_ >= limit_ || spent_ + reserved_ + estimate > limit_) return false;
  reserved_ += estimate;
  return true;
}

void ShadowBudget::settle(double reserved, double actual, SystemTime now) {
  roll_over(now);
  reserved_ = std::max(0.0, reserved_ - reserved);
  spent_ += actual;
}

double ShadowBudget::spent(SystemTime now) {
  roll_over(now);
  return spent_;
}

}  // namespace llmroute::policies
