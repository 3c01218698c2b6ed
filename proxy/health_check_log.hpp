// What the active health checks of one backend say on stderr: a failure when it starts or changes, and the recovery.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace llmroute::proxy {

/// Decides which health check results of one backend are worth a line on stderr. Without one, a backend whose
/// checks fail (a certificate llmroute does not trust, a key the backend rejects) only moves last in the route
/// lists, and nothing says why. A failure that repeats every probe interval is said once, until the check passes
/// or fails for another reason.
class HealthCheckLog {
 public:
  /// `backend` names the backend in the line that says its check passes again, e.g. "backend 'box' at http://…".
  explicit HealthCheckLog(std::string backend) : backend_(std::move(backend)) {}

  /// Notes one check: `failure` is why it failed (it names the backend), nullopt when it passed. Returns the line
  /// to print now, or nothing when it would repeat the last one.
  std::optional<std::string> checked(const std::optional<std::string>& failure);

 private:
  std::string backend_;
  std::optional<std::string> last_failure_;  ///< the failure said last, while the checks keep failing
};

}  // namespace llmroute::proxy
