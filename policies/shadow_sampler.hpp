// Which requests are copied to a shadow: one seeded draw per request of a task kind with a rate.
#pragma once

#include "config/shadow_config.hpp"

#include <cstdint>
#include <random>
#include <string_view>

namespace llmroute::policies {

/// Samples requests at their task kind's rate. Not thread-safe (the proxy's one I/O thread draws).
class ShadowSampler {
 public:
  /// Seeded with `config.seed`, or randomly when it is unset.
  explicit ShadowSampler(const config::ShadowConfig& config);

  /// Whether this request of task kind `task` (a wire name) is copied. Draws only for kinds with a rate
  /// strictly between 0 and 1, so a fixed seed gives the same choices for the same sequence of requests.
  bool sample(std::string_view task);

 private:
  const config::ShadowConfig& config_;
  std::mt19937_64 random_;
};

}  // namespace llmroute::policies
