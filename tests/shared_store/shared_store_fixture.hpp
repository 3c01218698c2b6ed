// Shared setup of the shared-store tests: one redis-server, one simulator, and two llmroute processes whose
// quota_store is that Redis (two proxies of one co-op).
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"
#include "integration/proxy_fixture.hpp"
#include "support/redis_server_process.hpp"

namespace llmroute::test {

struct SharedStoreOptions {
  std::string on_failure = "fail-open";
  /// Extra top-level YAML (users, auth, quotas) appended to each proxy's config.
  std::string extra_yaml;
  /// Redis's requirepass (empty: none); the proxies' config never has a password.
  std::string redis_password;
};

/// Backends "sim" (local, model local-model) and "cloud" (cloud, model cloud-model, key from SHARED_CLOUD_KEY),
/// both on the simulator at `backend_url`; every task's candidates are sim/local-model then cloud/cloud-model.
inline std::string shared_store_config(const std::string& backend_url, const std::string& redis_url,
                                       const SharedStoreOptions& o) {
  std::string yaml = "server:\n  listen: 127.0.0.1:0\n  timeouts: { shutdown_grace: 2s }\n"
                     "backends:\n"
                     "  - name: sim\n    kind: openai\n    location: local\n    url: " + backend_url +
                     "\n    models: [{ name: local-model, upstream_name: sim-upstream }]\n"
                     "  - name: cloud\n    kind: openai\n    location: cloud\n    url: " + backend_url +
                     "\n    api_key_env: SHARED_CLOUD_KEY\n    models: [{ name: cloud-model, upstream_name: sim-cloud }]\n"
                     "routing:\n  default: sim/local-model\n  health: { probe_interval: 0 }\n  tasks:\n";
  for (const std::string_view kind : config::kTaskKindNames)
    yaml += "    " + std::string(kind) + ": [sim/local-model, cloud/cloud-model]\n";
  yaml += "records: { enabled: false }\n"
          "quota_store:\n  url: " + redis_url + "\n  on_failure: " + o.on_failure +
          "\n  key_prefix: \"t:\"\n  command_timeout: 500ms\n  reconnect_max: 200ms\n";
  return yaml + o.extra_yaml;
}

/// Redis, a fast simulator, and proxies `a` and `b` sharing that Redis.
struct SharedStoreProxies {
  explicit SharedStoreProxies(const SharedStoreOptions& options = {})
      : redis(options.redis_password),
        sim({"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "8"}),
        a(config(options), env()),
        b(config(options), env()) {}

  std::string config(const SharedStoreOptions& options) const {
    return shared_store_config(sim.base_url() + "/v1", redis.url(), options);
  }
  static std::vector<std::string> env() { return {"SHARED_CLOUD_KEY=test-key"}; }

  RedisServerProcess redis;
  SimulatorProcess sim;
  ProxyProcess a, b;
};

/// The value of an unlabelled metric in `proxy`'s /metrics (asked with `headers`: an admin's key under
/// `auth: keys`); -1 when absent.
inline double metric(const ProxyProcess& proxy, const std::string& name, const Headers& headers = {}) {
  HttpClient client("127.0.0.1", proxy.port());
  const HttpResponse metrics = client.get("/metrics", headers);
  const std::string prefix = "\n" + name + " ";
  const auto at = metrics.body.find(prefix);
  if (at == std::string::npos) return -1;
  return std::stod(metrics.body.substr(at + prefix.size()));
}

/// Polls the metric until it equals `expected` (or the deadline passes); returns whether it did.
inline bool wait_for_metric(const ProxyProcess& proxy, const std::string& name, double expected, const Headers& headers = {},
                            milliseconds timeout = milliseconds(10'000)) {
  return poll_until([&] { return metric(proxy, name, headers) == expected; }, timeout);
}

}  // namespace llmroute::test
