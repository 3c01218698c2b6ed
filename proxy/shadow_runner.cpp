// Shadow gates and the detached shadow call, its record and its pair.
#include "proxy/shadow_runner.hpp"

#include "policies/shadow_target.hpp"
#include "proxy/model_call.hpp"
#include "proxy/server_state.hpp"
#include "records/sqlite_record_reader.hpp"
#include "router/router.hpp"
#include "wire/prompt_text.hpp"
#include "wire/request_translation.hpp"

#include <chrono>

namespace llmroute::proxy {

namespace {

using namespace asio::experimental::awaitable_operators;

/// This month's shadow spend as recorded, so a restart does not reset the budget.
double recorded_spend_this_month(const config::Config& config) {
  if (!config.records.enabled || !config.shadow.enabled()) return 0;
  records::RecordQuery query;
  query.since_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            policies::utc_month_start(std::chrono::system_clock::now()).time_since_epoch())
                            .count();
  query.shadows = records::RecordQuery::Shadows::only;
  const records::RecordQueryResult found = records::SqliteRecordReader(config.records.path).query(query);
  if (!found.error.empty()) throw records::RecordStoreError(config.records.path + ": cannot read this month's shadow spend: " + found.error);
  double spent = 0;
  for (const records::RequestRecord& record : found.records) spent += record.cost;
  return spent;
}

awaitable<void> wait_for_shutdown(asio::steady_timer* shutdown) { co_await shutdown->async_wait(use_nothrow); }

policies::ShadowAnswer shadow_answer(const ModelCallResult& result, double cost) {
  policies::ShadowAnswer answer;
  answer.record_id = result.request_id;
  answer.backend = result.backend;
  answer.model = result.model;
  answer.location = result.location;
  answer.text = result.text;
  answer.tool_calls = result.tool_calls;
  answer.clipped = result.answer_clipped;
  answer.total_ms = result.total_ms;
  answer.output_tokens = result.usage.output;
  answer.cost = cost;
  return answer;
}

}  // namespace

std::optional<ShadowJob> shadow_job(const config::Config& config, const records::RequestRecord& primary,
                                    const router::RequestFeatures& features, const wire::AnswerCollector& answer,
                                    wire::WireFormat client_format, std::string_view client_body, bool private_user) {
  const bool completed = primary.failure_kind.empty() && primary.http_status >= 200 && primary.http_status < 300 &&
                         !primary.client_disconnected && primary.route;
  if (!completed) return std::nullopt;
  const auto served = config.find_ref(primary.backend + "/" + primary.model_served);
  if (!served) return std::nullopt;
  ShadowJob job;
  job.task = primary.task;
  job.task_confidence = primary.task_confidence;
  job.task_rule = primary.task_rule;
  job.user = primary.user;
  job.private_user = private_user;
  job.primary = *served;
  job.client_format = client_format;
  job.client_body = client_body;
  job.estimated_input_tokens = features.estimated_input_tokens;
  job.reserved_output_tokens = router::reserved_output_tokens(config, features);
  policies::ShadowAnswer& a = job.primary_answer;
  a.record_id = primary.id;
  a.backend = primary.backend;
  a.model = primary.model_served;
  a.location = *primary.route;
  a.text = wire::answer_text(answer.items());
  a.tool_calls = wire::tool_calls_json(answer.items());
  a.clipped = answer.clipped();
  a.total_ms = primary.total_ms;
  a.output_tokens = primary.usage.output;
  return job;
}

ShadowRunner::ShadowRunner(asio::io_context& io, const config::Config& config)
    : config_(config),
      sampler_(config.shadow),
      budget_(config.shadow.monthly_budget),
      shutdown_(io, std::chrono::steady_clock::time_point::max()) {}

void ShadowRunner::restore_recorded_spend() {
  budget_.restore(recorded_spend_this_month(config_), std::chrono::system_clock::now());
}

bool ShadowRunner::sample(std::string_view task) { return sampler_.sample(task); }

std::string_view ShadowRunner::skip(std::string_view reason) {
  auto found = skipped_.find(reason);
  if (found == skipped_.end()) found = skipped_.emplace(std::string(reason), 0).first;
  ++found->second;
  return reason;
}

std::string_view ShadowRunner::start(ServerState* state, ShadowJob job, double primary_cost) {
  if (state->draining) return skip("shutdown");
  const policies::ShadowTarget choice = policies::shadow_target(config_, job.task, job.primary, job.private_user);
  if (!choice.target) return skip(choice.skip);
  if (in_flight_ >= config_.shadow.max_in_flight) return skip("in-flight");
  const config::BackendConfig& backend = config_.backend(*choice.target);
  // Members first: a shadow never queues for a slot. With local_only_when_idle a local backend without
  // max_concurrency (whose slots never run out) takes a shadow only while it answers nobody.
  BackendSlots& slots = *state->backends[choice.target->backend].slots;
  if (config_.shadow.local_only_when_idle && backend.location == config::Location::local && slots.limit() == 0 &&
      slots.in_use() > 0)
    return skip("busy");
  SlotGuard slot = slots.try_acquire(job.user);
  if (!slot) return skip("busy");

  std::string chat_body;
  if (job.client_format == wire::WireFormat::chat) {
    chat_body = std::move(job.client_body);
  } else {
    auto translated = wire::translate_request(job.client_format, wire::WireFormat::chat, job.client_body);
    if (!translated) return skip("untranslatable");
    chat_body = std::move(translated->body);
  }
  const records::Usage expected{job.estimated_input_tokens, job.reserved_output_tokens, 0, 0, 0};
  const double estimate = state->cost.cost_of(config_.model(*choice.target), backend.location, expected, 0);
  if (!budget_.try_reserve(estimate, std::chrono::system_clock::now())) return skip("budget");

  ++in_flight_;
  ++started_;
  job.primary_answer.cost = primary_cost;
  asio::co_spawn(state->io, run(state, this, std::move(job), *choice.target, std::move(chat_body), estimate, std::move(slot)),
                 asio::detached);
  return {};
}

void ShadowRunner::cancel_all() { shutdown_.cancel(); }

awaitable<void> ShadowRunner::run(ServerState* state, ShadowRunner* runner, ShadowJob job, config::ModelRef target,
                                  std::string chat_body, double reserved, SlotGuard slot) {
  // A shadow cut by shutdown still finishes its bookkeeping below.
  co_await asio::this_coro::throw_if_cancelled(false);
  const config::ConfigPtr config = state->config;
  const config::ModelConfig& model = config->model(target);
  const std::string backend = config->backend(target).name;
  const std::size_t cap = config->shadow.max_answer_bytes;
  std::string prompt = wire::readable_conversation(chat_body, cap);
  std::string request_body = chat_body;

  ModelCallOptions options;
  options.mode = CallMode::whole;
  options.deadline = std::chrono::steady_clock::now() + config->shadow.timeout;
  options.request_id = job.primary_answer.record_id + "-shadow";
  options.max_answer_bytes = cap;
  state->metrics.in_flight_add(backend, +1);
  awaitable<ModelCallResult> call = call_model(state, target, std::move(chat_body), std::move(options));
  auto outcome = co_await (std::move(call) || wait_for_shutdown(&runner->shutdown_));
  state->metrics.in_flight_add(backend, -1);
  slot.reset();
  --runner->in_flight_;
  if (outcome.index() == 1) {  // shutdown: nothing was answered that anyone will judge
    runner->budget_.settle(reserved, 0, std::chrono::system_clock::now());
    co_return;
  }
  const ModelCallResult& result = std::get<0>(outcome);

  records::RequestRecord record = record_of(result);
  record.user = job.user;
  record.client_tool = "llmroute-shadow";
  record.endpoint = "/v1/chat/completions";
  record.wire_format = "openai";
  record.task = job.task;
  record.task_confidence = job.task_confidence;
  record.task_rule = job.task_rule;
  record.shadow = true;
  record.primary_id = job.primary_answer.record_id;
  record.reason = "shadow of " + config->ref_name(job.primary) + " on " + config->ref_name(target);
  if (result.failure) record.reason += ": " + result.failure->detail;
  const double cost = state->submit(std::move(record), &model);
  runner->budget_.settle(reserved, cost, std::chrono::system_clock::now());
  if (!result.ok() || !runner->pair_sink_) co_return;

  policies::ShadowPair pair;
  pair.task = job.task;
  pair.prompt = std::move(prompt);
  pair.request_body = std::move(request_body);
  pair.created_unix_ms = result.start_unix_ms;
  pair.primary = std::move(job.primary_answer);
  pair.shadow = shadow_answer(result, cost);
  runner->pair_sink_(std::move(pair));
}

}  // namespace llmroute::proxy
