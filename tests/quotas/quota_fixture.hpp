// Shared setup of the quota tests: keyed users, a local and an optional priced cloud simulator, usage lookups.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "policies/api_key.hpp"
#include "support/http_client.hpp"
#include "support/proxy_process.hpp"
#include "support/simulator_process.hpp"

namespace llmroute::test {

using Headers = std::vector<std::pair<std::string, std::string>>;
using std::chrono::milliseconds;

/// One configured user: its key (the config holds only the hash) and extra YAML lines of its entry.
struct TestUser {
  std::string name;
  std::string key;
  std::string extra;  ///< e.g. "    role: admin\n    quotas: { requests_per_minute: 5 }\n"
};

struct QuotaSetupOptions {
  std::vector<TestUser> users;
  std::string quotas;  ///< the `quotas:` mapping in flow style, e.g. "{ max_concurrent: 2 }"; empty: none
  bool local = true;   ///< a local backend "sim" with model "local-model"
  bool cloud = false;  ///< a cloud backend "cloud" with "cloud-model" at 1000 per million tokens both ways
  std::string route = "local-model";  ///< routing.default
  std::string first_byte_timeout = "5s";
  std::string idle_timeout = "5s";
  unsigned local_max_concurrency = 0;  ///< the local backend's max_concurrency (0: unlimited)
  std::string records_path;            ///< the records database; empty: records disabled
};

inline std::string key_sha256(const std::string& key) { return policies::to_hex(policies::hash_key(key)); }

inline std::string quota_config(const std::string& local_url, const std::string& cloud_url, const QuotaSetupOptions& o) {
  std::string yaml = "server:\n  listen: 127.0.0.1:0\n  timeouts: { upstream_first_byte: " + o.first_byte_timeout +
                     ", upstream_idle: " + o.idle_timeout + " }\nbackends:\n";
  if (o.local)
    yaml += "  - name: sim\n    kind: openai\n    location: local\n    url: " + local_url +
            "\n    max_concurrency: " + std::to_string(o.local_max_concurrency) +
            "\n    models: [{ name: local-model, upstream_name: sim-upstream, context_tokens: 16384 }]\n";
  if (o.cloud)
    yaml += "  - name: cloud\n    kind: openai\n    location: cloud\n    url: " + cloud_url +
            "\n    models: [{ name: cloud-model, upstream_name: sim-cloud, context_tokens: 16384, "
            "price: { input: 1000, output: 1000 } }]\n";
  yaml += "routing: { default: " + o.route + ", health: { probe_interval: 0 } }\n";
  yaml += o.records_path.empty() ? "records: { enabled: false }\n" : "records: { path: " + o.records_path + " }\n";
  if (!o.users.empty()) {
    yaml += "auth: keys\nusers:\n";
    for (const TestUser& user : o.users)
      yaml += "  - name: " + user.name + "\n    key_sha256: " + key_sha256(user.key) + "\n" + user.extra;
  }
  if (!o.quotas.empty()) yaml += "quotas: " + o.quotas + "\n";
  return yaml;
}

/// A fast simulator (and, with `cloud`, a second one standing for the cloud) behind a keyed proxy.
struct QuotaSetup {
  explicit QuotaSetup(const QuotaSetupOptions& options,
                      std::vector<std::string> sim_args = {"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "12"})
      : sim(sim_args),
        cloud(options.cloud ? std::optional<SimulatorProcess>(std::in_place, sim_args) : std::nullopt),
        proxy(quota_config(sim.base_url() + "/v1", cloud ? cloud->base_url() + "/v1" : "", options)) {}

  SimulatorProcess sim;
  std::optional<SimulatorProcess> cloud;
  ProxyProcess proxy;
};

inline Headers bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }

inline std::string chat_body(const std::string& model, boost::json::object extra = {}) {
  boost::json::object body{{"model", model},
                           {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", "Write a haiku about routers"}}}}};
  for (const auto& [key, value] : extra) body[key] = value;
  return boost::json::serialize(body);
}

inline std::string messages_body(const std::string& model) {
  return boost::json::serialize(boost::json::object{
      {"model", model},
      {"max_tokens", 64},
      {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", "Write a haiku about routers"}}}}});
}

/// GET /v1/usage with `key`; fails the test when it is not 200.
inline boost::json::object usage_of(std::uint16_t port, const std::string& key) {
  HttpClient client("127.0.0.1", port);
  const HttpResponse response = client.get("/v1/usage", bearer(key));
  REQUIRE(response.status == 200);
  return response.json().as_object();
}

inline double quota_used(const boost::json::object& usage, const char* quota) {
  return usage.at("quotas").at(quota).at("used").to_number<double>();
}

inline std::int64_t in_flight(std::uint16_t port, const std::string& key) {
  return usage_of(port, key).at("in_flight").to_number<std::int64_t>();
}

/// Polls `done` every 5 ms until it returns true or `timeout` passes; returns its last answer.
template <typename Predicate>
bool poll_until(Predicate done, milliseconds timeout = milliseconds(5000)) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
}

/// How many requests of `path` a simulator answered.
inline std::int64_t requests_to(const SimulatorProcess& sim, const std::string& path) {
  const auto stats = sim.stats();
  const auto* count = stats.at("by_path").as_object().if_contains(path);
  return count == nullptr ? 0 : count->to_number<std::int64_t>();
}

}  // namespace llmroute::test
