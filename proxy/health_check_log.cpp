// The stderr lines of one backend's active health checks.
#include "proxy/health_check_log.hpp"

namespace llmroute::proxy {

std::optional<std::string> HealthCheckLog::checked(const std::optional<std::string>& failure) {
  if (!failure) {
    if (!last_failure_) return std::nullopt;
    last_failure_.reset();
    return "llmroute: health check passed again: " + backend_;
  }
  if (last_failure_ == failure) return std::nullopt;
  last_failure_ = failure;
  return "llmroute: warning: health check failed: " + *failure + " (said once until the check passes or fails otherwise)";
}

}  // namespace llmroute::proxy
