#include <doctest/doctest.h>

#include "proxy/health_check_log.hpp"

using llmroute::proxy::HealthCheckLog;

namespace {
const std::string kRefused = "backend 'box' at https://box:8443/v1: TLS handshake failed: certificate verify failed";
}

TEST_CASE("a failing health check is said once with its reason, again when the reason changes, and its recovery once") {
  HealthCheckLog log("backend 'box' at https://box:8443/v1");
  CHECK_FALSE(log.checked(std::nullopt));  // a backend that passes from the start says nothing

  const auto first = log.checked(kRefused);
  REQUIRE(first);
  CHECK(*first == "llmroute: warning: health check failed: " + kRefused +
                      " (said once until the check passes or fails otherwise)");
  for (int i = 0; i < 100; ++i) CHECK_FALSE(log.checked(kRefused));

  const auto other = log.checked("backend 'box' at https://box:8443/v1 answered GET /v1/models with 503");
  REQUIRE(other);
  CHECK(other->find("answered GET /v1/models with 503") != std::string::npos);

  const auto passed = log.checked(std::nullopt);
  REQUIRE(passed);
  CHECK(*passed == "llmroute: health check passed again: backend 'box' at https://box:8443/v1");
  CHECK_FALSE(log.checked(std::nullopt));
  // Failing again after it passed is news again, even for the reason said before.
  CHECK(log.checked(kRefused));
}
