#include <doctest/doctest.h>

#include "proxy/judge_postponements.hpp"

using llmroute::proxy::JudgePostponements;
using namespace std::chrono_literals;

namespace {
const std::string kDown = "judge box/qwen: backend 'box' answered 503 (status 503)";
}

TEST_CASE("a postponed judge pair is said at once with its cause, the backoff and the round") {
  JudgePostponements postponements;
  const auto warning = postponements.postponed(7, kDown, 1, 5, 30s, JudgePostponements::Clock::now());
  REQUIRE(warning);
  CHECK(*warning == "llmroute: warning: judge pair 7 postponed by 30 s (judging.retry.backoff) after failed round 1 of 5: " +
                        kDown);
  CHECK(postponements.postponed(8, kDown, 1, 5, 1500ms, JudgePostponements::Clock::now() + 2 * JudgePostponements::kInterval)
            ->find("postponed by 1.5 s") != std::string::npos);
}

TEST_CASE("pairs postponed for the same cause while its warning is recent are counted in the next one, not said each") {
  JudgePostponements postponements;
  const auto start = JudgePostponements::Clock::now();
  REQUIRE(postponements.postponed(1, kDown, 1, 5, 30s, start));
  for (int i = 2; i <= 40; ++i) CHECK_FALSE(postponements.postponed(i, kDown, 1, 5, 30s, start + i * 1s));
  const auto next = postponements.postponed(41, kDown, 2, 5, 30s, start + JudgePostponements::kInterval);
  REQUIRE(next);
  INFO(*next);
  CHECK(next->find("judge pair 41 postponed") != std::string::npos);
  CHECK(next->find("; 39 more pairs postponed for this since the last warning") != std::string::npos);
  // The count starts again after each warning.
  CHECK(postponements.postponed(42, kDown, 2, 5, 30s, start + 2 * JudgePostponements::kInterval)->find("more pairs") ==
        std::string::npos);
}

TEST_CASE("each cause of postponement is said on its own, and causes of varying text cannot grow without bound") {
  JudgePostponements postponements;
  const auto now = JudgePostponements::Clock::now();
  REQUIRE(postponements.postponed(1, kDown, 1, 5, 30s, now));
  CHECK(postponements.postponed(2, "judge cloud/opus: backend 'cloud' answered 429 (status 429)", 1, 5, 30s, now));
  CHECK_FALSE(postponements.postponed(3, kDown, 1, 5, 30s, now));
  // kDown is the oldest cause remembered: the 64 newer ones push it out, and it is said again.
  for (std::size_t i = 0; i < JudgePostponements::kMaxCauses; ++i)
    CHECK(postponements.postponed(10, "judge box/qwen: a broken answer #" + std::to_string(i), 1, 5, 30s, now + 1ms));
  CHECK(postponements.postponed(11, kDown, 1, 5, 30s, now + 2ms));
}
