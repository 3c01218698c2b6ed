// Construction of the shared per-server state.
#include "proxy/server_state.hpp"

#include "records/sqlite_record_store.hpp"

#include <cstdlib>

namespace llmroute::proxy {

namespace {

std::unique_ptr<records::RecordSink> open_records(const config::Config& config, std::shared_ptr<records::DatabaseFile> file) {
  if (!config.records.enabled) return nullptr;
  return std::make_unique<records::SqliteRecordStore>(config.records, std::move(file));
}

}  // namespace

router::RuleClassifier load_classifier(const config::Config& config, const std::string& rules_path) {
  router::RuleClassifier classifier = router::RuleClassifier::from_file(rules_path);
  if (config.routing.long_context_tokens) return classifier.with_long_context_tokens(*config.routing.long_context_tokens);
  return classifier;
}

ServerState::ServerState(asio::io_context& io_context, config::ConfigPtr cfg, const std::string& rules_path, StateUse use)
    : io(io_context),
      config(std::move(cfg)),
      busy_poll(config->server.busy_poll),
      classifier(load_classifier(*config, rules_path)),
      pins(config->routing.pin_ttl, config->routing.max_pins),
      health(config->backends.size(), config->routing.health),
      cost(*config),
      database_file(std::make_shared<records::DatabaseFile>(config->records.path)),
      records(use == StateUse::proxy ? open_records(*config, database_file) : nullptr),
      metrics(config->currency, records.get()),
      shadows(io_context, *config) {
  if (use == StateUse::proxy) shadows.restore_recorded_spend();
  for (const auto& backend : config->backends) {
    BackendRuntime runtime{&backend, std::make_unique<UpstreamPool>(io.get_executor(), backend), std::nullopt,
                           std::make_unique<asio::steady_timer>(io),
                           std::make_unique<BackendSlots>(io.get_executor(), backend.name, backend.max_concurrency, &metrics),
                           HealthCheckStatus{}};
    if (!backend.api_key_env.empty())
      if (const char* key = std::getenv(backend.api_key_env.c_str()); key && *key) runtime.api_key = key;
    backends.push_back(std::move(runtime));
  }
  if (config->quota_store.kind == config::QuotaStoreKind::redis)
    redis = std::make_unique<RedisStores>(io.get_executor(), config->quota_store, pins, config->routing.pin_ttl);
  else
    memory_quotas = std::make_unique<policies::MemoryQuotaStore>();
  if (use == StateUse::proxy && config->judging.enabled())
    judges = std::make_unique<JudgeWorker>(
        *this, [this](config::ModelRef judge, std::string body) { return call_judge(this, judge, std::move(body)); });
  // Completed shadow pairs go to the durable judge queue (a shadow section needs judges: see load_shadow).
  if (judges) shadows.set_pair_sink([worker = judges.get()](policies::ShadowPair pair) { worker->submit(std::move(pair)); });
}

policies::QuotaStore& ServerState::quota_store() {
  if (redis) return redis->quotas();
  return *memory_quotas;
}

double ServerState::submit(records::RequestRecord record, const config::ModelConfig* model) {
  if (model && record.route) {
    // A local model's cost is its busy time: from sending the request to the last byte of the answer.
    const double busy_seconds = std::max(0.0, record.total_ms - record.proxy_time_us / 1000.0) / 1000.0;
    record.cost = cost.cost_of(*model, *record.route, record.usage, busy_seconds);
  }
  record.cloud_equivalent_cost = cost.cloud_equivalent(record.usage);
  metrics.observe(record);
  const double cost = record.cost;
  if (records) records->submit(std::move(record));
  return cost;
}

SessionRegistration::SessionRegistration(ServerState& state, ClientSession& session)
    : state_(state), position_(state.sessions.insert(state.sessions.end(), &session)) {}

SessionRegistration::~SessionRegistration() { state_.sessions.erase(position_); }

}  // namespace llmroute::proxy
