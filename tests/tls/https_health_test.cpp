// Active health checks of backends reached over https: probed through TLS with the request path's certificate
// checks, and a backend whose certificate is refused is unhealthy, with the reason on stderr.
#include <doctest/doctest.h>

#include <string>

#include "integration/proxy_fixture.hpp"
#include "support/tls_terminator.hpp"
#include "tls_fixture.hpp"

using namespace llmroute::test;

namespace {

const char* kDebuggingPrompt =
    "Why does this crash?\nTraceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n"
    "    main()\nKeyError: 'user'";

/// How many times `needle` occurs in `text`.
std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

}  // namespace

TEST_CASE("a backend behind https is health-checked over TLS; one whose certificate is not trusted is unhealthy, goes "
          "last, and stderr says once that its certificate is not trusted") {
  TestPki pki;
  SimulatorProcess sim{{"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "5"}};
  TlsTerminator trusted(pki.trusted_server("localhost"), sim.port());
  TlsTerminator untrusted(pki.untrusted_server("localhost"), sim.port());
  const std::string doubtful_url = "https://localhost:" + std::to_string(untrusted.port()) + "/v1";
  ProxyProcess proxy(
      "server:\n  listen: 127.0.0.1:0\nbackends:\n"
      "  - { name: doubtful, kind: openai, location: cloud, url: '" + doubtful_url + "', health_path: /models,\n"
      "      models: [{ name: first-model, upstream_name: sim-upstream }] }\n"
      "  - { name: secure, kind: openai, location: cloud, url: 'https://localhost:" + std::to_string(trusted.port()) +
          "/v1', health_path: /models,\n"
      "      models: [{ name: second-model, upstream_name: sim-upstream }] }\n"
      "routing:\n  default: secure/second-model\n  tasks:\n    debugging: [doubtful/first-model, secure/second-model]\n"
      "  health: { probe_interval: 50ms, failures: 2 }\nrecords: { enabled: false }\n",
      pki.trust_env());

  // The trusted backend's checks reach the simulator through TLS, each on a connection of its own; the other's
  // handshakes fail, so that no check of it gets through.
  CHECK(poll_until([&] { return requests_to(sim, "/v1/models") >= 3 && untrusted.handshakes_failed() >= 3; },
                    std::chrono::milliseconds(10'000)));
  CHECK(trusted.connections_accepted() >= 3);
  CHECK(trusted.server_names().front() == "localhost");
  CHECK(untrusted.connections_accepted() == 0);

  // The debugging route lists the doubtful backend first: its failed checks put it last.
  HttpClient client("127.0.0.1", proxy.port());
  const HttpResponse answer = client.post_json("/v1/chat/completions", chat_body("auto", {}, kDebuggingPrompt));
  INFO(proxy.stderr_text());
  REQUIRE(answer.status == 200);
  INFO(answer.header("x-llmroute-reason"));
  CHECK(answer.header("x-llmroute-backend") == "secure");
  CHECK(answer.header("x-llmroute-reason").find("unhealthy last: doubtful/first-model") != std::string::npos);
  CHECK(untrusted.connections_accepted() == 0);

  // Its checks keep failing, for the same reason: said once.
  const int failed = untrusted.handshakes_failed();
  CHECK(poll_until([&] { return untrusted.handshakes_failed() >= failed + 3; }, std::chrono::milliseconds(10'000)));
  const std::string warning = "llmroute: warning: health check failed: backend 'doubtful' at " + doubtful_url +
                              ": TLS handshake failed: certificate verify failed: unable to get local issuer certificate "
                              "(its certificate is not signed by a CA that llmroute trusts";
  CHECK(occurrences(proxy.stderr_text(), warning) == 1);
  CHECK(proxy.stderr_text().find("backend 'secure'") == std::string::npos);
}
