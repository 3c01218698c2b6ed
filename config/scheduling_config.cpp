// Parsing of the `scheduling:` section.
#include "config/scheduling_config.hpp"

#include "config/yaml_section.hpp"

namespace llmroute::config {

SchedulingConfig load_scheduling(Section s) {
  SchedulingConfig c;
  if (auto v = s.optional("max_queue_wait")) {
    c.max_queue_wait = v->as_duration();
    if (c.max_queue_wait.count() <= 0) v->fail("must be more than 0");
  }
  if (auto v = s.optional("queue_timeout_status")) {
    const auto status = v->as_int(100, 599);
    if (status != 503 && status != 429) v->fail("must be 503 or 429");
    c.queue_timeout_status = static_cast<unsigned>(status);
  }
  s.finish();
  return c;
}

}  // namespace llmroute::config
