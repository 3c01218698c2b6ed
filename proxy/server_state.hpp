// What every connection of one running proxy shares: config, backend pools, ids, live sessions.
#pragma once

#include "config/config.hpp"
#include "policies/memory_quota_store.hpp"
#include "proxy/asio.hpp"
#include "proxy/backend_slots.hpp"
#include "proxy/event_loop.hpp"
#include "proxy/redis_stores.hpp"
#include "proxy/judge_worker.hpp"
#include "proxy/request_id.hpp"
#include "proxy/shadow_runner.hpp"
#include "proxy/upstream_pool.hpp"
#include "records/cost_model.hpp"
#include "records/database_file.hpp"
#include "router/classifier.hpp"
#include "router/conversation_pins.hpp"
#include "router/health.hpp"
#include "router/request_features.hpp"
#include "records/metrics.hpp"
#include "records/record_sink.hpp"

#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llmroute::proxy {

/// One client connection, alive for as long as its coroutine runs.
struct ClientSession {
  explicit ClientSession(tcp::socket s) : socket(std::move(s)) {}
  tcp::socket socket;
  beast::flat_buffer buffer;  ///< request bytes, including any read ahead of the current request
  bool busy = false;          ///< serving a request (false while waiting for the next one)
  bool head_request = false;  ///< the request being answered is a HEAD: its answer has headers only
};

/// What the active health checks of one backend found last, for GET /admin/backends. Written by the backend's check
/// loop and read by the endpoint, both on the I/O thread.
struct HealthCheckStatus {
  std::optional<std::chrono::system_clock::time_point> last_checked;  ///< when the last check ended
  std::optional<std::chrono::system_clock::time_point> last_passed;   ///< when the last check that passed ended
  std::optional<std::string> failure;  ///< why the last check failed (it names the backend); nothing when it passed
};

/// A configured backend with its connections and resolved key.
struct BackendRuntime {
  const config::BackendConfig* config;
  std::unique_ptr<UpstreamPool> pool;
  std::optional<std::string> api_key;  ///< from the environment variable named in the config
  std::unique_ptr<asio::steady_timer> probe_timer;  ///< paces active health checks; cancelled on shutdown
  std::unique_ptr<BackendSlots> slots;  ///< max_concurrency: every request to this backend holds one while it runs
  HealthCheckStatus checks;  ///< the active health checks' last findings (none while probe_interval is 0)
};

/// What a ServerState is for: a proxy, or only calls to the configured models (`llmroute bench`: its calls are not
/// traffic and it keeps its results itself, so it needs neither the records store, nor the judge queue, nor the
/// shadows' spend, which all live in records.path).
enum class StateUse { proxy, model_calls };

class ServerState {
 public:
  /// Loads the classifier rules from `rules_path`; for a proxy, also opens the record store when records are
  /// enabled and the judge queue when judges are configured, and reads this month's shadow spend (throws at
  /// startup: records::RecordStoreError, config::ConfigError). For model_calls, records.path is not touched.
  ServerState(asio::io_context& io, config::ConfigPtr config, const std::string& rules_path,
              StateUse use = StateUse::proxy);
  /// Prices a finished request, counts it in the metrics and hands it to the record writer (never blocks).
  /// Returns the cost it priced the request at.
  double submit(records::RequestRecord record, const config::ModelConfig* model);
  /// Every user's quota counters: the shared Redis when quota_store names one, else this process's memory.
  policies::QuotaStore& quota_store();

  asio::io_context& io;
  config::ConfigPtr config;
  BusyPoll busy_poll;  ///< the request path marks when bytes are due; the event loop polls instead of sleeping then
  std::vector<BackendRuntime> backends;
  RequestIdGenerator request_ids;
  std::list<ClientSession*> sessions;
  router::RuleClassifier classifier;
  router::RequestParser request_parser;
  router::MemoryPinStore pins;
  std::unique_ptr<RedisStores> redis;  ///< null unless quota_store names a Redis (shared quotas and pins)
  router::BackendHealth health;
  records::CostModel cost;
  std::shared_ptr<records::DatabaseFile> database_file;  ///< records.path, as the records store and the judge queue share it
  std::unique_ptr<records::RecordSink> records;  ///< null when records are disabled, or for model calls only
  records::Metrics metrics;
  ShadowRunner shadows;  ///< after `records`: it reads this month's shadow spend from them
  std::unique_ptr<policies::MemoryQuotaStore> memory_quotas;  ///< the quota counters, unless Redis keeps them
  asio::thread_pool blocking_work{1};  ///< disk reads for admin endpoints, off the I/O thread
  /// Judges queued shadow pairs; null without `judging:` or for model calls only (after blocking_work: it uses it).
  std::unique_ptr<JudgeWorker> judges;
  bool draining = false;
};

/// Registers a session for the lifetime of this object (so shutdown can find idle connections).
class SessionRegistration {
 public:
  SessionRegistration(ServerState& state, ClientSession& session);
  ~SessionRegistration();
  SessionRegistration(const SessionRegistration&) = delete;
  SessionRegistration& operator=(const SessionRegistration&) = delete;

 private:
  ServerState& state_;
  std::list<ClientSession*>::iterator position_;
};

}  // namespace llmroute::proxy
