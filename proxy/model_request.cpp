// The request path, top to bottom: parse once, pick the target, forward, relay each piece as it arrives.
#include "proxy/model_request.hpp"

#include "proxy/admission.hpp"
#include "proxy/backend_tokenizer.hpp"
#include "proxy/error_body.hpp"
#include "proxy/request_auth.hpp"
#include "proxy/request_body.hpp"
#include "proxy/request_report.hpp"
#include "proxy/upstream_exchange.hpp"
#include "proxy/upstream_request.hpp"
#include "proxy/watchdog.hpp"
#include "router/conversation_pins.hpp"
#include "router/router.hpp"

#include <simdjson.h>

#include <chrono>
#include <optional>

namespace llmroute::proxy {

/// A request's task. Where a request naming a configured model goes does not depend on it, so for such a
/// request the classification (tens of µs on a cold core) waits until the request is on its way to the
/// backend, and runs in the backend's time instead of the client's; every other request is classified
/// before it is routed. The record, the x-llmroute-task header and shadow sampling read it.
struct TaskVerdict {
  ServerState* state = nullptr;
  const router::RequestFeatures* features = nullptr;
  records::RequestRecord* record = nullptr;
  ClientApi api = ClientApi::chat_completions;
  bool classified = false;
  bool shadowed = false;  ///< sampled for a shadow copy: its answer is reassembled while relayed

  /// Classifies once; the verdict goes into the record.
  router::Classification classify() {
    const router::Classification verdict = state->classifier.classify(*features);
    record->task = router::to_string(verdict.kind);
    record->task_confidence = verdict.confidence;
    record->task_rule = verdict.rule;
    classified = true;
    return verdict;
  }
  /// Samples the request for a shadow copy; only requests about to be answered by a backend are drawn.
  void sample_shadow() {
    shadowed = (api == ClientApi::chat_completions || api == ClientApi::messages || api == ClientApi::responses) &&
               state->shadows.sample(record->task);
  }
};

void settle_task(Exchange& ex, bool sample) {
  TaskVerdict* task = ex.task;
  if (task == nullptr || task->classified) return;
  const auto started = Clock::now();
  task->classify();
  if (sample) {
    task->sample_shadow();
    if (task->shadowed) ex.keep_answer_bytes = ex.state->config->shadow.max_answer_bytes;
  }
  ex.prepared->task = task->record->task;
  ex.client_headers += "x-llmroute-task: " + ex.prepared->task + "\r\n";
  ex.proxy_time += Clock::now() - started;
}

namespace {

/// The status of the answer relayed to the client, as the client got it (a backend's 503 reaches an
/// Anthropic client as 529); 0 when nothing was relayed.
int relayed_status(const Exchange& ex) {
  return ex.head_sent ? error_status(ex.api, static_cast<int>(ex.upstream_status)) : 0;
}

/// Why a candidate could not serve, or nothing when it served (or the failure is not the backend's).
std::optional<std::string> candidate_failure(const Exchange& ex, std::size_t winner) {
  if (ex.head_sent || winner == 1) return std::nullopt;
  if (winner == 2) return timeout_message(ex);
  if (ex.failure && ex.failure->retryable && ex.failure->kind != FailureKind::client_gone) return ex.failure->detail;
  return std::nullopt;
}

/// Whether a candidate's failure counts against its backend's health (its circuit breaker). A 403 does not: the
/// backend refused llmroute's key this one request, most often this one model ("your key has no access to model
/// X"), while it answers its other models; counted, it would put all of them last. A 401 does: the key itself
/// is rejected, so every model of the backend is refused alike, and trying the backend first only costs time.
bool counts_against_backend(const Exchange& ex) { return ex.upstream_status != 403; }

/// After a candidate's slot wait expired: says so in the reason, and returns true when the next candidate gets
/// the request; otherwise sets the failure answered to the client (scheduling.queue_timeout_status).
bool fall_back_when_busy(Exchange& ex, PreparedRequest& prepared, config::ModelRef target, records::RequestRecord& record) {
  const config::Config& config = *ex.state->config;
  const std::string busy = queue_timeout_message(ex);
  const bool fall_back = ex.can_fall_back && Clock::now() < ex.total_deadline;
  prepared.reason += fall_back ? "; fell back from " + config.ref_name(target) + ": " + busy : "; " + busy;
  record.reason = prepared.reason;
  if (fall_back) {
    ++record.fallback_attempts;
    return true;
  }
  const unsigned status = config.scheduling.queue_timeout_status;
  ex.failure = Failure{status == 429 ? FailureKind::rate_limited : FailureKind::unavailable, FailureOrigin::proxy,
                       static_cast<int>(status), false, busy};
  ex.client_headers = routing_headers(ex, prepared.request_id, prepared.task, prepared.reason);
  return false;
}

/// Tries the candidates in order until one answers with a status line, then relays its answer. Falls back
/// only while nothing has reached the client. Every way it can end is answered here.
awaitable<KeepAlive> forward(Exchange* ex_ptr, PreparedRequest* prepared, const router::RouteDecision* decision,
                             KeepAlive keep_alive, records::RequestRecord* record) {
  Exchange& ex = *ex_ptr;
  ServerState& state = *ex.state;
  ClientSession* session = ex.session;
  ex.local_only = !decision->local_only.empty();
  std::size_t winner = 0;
  for (std::size_t i = 0; i < decision->candidates.size(); ++i) {
    const config::ModelRef target = decision->candidates[i].target;
    ex.can_fall_back = i + 1 < decision->candidates.size();
    if (std::string problem = aim_at(ex, *prepared, target); !problem.empty()) {
      settle_task(ex, false);
      const std::string error = error_body(ex.api, 400, problem);
      co_await write_response(*session, 400, "application/json", error, keep_alive, ex.client_headers);
      complete_record(*record, ex, 400, to_string(FailureKind::bad_request));
      co_return keep_alive;
    }
    record->route = ex.backend->config->location;
    record->backend = ex.backend->config->name;
    record->model_served = ex.model->name;
    SlotGuard slot;  // given back when this candidate is done, whichever way
    const SlotWait waited = co_await wait_for_slot(&ex, record, &slot);
    if (waited == SlotWait::client_gone) {
      winner = 1;
      break;
    }
    if (waited == SlotWait::expired) {
      winner = 0;
      if (fall_back_when_busy(ex, *prepared, target, *record)) continue;
      break;
    }
    state.metrics.in_flight_add(ex.backend->config->name, +1);
    set_phase(ex, Phase::connecting);
    {
      Watchdog watchdog(session->socket, session->buffer, &ex.deadline, Watchdog::Client::watch);
      ex.watchdog = &watchdog;
      co_await run_exchange(&ex);
      ex.watchdog = nullptr;
      winner = watchdog.stopped() == WatchdogStop::client_gone ? 1 : watchdog.stopped() == WatchdogStop::deadline ? 2 : 0;
    }
    state.metrics.in_flight_add(ex.backend->config->name, -1);
    const auto now = std::chrono::steady_clock::now();
    const std::optional<std::string> failed = candidate_failure(ex, winner);
    if (!failed) {
      if (ex.head_sent && ex.upstream_status < 500 && ex.upstream_status != 429)
        state.health.record(target.backend, router::Outcome::success, now);
      break;
    }
    if (counts_against_backend(ex)) state.health.record(target.backend, router::Outcome::failure, now);
    if (!ex.can_fall_back || now >= ex.total_deadline) {
      // A local-only user's last local candidate failed: the cloud, which would take over for others, may not.
      if (ex.local_only) {
        ex.failure = Failure{FailureKind::unavailable, FailureOrigin::proxy, 503, false, *failed + "; " + decision->local_only};
        winner = 0;
      }
      break;
    }
    // Say in the headers and the record why the answer comes from a later candidate.
    ++record->fallback_attempts;
    prepared->reason += "; fell back from " + state.config->ref_name(target) + ": " + *failed;
    record->reason = prepared->reason;
  }
  settle_task(ex, false);  // not sent anywhere: answered (or abandoned) here

  if (winner == 1) {  // client gone: the upstream connection was closed with the exchange
    record->client_disconnected = true;
    complete_record(*record, ex, relayed_status(ex), "client_gone");
    co_return KeepAlive::no;
  }
  if (winner == 2) {
    const std::string message = timeout_message(ex);
    if (!ex.head_sent) {
      const std::string error = error_body(ex.api, 504, message, "timeout");
      co_await write_response(*session, 504, "application/json", error, keep_alive, ex.client_headers);
      complete_record(*record, ex, 504, "timeout");
      co_return keep_alive;
    }
    co_await end_stream_with_error(ex, 504, message);
    complete_record(*record, ex, relayed_status(ex), "timeout");
    // Ended with an error event and the terminator, the response is whole: closing the connection now would
    // race the client's next request on it.
    co_return ex.body_terminated ? keep_alive : KeepAlive::no;
  }
  if (ex.failure && !ex.head_sent && ex.failure->kind != FailureKind::client_gone) {
    const int status = error_status(ex.api, ex.failure->status);
    const std::string error = error_body(ex.api, status, ex.failure->detail);
    co_await write_response(*session, static_cast<unsigned>(status), "application/json", error, keep_alive,
                            ex.client_headers);
    complete_record(*record, ex, status, to_string(ex.failure->kind));
    co_return keep_alive;
  }
  complete_record(*record, ex, relayed_status(ex), ex.failure ? to_string(ex.failure->kind) : std::string_view{});
  if (ex.failure && ex.failure->kind == FailureKind::client_gone) record->client_disconnected = true;
  // A stream that failed after its head went out still ended with a well-formed chunked body (an error
  // event, then the terminator): the connection stays usable, and closing it would race the client's next
  // request on it. Only a response cut short on the wire forces a close.
  if (ex.failure && ex.failure->kind != FailureKind::upstream_status &&
      (ex.failure->kind == FailureKind::client_gone || !ex.body_terminated))
    co_return KeepAlive::no;
  co_return keep_alive;
}

/// The headers a router sees: the client's, as name/value pairs.
router::Headers router_headers(const ClientRequest& request) {
  router::Headers headers;
  for (const auto& field : request.base()) headers.add(std::string(field.name_string()), std::string(field.value()));
  return headers;
}

}  // namespace

awaitable<KeepAlive> serve_model_request(ServerState* state, ClientSession* session, ClientRequest* request, ClientApi api) {
  const config::Config& config = *state->config;
  const std::string request_id = state->request_ids.id_for((*request)["x-request-id"]);
  const std::string id_header = "x-request-id: " + request_id + "\r\n";
  // HTTP/1.0 clients get no keep-alive: their stream is delimited by the connection closing.
  const KeepAlive keep_alive =
      request->keep_alive() && request->version() >= 11 && !state->draining ? KeepAlive::yes : KeepAlive::no;

  Exchange ex;
  ex.started = Clock::now();
  ex.state = state;
  ex.session = session;
  ex.api = api;
  ex.client_http10 = request->version() < 11;
  ex.client_keep_alive = keep_alive == KeepAlive::yes;
  ex.total_deadline = ex.started + config.server.timeouts.total;
  records::RequestRecord record;
  record.id = request_id;
  record.start_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
  std::tie(record.client_tool, record.client_version) = client_tool((*request)[http::field::user_agent]);
  record.endpoint = std::string(path_without_query(request->target()));
  record.wire_format = format_name(api);
  record.bytes_in = request->body().size();

  // Authenticate: the key names the user whose quotas and policy apply (401 in the endpoint's format).
  const auto caller = caller_of(*state, *request);
  if (const auto* failure = std::get_if<policies::AuthFailure>(&caller)) {
    co_await write_unauthorized(*session, api, *failure, keep_alive, id_header);
    complete_record(record, ex, 401, to_string(FailureKind::unauthorized));
    state->submit(std::move(record), nullptr);
    co_return keep_alive;
  }
  ex.user = std::get<const config::UserConfig*>(caller);
  record.user = ex.user->name;

  // 1. Parse once: validate the JSON, find the top-level fields to splice, extract the task features.
  std::string& body = request->body();
  body.reserve(body.size() + json_padding());
  simdjson::ondemand::document document;  // the body indexed once, read by the scan and the router
  ScanResult scan = scan_request_body(body, body.capacity(), document);
  const simdjson::padded_string_view padded(body.data(), body.size(), body.capacity());
  router::ExtractResult extracted =
      !scan.body     ? router::ExtractResult(router::ExtractError{0, scan.error})
      : scan.indexed ? state->request_parser.extract(record.endpoint, router_headers(*request), document, padded)
                     : state->request_parser.extract(record.endpoint, router_headers(*request), padded);
  if (!scan.body || std::holds_alternative<router::ExtractError>(extracted)) {
    const std::string message = scan.body ? std::get<router::ExtractError>(extracted).message : scan.error;
    const std::string error = error_body(api, 400, message);
    co_await write_response(*session, 400, "application/json", error, keep_alive, id_header);
    complete_record(record, ex, 400, to_string(FailureKind::bad_request));
    state->submit(std::move(record), nullptr);
    co_return keep_alive;
  }
  const router::RequestFeatures& features = std::get<router::RequestFeatures>(extracted);
  record.model_requested = scan.body->model;

  // 2. Decide the ordered candidates (policy, context fit, capabilities, pin, health). The task and the
  //    conversation's pin come first, unless the request names a model its user may use (TaskVerdict).
  const auto now = std::chrono::steady_clock::now();
  const auto route_header = request->find("x-llmroute-route");
  router::RouteRequest route_request;
  route_request.features = &features;
  route_request.requested_model = scan.body->model;
  if (route_header != request->end()) route_request.route_header = route_header->value();
  route_request.policy = ex.user->private_user ? router::UserPolicy::private_user : router::UserPolicy::standard;
  TaskVerdict task{state, &features, &record, api};
  std::string conversation;
  // Admission turns a user whose cloud budget is spent local-only, when the user has one.
  const bool may_degrade = ex.user->quotas.cloud_spend_per_month.has_value() &&
                           ex.user->on_budget_exhausted == config::BudgetPolicy::degrade_to_local;
  if (api == ClientApi::count_tokens || router::route_needs_task(config, route_request, may_degrade)) {
    route_request.classification = task.classify();
    // Pins are per user: two members who happen to open a conversation the same way are two conversations.
    conversation = router::conversation_key(features, ex.user->name);
    route_request.conversation_key = conversation;
    if (state->redis) {
      awaitable<std::optional<config::ModelRef>> shared_pin = state->redis->pinned_model(&config, conversation, now);
      route_request.pinned = co_await std::move(shared_pin);
    } else {
      route_request.pinned = router::pinned_model(state->pins, config, conversation, now);
    }
  }
  route_request.healthy = [state, now](std::size_t backend) { return state->health.healthy(backend, now); };
  router::RouteDecision decision = router::decide_route(config, route_request);

  // Admit: reserve the user's quotas before anything is forwarded; a spent cloud budget may leave local only.
  Admitted admitted = co_await admit(state, ex.user, api, &features, &route_request, &decision);
  if (admitted.refusal) {
    if (!task.classified) task.classify();
    const AdmissionRefusal& refusal = *admitted.refusal;
    const int status = error_status(api, refusal.status);
    const std::string error = error_body(api, status, refusal.message, refusal.code, refusal.type);
    const std::string headers = routing_headers(ex, request_id, record.task, refusal.message) + refusal.headers;
    co_await write_response(*session, static_cast<unsigned>(status), "application/json", error, keep_alive, headers);
    complete_record(record, ex, status, to_string(status == 429 ? FailureKind::rate_limited : FailureKind::unavailable));
    state->submit(std::move(record), nullptr);
    co_return keep_alive;
  }

  PreparedRequest prepared{request, &*scan.body, body, request_id, task.classified ? record.task : std::string(),
                           decision.reason};
  record.reason = decision.reason;
  // A backend that ignores `stream` answers with one JSON body, which such a client cannot read: it is retold.
  ex.client_streams = scan.body->stream && (api == ClientApi::chat_completions || api == ClientApi::completions ||
                                            api == ClientApi::messages || api == ClientApi::responses);
  ex.client_asked_usage = scan.body->include_usage;
  if (decision.refusal) {
    if (!task.classified) task.classify();
    const int status = error_status(api, decision.refusal_cause == router::RefusalCause::no_fit ? 400 : 503);
    const std::string error = error_body(api, status, *decision.refusal);
    const std::string headers = routing_headers(ex, request_id, record.task, decision.reason);
    co_await write_response(*session, static_cast<unsigned>(status), "application/json", error, keep_alive, headers);
    complete_record(record, ex, status, to_string(status == 400 ? FailureKind::bad_request : FailureKind::unavailable));
    state->submit(std::move(record), nullptr);
    co_return keep_alive;
  }
  ex.proxy_time += Clock::now() - ex.started;

  // count_tokens is never a chat call: an Anthropic backend counts natively (forwarded below); another
  // backend counts with its own tokenizer where it has one (llama.cpp), else the features' estimate answers.
  const config::BackendConfig& first = *state->backends[decision.candidates.front().target.backend].config;
  if (api == ClientApi::count_tokens && first.kind != config::BackendKind::anthropic) {
    ex.backend = &state->backends[decision.candidates.front().target.backend];
    ex.model = &config.model(decision.candidates.front().target);
    std::uint64_t tokens = features.estimated_input_tokens;
    std::string how = "count_tokens estimated by llmroute";
    if (!first.tokenize_path.empty()) {
      std::string text = messages_request_text(body);
      const TokenCount counted = co_await count_with_backend_tokenizer(state, ex.backend, std::move(text));
      if (counted.error.empty()) {
        tokens = counted.tokens;
        how = "count_tokens counted by " + first.name + "'s tokenizer";
      } else {
        how += " (" + first.name + "'s tokenizer: " + counted.error + ")";
      }
    }
    const std::string answer = "{\"input_tokens\":" + std::to_string(tokens) + "}";
    const std::string headers = routing_headers(ex, request_id, record.task, how);
    co_await write_response(*session, 200, "application/json", answer, keep_alive, headers);
    record.usage.input = tokens;
    complete_record(record, ex, 200, {});
    state->submit(std::move(record), nullptr);
    co_return keep_alive;
  }

  // A request sampled for a shadow copy has its answer reassembled while it is relayed (capped); no other
  // request pays for that. A request whose task waits is sampled once it is classified (settle_task).
  if (task.classified) {
    task.sample_shadow();
    if (task.shadowed) ex.keep_answer_bytes = config.shadow.max_answer_bytes;
  }
  ex.task = &task;
  ex.prepared = &prepared;

  // 3. Forward to the candidates in order and relay, watching the client and the deadlines.
  session->busy = true;
  const KeepAlive result = co_await forward(&ex, &prepared, &decision, keep_alive, &record);
  if (decision.pin_new && !conversation.empty() && record.failure_kind.empty() && ex.backend)
    if (auto served = config.find_ref(record.backend + "/" + record.model_served)) {
      if (state->redis) state->redis->pin_model(config, conversation, *served, std::chrono::steady_clock::now());
      else router::pin_model(state->pins, config, conversation, *served, std::chrono::steady_clock::now());
    }
  if (admitted.guard) admitted.guard->settle(settlement_of(record, ex.model, state->cost));
  // 4. Shadow (maybe): once the answer is complete, a detached copy to the alternate model; never waited for.
  std::optional<ShadowJob> shadow;
  if (task.shadowed && ex.meter && ex.meter->kept_answer())
    shadow = shadow_job(config, record, features, *ex.meter->kept_answer(), client_format(api), body,
                        ex.user->private_user);
  const double cost = state->submit(std::move(record), ex.model);
  if (shadow) state->shadows.start(state, std::move(*shadow), cost);
  co_return result;
}

}  // namespace llmroute::proxy
