// call_model (judges, shadows, `llmroute bench`) to a backend reached over https: the same pool, SNI and
// certificate verification as the request path.
#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "config/config_loader.hpp"
#include "proxy/model_call.hpp"
#include "support/model_call_runner.hpp"
#include "support/simulator_process.hpp"
#include "support/tls_terminator.hpp"
#include "tls_fixture.hpp"

namespace llmroute::proxy {
namespace {

using test::PemFiles;
using test::SimulatorProcess;
using test::TestPki;
using test::TlsTerminator;
using test::why;

/// Sets environment variables of this process for its lifetime, then puts back what was there.
class ScopedEnv {
 public:
  explicit ScopedEnv(const std::vector<std::string>& entries) {
    for (const std::string& entry : entries) {
      const std::string name = entry.substr(0, entry.find('='));
      const char* old = std::getenv(name.c_str());
      saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
      ::setenv(name.c_str(), entry.substr(name.size() + 1).c_str(), 1);
    }
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : saved_) {
      if (value) ::setenv(name.c_str(), value->c_str(), 1);
      else ::unsetenv(name.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

/// The config of backend "cloud", reached as https://localhost:`port`/v1.
config::ConfigPtr https_backend(std::uint16_t port) {
  return config::load_config_text("backends:\n  - { name: cloud, kind: openai, location: cloud, url: 'https://localhost:" +
                                      std::to_string(port) + "/v1', models: [{ name: cloud-model, upstream_name: sim-up }] }\n"
                                      "routing: { default: cloud/cloud-model }\nrecords: { enabled: false }\n",
                                  "https_model_call_test.yaml");
}

/// A simulator behind a TLS terminator presenting `identity`, and a server state (this process, trusting the
/// PKI's trusted CA alone) whose backend "cloud" reaches it as https://localhost:PORT/v1.
struct HttpsCallRunner {
  HttpsCallRunner(const TestPki& pki, const PemFiles& identity)
      : terminator(identity, sim.port()), trust(pki.trust_env()), calls(https_backend(terminator.port())) {}

  ModelCallResult call(CallMode mode) {
    ModelCallOptions options;
    options.mode = mode;
    return calls.call("cloud-model", R"({"model":"cloud-model","messages":[{"role":"user","content":"Write a haiku about routers"}]})",
                      std::move(options));
  }

  SimulatorProcess sim{{"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "12"}};
  TlsTerminator terminator;
  const ScopedEnv trust;  ///< the pool reads the trusted CAs when it is made, with the server state
  test::ModelCallRunner calls;
};

}  // namespace

TEST_CASE("a judge, shadow or bench call to a backend reached over https gets its streamed and whole answers on one TLS connection that names the host") {
  TestPki pki;
  HttpsCallRunner runner(pki, pki.trusted_server("localhost"));
  const ModelCallResult streamed = runner.call(CallMode::streamed);
  INFO(why(streamed));
  CHECK(streamed.ok());
  CHECK_FALSE(streamed.text.empty());
  CHECK(streamed.usage.output == 12);
  CHECK(streamed.ttft_ms);
  const ModelCallResult whole = runner.call(CallMode::whole);
  INFO(why(whole));
  CHECK(whole.ok());
  CHECK(whole.text == streamed.text);
  CHECK(runner.terminator.server_names() == std::vector<std::string>{"localhost"});
  CHECK(runner.terminator.connections_accepted() == 1);
  CHECK(runner.sim.stats().at("requests").to_number<std::int64_t>() == 2);
}

TEST_CASE("a judge, shadow or bench call to a backend whose certificate is not trusted fails, saying the certificate verification failed") {
  TestPki pki;
  HttpsCallRunner runner(pki, pki.untrusted_server("localhost"));
  const ModelCallResult r = runner.call(CallMode::whole);
  REQUIRE_FALSE(r.ok());
  INFO(r.failure->detail);
  CHECK(r.failure->status == 502);
  CHECK(r.failure->detail.find("backend 'cloud' at https://localhost:") != std::string::npos);
  CHECK(r.failure->detail.find("certificate verify failed: unable to get local issuer certificate") != std::string::npos);
  CHECK(runner.terminator.connections_accepted() == 0);
  CHECK(runner.sim.stats().at("requests").to_number<std::int64_t>() == 0);
}

}  // namespace llmroute::proxy
