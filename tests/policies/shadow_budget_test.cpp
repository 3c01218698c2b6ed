// The monthly shadow budget: reservations, settlement, the cap, and the UTC month roll-over.
#include <doctest/doctest.h>

#include <chrono>

#include "policies/shadow_budget.hpp"

using namespace llmroute::policies;
using namespace std::chrono;

namespace {

SystemTime utc(int y, unsigned m, unsigned d, int hour = 0) {
  return sys_days{year{y} / month{m} / day{d}} + hours{hour};
}

}  // namespace

TEST_CASE("reservations stop shadows that would together pass the budget") {
  const SystemTime now = utc(2026, 11, 10);
  ShadowBudget budget(1.0);
  CHECK(budget.try_reserve(0.4, now));
  CHECK(budget.try_reserve(0.4, now));
  CHECK_FALSE(budget.try_reserve(0.4, now));  // 0.8 reserved + 0.4 > 1.0
  CHECK(budget.reserved() == doctest::Approx(0.8));
  budget.settle(0.4, 0.1, now);  // cheaper than estimated
  CHECK(budget.spent(now) == doctest::Approx(0.1));
  CHECK(budget.try_reserve(0.4, now));  // 0.1 + 0.4 + 0.4 <= 1.0
}

TEST_CASE("a spent budget stops even shadows estimated to cost nothing; a budget of 0 allows none") {
  const SystemTime now = utc(2026, 11, 10);
  ShadowBudget budget(0.5);
  REQUIRE(budget.try_reserve(0, now));
  budget.settle(0, 0.5, now);
  CHECK_FALSE(budget.try_reserve(0, now));
  ShadowBudget none(0);
  CHECK_FALSE(none.try_reserve(0, now));
}

TEST_CASE("the spend restored at startup counts, and a new month starts from zero") {
  ShadowBudget budget(1.0);
  budget.restore(0.95, utc(2026, 11, 30, 23));
  CHECK_FALSE(budget.try_reserve(0.1, utc(2026, 11, 30, 23)));
  CHECK(budget.try_reserve(0.1, utc(2026, 12, 1, 0)));
  CHECK(budget.spent(utc(2026, 12, 1, 0)) == 0);
}
