// The stderr warnings of postponed judge pairs, rate-limited per cause.
#include "proxy/judge_postponements.hpp"

#include <algorithm>
#include <cstdio>

namespace llmroute::proxy {

namespace {

/// "30 s", "1.5 s", "250 ms": the backoff as an operator wrote it.
std::string duration_text(std::chrono::milliseconds d) {
  if (d.count() < 1000) return std::to_string(d.count()) + " ms";
  char text[32];
  std::snprintf(text, sizeof text, "%g s", static_cast<double>(d.count()) / 1000.0);
  return text;
}

}  // namespace

std::optional<std::string> JudgePostponements::postponed(std::int64_t pair_id, std::string_view cause,
                                                         std::uint32_t round, std::uint32_t rounds,
                                                         std::chrono::milliseconds backoff, Clock::time_point now) {
  auto found = causes_.find(cause);
  if (found != causes_.end() && now - found->second.at < kInterval) {
    ++found->second.since;
    return std::nullopt;
  }
  std::uint64_t since = 0;
  if (found != causes_.end()) {
    since = found->second.since;
    found->second = Said{now, 0};
  } else {
    if (causes_.size() >= kMaxCauses) {
      const auto oldest = std::min_element(causes_.begin(), causes_.end(),
                                           [](const auto& a, const auto& b) { return a.second.at < b.second.at; });
      causes_.erase(oldest);
    }
    causes_.emplace(std::string(cause), Said{now, 0});
  }
  std::string warning = "llmroute: warning: judge pair " + std::to_string(pair_id) + " postponed by " +
                        duration_text(backoff) + " (judging.retry.backoff) after failed round " + std::to_string(round) +
                        " of " + std::to_string(rounds) + ": " + std::string(cause);
  if (since > 0) warning += "; " + std::to_string(since) + " more pairs postponed for this since the last warning";
  return warning;
}

}  // namespace llmroute::proxy
