// The `scheduling:` section: how requests wait for a slot on a backend with max_concurrency.
#pragma once

#include <chrono>

namespace llmroute::config {

class Section;

/// Waiting for a slot of a backend whose `max_concurrency` is reached (requests queue per user, served
/// round-robin across users).
struct SchedulingConfig {
  std::chrono::milliseconds max_queue_wait{30'000};  ///< a request waiting longer gets `queue_timeout_status`
  unsigned queue_timeout_status = 503;               ///< 503 or 429, in the wire format of the endpoint called
};

/// Parses the `scheduling:` mapping strictly (throws ConfigError).
SchedulingConfig load_scheduling(Section section);

}  // namespace llmroute::config
