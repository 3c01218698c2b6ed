// One forwarded request's exchange with one backend: its slot, its connection, the relay of its answer.
// Internal to proxy/ (the request path and its helpers); nothing outside proxy/ includes it.
#pragma once

#include "proxy/answer_meter.hpp"
#include "proxy/asio.hpp"
#include "proxy/failure.hpp"
#include "proxy/request_body.hpp"
#include "proxy/server_state.hpp"
#include "proxy/watchdog.hpp"
#include "proxy/wire_format.hpp"
#include "records/request_record.hpp"
#include "wire/completion.hpp"
#include "wire/wire_format.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace llmroute::proxy {

using Clock = std::chrono::steady_clock;

enum class Phase { connecting, waiting_first_byte, streaming };

struct TaskVerdict;
struct PreparedRequest;

/// Everything one forwarded request shares between its relay, its watchdog and its client watcher.
struct Exchange {
  ServerState* state = nullptr;
  ClientSession* session = nullptr;
  ClientApi api = ClientApi::chat_completions;
  const config::UserConfig* user = nullptr;  ///< the authenticated caller (quotas, privacy, fair queuing)
  BackendRuntime* backend = nullptr;
  const config::ModelConfig* model = nullptr;
  bool client_http10 = false;
  /// The client keeps the connection open after this answer: it did not send `Connection: close`, and the
  /// proxy is not shutting down. The answer's head says so, as a client may otherwise reuse a closing socket.
  bool client_keep_alive = true;
  bool client_streams = false;      ///< the client asked for its answer as a stream (Chat, legacy completions, Messages, Responses)
  bool client_asked_usage = false;  ///< a Chat or legacy completions client asked for the usage chunk (stream_options.include_usage)
  bool can_fall_back = false;  ///< another candidate remains: a 429/5xx answer is not relayed but retried there
  bool local_only = false;     ///< a private (or out-of-budget) user: a 429/5xx of the last candidate is answered 503
  std::size_t keep_answer_bytes = 0;  ///< > 0 only for a request sampled for shadowing: its answer is reassembled
  TaskVerdict* task = nullptr;           ///< the request's task; settle_task classifies it if it waited
  PreparedRequest* prepared = nullptr;   ///< where settle_task puts the task for the headers of later candidates

  std::string upstream_head;
  SplicedBody body;
  bool usage_injected = false;  ///< the proxy asked for include_usage; the client did not
  std::string translated_body;  ///< the request in the backend's format, when it differs from the client's
  wire::TranslationContext answer_context;
  std::string client_headers;  ///< x-llmroute-* and x-request-id lines for the client

  Phase phase = Phase::connecting;
  Clock::time_point deadline;
  Watchdog* watchdog = nullptr;  ///< stops the exchange at the deadline or when the client leaves
  Clock::time_point total_deadline;
  bool head_sent = false;          ///< the client has received our status line: no fallback, no JSON error
  std::string pending_head;        ///< the status line and headers, written together with the first piece
  bool chunked = false;            ///< the client response uses chunked framing
  bool ended_on_event_boundary = true;
  bool body_terminated = false;    ///< the client saw a whole response (its chunked terminator or all its length went out)
  bool client_write_cut = false;   ///< a write to the client failed or was cancelled part-way: nothing may follow it
  unsigned upstream_status = 0;
  std::uint64_t bytes_to_client = 0;
  std::optional<Failure> failure;

  Clock::time_point started;  ///< the request was read completely
  std::optional<AnswerMeter> meter;
  std::optional<Clock::time_point> first_byte_at;
  std::optional<Clock::time_point> first_token_at;
  Clock::time_point last_token_at;
  Clock::duration proxy_time{};  ///< our own processing, excluding every wait on a socket
};

/// Classifies a request whose classification waited (TaskVerdict) and adds its x-llmroute-task header:
/// once it has been sent to a backend (`sample`: it may then be shadowed, its answer being on the way), or
/// before the proxy answers it itself. Defined with the request path (model_request.cpp).
void settle_task(Exchange& ex, bool sample);

inline double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

/// Wire format of a client API and of a backend kind.
inline wire::WireFormat client_format(ClientApi api) {
  switch (api) {
    case ClientApi::messages:
    case ClientApi::count_tokens: return wire::WireFormat::messages;
    case ClientApi::responses: return wire::WireFormat::responses;
    default: return wire::WireFormat::chat;
  }
}

inline wire::WireFormat backend_format(config::BackendKind kind) {
  switch (kind) {
    case config::BackendKind::anthropic: return wire::WireFormat::messages;
    case config::BackendKind::openai_responses: return wire::WireFormat::responses;
    default: return wire::WireFormat::chat;
  }
}

/// Enters `phase`: its deadline (within the total one) becomes the one the watchdog enforces.
void set_phase(Exchange& ex, Phase phase);

/// What the client is told when the watchdog stopped the exchange at its deadline.
std::string timeout_message(const Exchange& ex);

/// After part of the answer went out, a failure can only be told inside the stream: close any partial
/// event, append an error event, and end the response.
awaitable<void> end_stream_with_error(Exchange& ex, int status, std::string_view message);

/// Gets a connection and runs the exchange; a kept-alive connection the backend had closed is retried once.
/// How it ended is in `ex` (failure, head_sent, upstream_status, the meter).
awaitable<void> run_exchange(Exchange* ex);

/// How the wait for a backend slot ended.
enum class SlotWait { granted, expired, client_gone };

/// Takes a slot of the exchange's backend into `slot`; while the backend is at max_concurrency, waits in the
/// user's queue (served round-robin across users) up to scheduling.max_queue_wait. The wait goes into the record.
awaitable<SlotWait> wait_for_slot(Exchange* ex, records::RequestRecord* record, SlotGuard* slot);

/// Why a request gave up waiting for a slot of the exchange's backend.
std::string queue_timeout_message(const Exchange& ex);

}  // namespace llmroute::proxy
