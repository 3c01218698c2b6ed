// What the judge worker says when it postpones a pair: once per cause, then at most every minute while it lasts.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace llmroute::proxy {

/// Decides when a postponed judge pair is worth a line on stderr. Without one, judging that lags (a judge's
/// backend down, answering 429 or 5xx, timing out) shows only as pairs left pending, and nothing says why.
/// Not thread-safe (the judge worker runs on the proxy's I/O thread).
class JudgePostponements {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kInterval{60};
  /// Causes remembered at once: a cause whose text varies (an excerpt of a broken answer) cannot grow the map.
  static constexpr std::size_t kMaxCauses = 64;

  /// Notes pair `pair_id` postponed by `backoff` after failed round `round` of `rounds` because of `cause` (the
  /// failed judge call, e.g. "judge box/qwen: backend 'box' answered 503"). Returns the warning to print now: the
  /// first postponement for a cause, and then one a kInterval at most, counting those in between.
  std::optional<std::string> postponed(std::int64_t pair_id, std::string_view cause, std::uint32_t round,
                                       std::uint32_t rounds, std::chrono::milliseconds backoff, Clock::time_point now);

 private:
  struct Said {
    Clock::time_point at;
    std::uint64_t since = 0;  ///< postponements for this cause since its last warning
  };
  std::map<std::string, Said, std::less<>> causes_;
};

}  // namespace llmroute::proxy
