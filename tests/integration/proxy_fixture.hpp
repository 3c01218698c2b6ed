// Shared setup of the proxy integration tests: a simulator behind a proxy, request bodies, SSE and stats helpers.
#pragma once

#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/http_client.hpp"
#include "support/proxy_process.hpp"
#include "support/simulator_process.hpp"

namespace llmroute::test {

using Headers = std::vector<std::pair<std::string, std::string>>;
using std::chrono::milliseconds;

/// The knobs of the proxy config the tests vary; every other key keeps its default.
struct ProxyConfigOptions {
  std::string max_body_bytes = "1MiB";
  std::string first_byte_timeout = "5s";
  std::string idle_timeout = "5s";
  std::string shutdown_grace = "5s";
  /// A second backend, "cloud", pointing at the same URL, with a cloud model "cloud-model" whose key
  /// comes from the environment variable named here (empty: no second backend).
  std::string cloud_key_env;
};

/// A config with backend "sim" (local, `backend_url` ending in /v1) serving model "local-model"
/// as upstream "sim-upstream", which is also the default route.
inline std::string proxy_config(const std::string& backend_url, const ProxyConfigOptions& o = {}) {
  std::string yaml = "server:\n  listen: 127.0.0.1:0\n  max_body_bytes: " + o.max_body_bytes +
                     "\n  timeouts: { upstream_first_byte: " + o.first_byte_timeout + ", upstream_idle: " + o.idle_timeout +
                     ", shutdown_grace: " + o.shutdown_grace +
                     " }\n"
                     "backends:\n"
                     "  - name: sim\n    kind: openai\n    location: local\n    url: " +
                     backend_url + "\n    models: [{ name: local-model, upstream_name: sim-upstream, context_tokens: 16384 }]\n";
  if (!o.cloud_key_env.empty()) {
    yaml += "  - name: cloud\n    kind: openai\n    location: cloud\n    url: " + backend_url + "\n    api_key_env: " +
            o.cloud_key_env + "\n    models: [{ name: cloud-model, upstream_name: sim-cloud-upstream }]\n";
  }
  yaml += "routing: { default: sim/local-model }\nrecords: { enabled: false }\n";
  return yaml;
}

/// A simulator (fast by default: no TTFT, no delay between tokens) and a proxy in front of it.
struct SimulatedBackend {
  explicit SimulatedBackend(const ProxyConfigOptions& options = {},
                            std::vector<std::string> sim_args = {"--ttft-ms", "0", "--tokens-per-second", "0", "--tokens", "12"},
                            std::vector<std::string> proxy_env = {})
      : sim(std::move(sim_args)), proxy(proxy_config(sim.base_url() + "/v1", options), std::move(proxy_env)) {}

  SimulatorProcess sim;
  ProxyProcess proxy;
};

/// A chat completions body with one user message; `extra` members are added (or replace defaults).
inline std::string chat_body(const std::string& model, boost::json::object extra = {},
                             const std::string& prompt = "Write a haiku about routers") {
  boost::json::object body{
      {"model", model},
      {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", prompt}}}}};
  for (const auto& [key, value] : extra) body[key] = value;
  return boost::json::serialize(body);
}

inline std::string stream_body(const std::string& model, boost::json::object extra = {}) {
  extra["stream"] = true;
  return chat_body(model, std::move(extra));
}

/// The events that carry a non-empty content delta.
inline std::vector<SseEvent> content_events(const HttpResponse& response) {
  std::vector<SseEvent> out;
  for (const auto& event : response.events) {
    boost::system::error_code ec;
    const auto value = boost::json::parse(event.data, ec);
    if (ec || !value.is_object() || !value.as_object().contains("choices")) continue;
    const auto& choices = value.at("choices").as_array();
    if (choices.empty()) continue;
    const auto* delta = choices[0].as_object().if_contains("delta");
    if (delta != nullptr && delta->as_object().contains("content") && delta->at("content").is_string() &&
        !delta->at("content").as_string().empty())
      out.push_back(event);
  }
  return out;
}

inline std::string streamed_text(const HttpResponse& response) {
  std::string text;
  for (const auto& event : content_events(response))
    text += event.json().at("choices").at(0).at("delta").at("content").as_string();
  return text;
}

/// The `error` object of the last event when it is an error event; nullopt otherwise.
inline std::optional<boost::json::object> trailing_error_event(const HttpResponse& response) {
  if (response.events.empty()) return std::nullopt;
  boost::system::error_code ec;
  const auto value = boost::json::parse(response.events.back().data, ec);
  if (ec || !value.is_object() || !value.as_object().contains("error")) return std::nullopt;
  return value.at("error").as_object();
}

inline double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

/// The body with every `"created":N` masked: the simulator stamps its answers with the current second.
inline std::string without_timestamps(const std::string& body) {
  static const std::regex created(R"("created":[0-9]+)");
  return std::regex_replace(body, created, R"("created":0)");
}

/// Polls /sim/stats until `field` equals `expected` or the deadline passes; returns the last value.
inline std::int64_t wait_for_stat(const SimulatorProcess& sim, const char* field, std::int64_t expected,
                                  milliseconds timeout = milliseconds(3000)) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto value = sim.stats().at(field).to_number<std::int64_t>();
    if (value == expected || Clock::now() >= deadline) return value;
    std::this_thread::sleep_for(milliseconds(2));
  }
}

/// How many requests of `path` the simulator has answered (0 when none).
inline std::int64_t requests_to(const SimulatorProcess& sim, const std::string& path) {
  const auto stats = sim.stats();
  const auto* count = stats.at("by_path").as_object().if_contains(path);
  return count == nullptr ? 0 : count->to_number<std::int64_t>();
}

/// Connections the proxy opened to the simulator for answers. The proxy's active health checks each
/// open a fresh connection for one GET of the backend's /v1/models (which these tests never ask the
/// simulator for), so those are subtracted.
inline std::int64_t answer_connections(const SimulatorProcess& sim) {
  const auto stats = sim.stats();
  const auto* probes = stats.at("by_path").as_object().if_contains("/v1/models");
  return stats.at("connections_accepted").to_number<std::int64_t>() - (probes == nullptr ? 0 : probes->to_number<std::int64_t>());
}

/// Polls `done` every 2 ms until it returns true or `timeout` passes; returns its last answer.
template <typename Predicate>
bool poll_until(Predicate done, milliseconds timeout = milliseconds(3000)) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(2));
  }
}

/// A header of the simulator's last request, looked up case-insensitively; nullopt when absent.
inline std::optional<std::string> last_request_header(const SimulatorProcess& sim, std::string name) {
  const auto stats = sim.stats();
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [key, value] : stats.at("last_request").at("headers").as_object()) {
    std::string lower(key);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == name) return std::string(value.as_string());
  }
  return std::nullopt;
}

}  // namespace llmroute::test
