// The request path, top to bottom: parse once, pick the target, forward, relay each piece as it arrives.
#include "proxy/model_request.hpp"

#include "proxy/admission.hpp"
#include "proxy/answer_meter.hpp"
#include "proxy/backend_tokenizer.hpp"
#include "proxy/asio_ssl.hpp"
#include "proxy/eager_write.hpp"
#include "proxy/error_body.hpp"
#include "proxy/header_rules.hpp"
#include "proxy/request_auth.hpp"
#include "proxy/request_body.hpp"
#include "proxy/upstream_body.hpp"
#include "proxy/watchdog.hpp"
#include "wire/format_mappings.hpp"
#include "wire/request_translation.hpp"
#include "wire/response_translation.hpp"
#include "router/conversation_pins.hpp"
#include "router/router.hpp"

#include <simdjson.h>

#include <array>
#include <chrono>
#include <optional>
#include <span>
#include <type_traits>

namespace llmroute::proxy {

namespace {

using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

enum class Phase { connecting, waiting_first_byte, streaming };

/// How one attempt on one upstream connection ended.
enum class Attempt {
  reusable,         ///< answer relayed completely; the connection may serve another request
  done,             ///< answer relayed (or failed); the connection must be closed
  stale_connection  ///< a kept-alive connection was closed by the backend before it answered
};

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
/// before the proxy answers it itself.
void settle_task(Exchange& ex, bool sample);

double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

/// Wire format of a client API and of a backend kind.
wire::WireFormat client_format(ClientApi api) {
  switch (api) {
    case ClientApi::messages:
    case ClientApi::count_tokens: return wire::WireFormat::messages;
    case ClientApi::responses: return wire::WireFormat::responses;
    default: return wire::WireFormat::chat;
  }
}

std::string_view format_name(ClientApi api) {
  switch (client_format(api)) {
    case wire::WireFormat::messages: return "anthropic";
    case wire::WireFormat::responses: return "openai-responses";
    default: return "openai";
  }
}

wire::WireFormat backend_format(config::BackendKind kind) {
  switch (kind) {
    case config::BackendKind::anthropic: return wire::WireFormat::messages;
    case config::BackendKind::openai_responses: return wire::WireFormat::responses;
    default: return wire::WireFormat::chat;
  }
}

void set_phase(Exchange& ex, Phase phase) {
  const auto& t = ex.state->config->server.timeouts;
  ex.phase = phase;
  const auto now = Clock::now();
  switch (phase) {
    // The pool enforces the connect timeout with a precise message; this is only a backstop.
    case Phase::connecting: ex.deadline = now + 2 * t.upstream_connect + std::chrono::seconds(1); break;
    case Phase::waiting_first_byte: ex.deadline = now + t.upstream_first_byte; break;
    case Phase::streaming: ex.deadline = now + t.upstream_idle; break;
  }
  ex.deadline = std::min(ex.deadline, ex.total_deadline);
  // The watchdog sleeps until the deadline it last saw: an earlier one must wake it.
  if (ex.watchdog) ex.watchdog->deadline_moved();
}

/// Whether the watchdog stopped the exchange (client gone, deadline): forward() answers for it.
bool stopped(const Exchange& ex) { return ex.watchdog && ex.watchdog->stopped() != WatchdogStop::none; }

std::string timeout_message(const Exchange& ex) {
  const auto& t = ex.state->config->server.timeouts;
  const std::string who = "backend '" + ex.backend->config->name + "'";
  if (ex.deadline >= ex.total_deadline) return who + " did not finish within the total timeout of " + std::to_string(t.total.count()) + " ms";
  switch (ex.phase) {
    case Phase::connecting: return who + " could not be reached in time";
    case Phase::waiting_first_byte:
      return who + " sent no answer within " + std::to_string(t.upstream_first_byte.count()) + " ms (upstream_first_byte)";
    case Phase::streaming:
      return who + " sent nothing for " + std::to_string(t.upstream_idle.count()) + " ms in the middle of its answer (upstream_idle)";
  }
  return who + " timed out";
}

std::string host_header(const config::BackendConfig& b) {
  std::string host = b.host.find(':') != std::string::npos ? "[" + b.host + "]" : b.host;
  const bool default_port = (b.scheme == config::Scheme::http && b.port == 80) || (b.scheme == config::Scheme::https && b.port == 443);
  if (!default_port) host += ":" + std::to_string(b.port);
  return host;
}

/// The backend path for a client API: the API itself when the formats match, else the backend's own.
std::string_view upstream_suffix(ClientApi api, config::BackendKind kind) {
  if (api == ClientApi::completions) return "/completions";
  if (api == ClientApi::count_tokens) return "/messages/count_tokens";
  switch (kind) {
    case config::BackendKind::anthropic: return "/messages";
    case config::BackendKind::openai_responses: return "/responses";
    default: return "/chat/completions";
  }
}

/// The request line and headers sent to the backend; the client's credentials never cross.
std::string upstream_head(const BackendRuntime& backend, const ClientRequest& request, ClientApi api,
                          std::size_t body_size, std::string_view request_id) {
  const config::BackendConfig& b = *backend.config;
  const std::string_view target = request.target();
  const auto query = target.find('?');
  std::string head = "POST ";
  head += b.base_path;
  head += upstream_suffix(api, b.kind);
  // The query belongs to the client's API (`?beta=true` on Anthropic's); it only crosses to the same API.
  if (query != std::string_view::npos && backend_format(b.kind) == client_format(api)) head += target.substr(query);
  head += " HTTP/1.1\r\nHost: ";
  head += host_header(b);
  head += "\r\nContent-Type: application/json\r\nContent-Length: ";
  head += std::to_string(body_size);
  head += "\r\nx-request-id: ";
  head += request_id;
  head += "\r\n";
  if (backend.api_key) {
    if (b.kind == config::BackendKind::anthropic) {
      head += "x-api-key: " + *backend.api_key + "\r\n";
      if (request.find("anthropic-version") == request.end())
        head += "anthropic-version: 2023-06-01\r\n";
    } else {
      head += "Authorization: Bearer " + *backend.api_key + "\r\n";
    }
  }
  head += forwarded_request_headers(request.base());
  head += "\r\n";
  return head;
}

/// Writes "<size in hex>\r\n" into `out` (at least 20 bytes) and returns its length; snprintf cost about
/// 650 instructions per relayed piece.
std::size_t chunk_size_line(char* out, std::size_t size) {
  char digits[16];
  std::size_t n = 0;
  do {
    digits[n++] = "0123456789abcdef"[size & 0xf];
    size >>= 4;
  } while (size != 0);
  for (std::size_t i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
  out[n] = '\r';
  out[n + 1] = '\n';
  return n + 2;
}

/// Whether a write also ends the response (the chunked terminator rides along in the same write).
enum class Last { no, yes };

/// Writes one relayed piece to the client in one gather: the response head if it has not gone out yet
/// (it waits for the first piece, so head and first event share a packet), the piece in chunked framing
/// when the response uses it, and the terminator when `last`.
awaitable<bool> write_piece(Exchange& ex, std::string_view piece, Last last = Last::no) {
  const bool terminate = last == Last::yes && ex.chunked;
  if (piece.empty() && ex.pending_head.empty() && !terminate) co_return true;
  char size_line[24];
  std::array<asio::const_buffer, 5> buffers;
  std::size_t count = 0;
  if (!ex.pending_head.empty()) buffers[count++] = asio::buffer(ex.pending_head);
  if (!piece.empty()) {
    if (ex.chunked) {
      buffers[count++] = asio::buffer(size_line, chunk_size_line(size_line, piece.size()));
      buffers[count++] = asio::buffer(piece);
      buffers[count++] = asio::buffer("\r\n", 2);
    } else {
      buffers[count++] = asio::buffer(piece);
    }
  }
  if (terminate) buffers[count++] = asio::buffer("0\r\n\r\n", 5);
  const std::span<const asio::const_buffer> gather(buffers.data(), count);
  error_code ec;
  const std::size_t sent = write_now(ex.session->socket, gather, ec);
  if (!ec && sent < asio::buffer_size(gather)) ec = co_await write_rest(ex.session->socket, gather, sent);
  if (!ex.pending_head.empty()) {
    ex.pending_head.clear();
    ex.head_sent = true;
  }
  ex.bytes_to_client += piece.size();
  if (terminate && !ec) ex.body_terminated = true;
  if (ec) ex.client_write_cut = true;
  if (!piece.empty()) ex.ended_on_event_boundary = piece.ends_with("\n\n") || piece.ends_with("\r\n\r\n");
  co_return !ec;
}

/// After part of the answer went out, a failure can only be told inside the stream: close any partial
/// event, append an error event, and end the response.
awaitable<void> end_stream_with_error(Exchange& ex, int status, std::string_view message) {
  // A whole (JSON) answer cannot carry an event: it stays unterminated, and the closed connection tells the
  // client that the answer is incomplete. Nor can anything follow a piece whose write was cut.
  if ((ex.meter && ex.meter->whole()) || ex.client_write_cut) co_return;
  if (ex.meter && ex.meter->translating()) {
    // The translator ends the client's format properly: its own error event (Anthropic `event: error`,
    // Responses `response.failed`, Chat `data: {"error"…}` + [DONE]).
    co_await write_piece(ex, ex.meter->on_end(wire::StreamEnd::upstream_failed, message), Last::yes);
    co_return;
  }
  if (ex.chunked || ex.client_http10) {
    std::string event = ex.ended_on_event_boundary ? "" : "\n\n";
    event += sse_error_event(ex.api, status, message);
    co_await write_piece(ex, event, Last::yes);
  }
}

/// The head for the client; a streamed answer goes out chunked even when the backend gave its length, as its
/// translation (or the usage chunk it hides) changes that length.
std::string client_response_head(Exchange& ex, const http::response_parser<http::buffer_body>& parser, bool whole) {
  const auto& response = parser.get();
  std::string headers = forwarded_response_headers(response.base());
  const bool has_length = whole && parser.content_length().has_value();
  ex.chunked = !has_length && !ex.client_http10;
  if (has_length) headers += "Content-Length: " + std::to_string(*parser.content_length()) + "\r\n";
  if (ex.chunked) headers += "Transfer-Encoding: chunked\r\n";
  if (!has_length) headers += "Cache-Control: no-cache\r\nX-Accel-Buffering: no\r\n";
  headers += ex.client_headers;
  const KeepAlive keep = ex.client_http10 ? KeepAlive::no : KeepAlive::yes;
  return response_head(static_cast<unsigned>(error_status(ex.api, response.result_int())), keep, headers);
}

Failure upstream_broke(const Exchange& ex, std::string what) {
  return Failure{FailureKind::upstream_error, FailureOrigin::upstream, 502, !ex.head_sent,
                 "backend '" + ex.backend->config->name + "' " + std::move(what)};
}

/// A whole (non-streamed) answer in another format: read it all, translate it, send it with its new length.
template <typename Stream>
awaitable<Attempt> relay_translated_whole(Stream& stream, UpstreamConnection& connection,
                                          http::response_parser<http::buffer_body>& parser, Exchange& ex) {
  std::string upstream_body;
  UpstreamBody reader(body_framing(parser), parser.content_length().value_or(0), connection.buffer);
  while (!reader.done()) {
    auto [ec, piece] = co_await reader.read(stream);
    upstream_body.append(piece);
    ex.meter->on_piece(piece);
    if (ec) {
      if (stopped(ex)) co_return Attempt::done;
      ex.failure = upstream_broke(ex, "ended its answer early (" + ec.message() + ")");
      co_return Attempt::done;
    }
    set_phase(ex, Phase::streaming);
  }
  ex.meter->on_end();
  const auto started = Clock::now();
  const wire::WireFormat from = backend_format(ex.backend->config->kind), to = client_format(ex.api);
  std::string body;
  if (ex.upstream_status >= 400) {
    body = wire::translate_error(from, to, static_cast<int>(ex.upstream_status), upstream_body);
  } else if (auto translated = wire::translate_response(from, to, upstream_body, ex.answer_context); translated) {
    body = std::move(translated->body);
  } else {
    ex.upstream_status = 502;
    ex.failure = upstream_broke(ex, "sent an answer that cannot be translated: " + translated.error().message);
    body = error_body(ex.api, 502, ex.failure->detail);
  }
  std::string headers = "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  headers += ex.client_headers;
  const std::string head = response_head(static_cast<unsigned>(error_status(ex.api, static_cast<int>(ex.upstream_status))), ex.client_http10 ? KeepAlive::no : KeepAlive::yes, headers);
  ex.proxy_time += Clock::now() - started;
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(body)};
  const error_code ec = co_await eager_write(ex.session->socket, buffers);
  ex.head_sent = true;
  ex.bytes_to_client += body.size();
  ex.body_terminated = !ec;  // a 502 for an untranslatable answer too: the client may send its next request
  if (ec) {
    if (stopped(ex)) co_return Attempt::done;
    ex.failure = Failure{FailureKind::client_gone, FailureOrigin::client, 499, false, "client disconnected"};
    co_return Attempt::done;
  }
  co_return parser.keep_alive() && reader.reusable() ? Attempt::reusable : Attempt::done;
}

/// Sends the request: at once on plain TCP (it nearly always fits the socket buffer), through the TLS stream otherwise.
template <typename Stream>
awaitable<error_code> send_request(Stream& stream, std::span<const asio::const_buffer> buffers) {
  if constexpr (std::is_same_v<Stream, tcp::socket>) {
    co_return co_await eager_write(stream, buffers);
  } else {
    auto [ec, n] = co_await asio::async_write(stream, buffers, use_nothrow);
    co_return ec;
  }
}

/// One attempt on one connection: send the request, relay the answer piece by piece.
template <typename Stream>
awaitable<Attempt> exchange_on(Stream& stream, UpstreamConnection& connection, Exchange* ex_ptr) {
  Exchange& ex = *ex_ptr;
  const bool reused = connection.requests_served > 0;
  std::vector<asio::const_buffer> request_buffers{asio::buffer(ex.upstream_head)};
  for (std::string_view piece : ex.body.pieces()) request_buffers.push_back(asio::buffer(piece));
  set_phase(ex, Phase::waiting_first_byte);
  if (const error_code ec = co_await send_request(stream, std::span<const asio::const_buffer>(request_buffers)); ec) {
    if (stopped(ex)) co_return Attempt::done;
    if (reused) co_return Attempt::stale_connection;
    ex.failure = upstream_broke(ex, "closed the connection while the request was being sent (" + ec.message() + ")");
    co_return Attempt::done;
  }
  ex.state->busy_poll.expect_bytes();  // the backend's first byte
  settle_task(ex, true);                // in the backend's time (TaskVerdict)

  // Interim answers (100 Continue, 103 Early Hints) precede the real one: each is read and dropped, and the
  // real one needs a parser of its own.
  std::optional<http::response_parser<http::buffer_body>> head;
  bool interim = false;
  do {
    interim = head.has_value();
    head.emplace();
    head->body_limit(boost::none);  // streamed answers have no size limit
    if (auto [ec, n] = co_await http::async_read_header(stream, connection.buffer, *head, use_nothrow); ec) {
      if (stopped(ex)) co_return Attempt::done;
      if (reused && !interim && !head->got_some()) co_return Attempt::stale_connection;
      ex.failure = upstream_broke(ex, "closed the connection without answering (" + ec.message() + ")");
      co_return Attempt::done;
    }
  } while (is_interim_status(head->get().result_int()));
  http::response_parser<http::buffer_body>& parser = *head;
  ex.first_byte_at = Clock::now();
  ex.upstream_status = parser.get().result_int();
  if (!is_http_status(ex.upstream_status)) {
    ex.failure = upstream_broke(ex, "answered " + std::to_string(ex.upstream_status) + ", which is not an HTTP status (100-599)");
    co_return Attempt::done;
  }
  if (carries_no_answer(ex.upstream_status)) {
    ex.failure = upstream_broke(ex, "answered " + std::to_string(ex.upstream_status) + ", a status that cannot carry an answer");
    co_return Attempt::done;
  }
  if ((ex.can_fall_back || ex.local_only) && (ex.upstream_status == 429 || ex.upstream_status >= 500)) {
    ex.failure = Failure{FailureKind::upstream_status, FailureOrigin::upstream, static_cast<int>(ex.upstream_status), true,
                         "backend '" + ex.backend->config->name + "' answered " + std::to_string(ex.upstream_status)};
    co_return Attempt::done;
  }
  const bool whole = !streamed_answer(parser);
  ex.meter.emplace(backend_format(ex.backend->config->kind), client_format(ex.api),
                   whole ? AnswerFraming::whole : AnswerFraming::streamed,
                   ex.usage_injected ? UsageChunk::strip : UsageChunk::keep, ex.answer_context);
  if (ex.keep_answer_bytes > 0) ex.meter->keep_answer(ex.keep_answer_bytes);  // sampled requests only
  if (ex.upstream_status >= 400)
    ex.failure = Failure{FailureKind::upstream_status, FailureOrigin::upstream, static_cast<int>(ex.upstream_status),
                         ex.upstream_status == 429 || ex.upstream_status >= 500,
                         "backend '" + ex.backend->config->name + "' answered " + std::to_string(ex.upstream_status)};
  // Still the first byte's wait: servers such as vLLM send headers at once and the first token much later.
  if (whole && ex.meter->translating()) co_return co_await relay_translated_whole(stream, connection, parser, ex);

  ex.pending_head = client_response_head(ex, parser, whole);

  // Each read hands out everything that arrived (several events under load), written in one gather.
  UpstreamBody body(body_framing(parser), parser.content_length().value_or(0), connection.buffer);
  bool terminated = false;
  while (!body.done()) {
    auto [ec, piece] = co_await body.read(stream);
    // A stream delimited by the connection's close has no end of its own but its terminal event: a close
    // before that event cut the answer.
    if (body.done() && body.framing() == BodyFraming::until_close && !ex.meter->stream_ended())
      ec = http::error::partial_message;
    if (!piece.empty()) {
      const auto read_at = Clock::now();
      // The client gets each piece before it is measured: it need not wait for our bookkeeping.
      const std::string_view out = ex.meter->relay(piece);
      // The answer's last piece takes the chunked terminator along, unless the end still adds bytes.
      terminated = (body.done() || ex.meter->terminal_event_seen()) && !ex.meter->ending_adds_bytes();
      const auto relayed_at = Clock::now();
      const bool wrote = co_await write_piece(ex, out, terminated ? Last::yes : Last::no);
      const auto written_at = Clock::now();
      ex.meter->measure(piece);  // the connection's buffer, which holds `piece`, is untouched until the next read
      if (ex.meter->first_content_seen()) {
        if (!ex.first_token_at) ex.first_token_at = read_at;
        ex.last_token_at = read_at;
      }
      ex.proxy_time += (relayed_at - read_at) + (Clock::now() - written_at);
      if (!wrote) {
        if (stopped(ex)) co_return Attempt::done;
        ex.failure = Failure{FailureKind::client_gone, FailureOrigin::client, 499, false, "client disconnected"};
        co_return Attempt::done;
      }
    }
    if (ec) {
      // Stopped (the client left or a deadline passed): forward() answers for the exchange.
      if (stopped(ex)) co_return Attempt::done;
      if (!ex.meter->translating()) {
        const std::string_view held = ex.meter->on_end();
        if (!held.empty()) co_await write_piece(ex, held);
      }
      ex.failure = upstream_broke(ex, "ended its answer early (" + ec.message() + ")");
      // With nothing of the answer sent yet, forward() answers 502 (or falls back); after, the stream says it.
      if (ex.head_sent) co_await end_stream_with_error(ex, 502, ex.failure->detail);
      co_return Attempt::done;
    }
    // After its terminal event the client's answer is complete, whether or not the backend ends its body.
    if (ex.meter->terminal_event_seen()) break;
    set_phase(ex, Phase::streaming);
  }
  const std::string_view end = ex.meter->on_end();
  if (!terminated && !co_await write_piece(ex, end, Last::yes)) {
    if (stopped(ex)) co_return Attempt::done;
    ex.failure = Failure{FailureKind::client_gone, FailureOrigin::client, 499, false, "client disconnected"};
    co_return Attempt::done;
  }
  if (!body.done() && parser.keep_alive()) {
    // The client has its whole answer: what the backend does now concerns only the connection's reuse.
    if (ex.watchdog) ex.watchdog->dismiss();
    co_await body.read_end(stream, ex.state->config->server.timeouts.upstream_idle);
  }
  co_return parser.keep_alive() && body.reusable() ? Attempt::reusable : Attempt::done;
}

/// Gets a connection and runs the exchange; a kept-alive connection the backend had closed is retried once.
awaitable<void> run_exchange(Exchange* ex) {
  const config::BackendConfig& backend = *ex->backend->config;
  if (!backend.api_key_env.empty() && !ex->backend->api_key) {
    ex->failure = Failure{FailureKind::upstream_refused, FailureOrigin::proxy, 502, true,
                          "backend '" + backend.name + "' needs its API key in the environment variable " +
                              backend.api_key_env + ", which is not set where llmroute runs"};
    co_return;
  }
  UpstreamPool& pool = *ex->backend->pool;
  const auto connect_timeout = ex->state->config->server.timeouts.upstream_connect;
  for (int attempt = 0; attempt < 2; ++attempt) {
    set_phase(*ex, Phase::connecting);
    AcquireResult acquired;
    if (attempt == 0) acquired = co_await pool.acquire(connect_timeout);
    else acquired = co_await pool.connect(connect_timeout);
    if (auto* failure = std::get_if<Failure>(&acquired)) {
      ex->failure = std::move(*failure);
      co_return;
    }
    UpstreamConnectionPtr connection = std::move(std::get<UpstreamConnectionPtr>(acquired));
    if (stopped(*ex)) co_return;  // the connection closes with it
    if (ex->watchdog) ex->watchdog->also_cancel(&connection->socket());
    Attempt result = Attempt::done;
    if (connection->is_tls()) result = co_await exchange_on(connection->tls(), *connection, ex);
    else result = co_await exchange_on(connection->socket(), *connection, ex);
    if (result == Attempt::stale_connection) continue;
    if (result == Attempt::reusable) pool.release(std::move(connection));
    co_return;
  }
  ex->failure = upstream_broke(*ex, "closed two connections in a row without answering");
}

/// Completes when the client disconnects; bytes of a next request that arrive meanwhile are kept.
awaitable<void> watch_client(ClientSession* session) {
  // Waiting for readability costs no read syscall per request (a speculative read would return EAGAIN).
  if (auto [ec] = co_await session->socket.async_wait(tcp::socket::wait_read, use_nothrow); ec) co_return;
  error_code ec;
  const std::size_t n = session->socket.read_some(session->buffer.prepare(4096), ec);
  if (ec || n == 0) co_return;  // EOF or reset: the client is gone
  session->buffer.commit(n);
  asio::steady_timer forever(session->socket.get_executor(), Clock::time_point::max());
  co_await forever.async_wait(use_nothrow);
}

/// How the wait for a backend slot ended.
enum class SlotWait { granted, expired, client_gone };

/// Takes a slot of the exchange's backend into `slot`; while the backend is at max_concurrency, waits in the
/// user's queue (served round-robin across users) up to scheduling.max_queue_wait. The wait goes into the record.
awaitable<SlotWait> wait_for_slot(Exchange* ex, records::RequestRecord* record, SlotGuard* slot) {
  BackendSlots& slots = *ex->backend->slots;
  *slot = slots.try_acquire(record->user);
  if (*slot) co_return SlotWait::granted;
  const auto queued_at = Clock::now();
  const auto until = std::min(queued_at + ex->state->config->scheduling.max_queue_wait, ex->total_deadline);
  auto waited = co_await (slots.acquire(record->user, until) || watch_client(ex->session));
  record->queue_wait_ms += ms_between(queued_at, Clock::now());
  if (waited.index() == 1) co_return SlotWait::client_gone;
  *slot = std::move(std::get<0>(waited));
  co_return *slot ? SlotWait::granted : SlotWait::expired;
}

/// Why a request gave up waiting for a slot of the exchange's backend.
std::string queue_timeout_message(const Exchange& ex) {
  const config::Config& config = *ex.state->config;
  return "backend '" + ex.backend->config->name + "' is busy: none of its " +
         std::to_string(ex.backend->config->max_concurrency) + " slots (max_concurrency) came free within " +
         std::to_string(config.scheduling.max_queue_wait.count()) + " ms (scheduling.max_queue_wait)";
}

/// A header value on one line (reasons quote user-visible text).
std::string header_safe(std::string_view text) {
  std::string out(text.substr(0, 512));
  for (char& c : out)
    if (c == '\r' || c == '\n' || static_cast<unsigned char>(c) < 0x20) c = ' ';
  return out;
}

std::string routing_headers(const Exchange& ex, std::string_view request_id, std::string_view task, std::string_view reason) {
  std::string h = "x-request-id: ";
  h += request_id;
  if (!task.empty()) {  // empty: not classified yet; settle_task adds the line
    h += "\r\nx-llmroute-task: ";
    h += task;
  }
  if (ex.backend) {
    h += "\r\nx-llmroute-route: ";
    h += config::to_string(ex.backend->config->location);
    h += "\r\nx-llmroute-backend: ";
    h += ex.backend->config->name;
    h += "\r\nx-llmroute-model: ";
    h += ex.model->name;
  }
  h += "\r\nx-llmroute-reason: ";
  h += header_safe(reason);
  h += "\r\n";
  return h;
}

/// Client tool and version from a User-Agent such as "claude-cli/2.0.14 (external, cli)".
std::pair<std::string, std::string> client_tool(std::string_view user_agent) {
  user_agent = user_agent.substr(0, user_agent.find(' '));
  const auto slash = user_agent.rfind('/');
  if (slash == std::string_view::npos) return {std::string(user_agent), {}};
  return {std::string(user_agent.substr(0, slash)), std::string(user_agent.substr(slash + 1))};
}

/// Fills the record from what the exchange saw; `status` is what the client got (0: nothing).
void complete_record(records::RequestRecord& record, const Exchange& ex, int status, std::string_view failure_kind) {
  const auto now = Clock::now();
  record.http_status = status;
  record.failure_kind = failure_kind;
  record.total_ms = ms_between(ex.started, now);
  record.bytes_out = ex.bytes_to_client;
  if (ex.first_byte_at) record.upstream_first_byte_ms = ms_between(ex.started, *ex.first_byte_at);
  if (ex.first_token_at) record.ttft_ms = ms_between(ex.started, *ex.first_token_at);
  record.proxy_time_us += std::chrono::duration_cast<std::chrono::microseconds>(ex.proxy_time).count();
  if (!ex.meter) return;
  record.usage = ex.meter->usage();
  record.usage_reported = ex.meter->usage_reported();
  record.finish_reason = ex.meter->finish_reason();
  record.truncated = ex.meter->truncated();
  // Generation phase: first to last token of a stream; for a whole answer, request sent to answer received.
  const double generation_ms = ex.first_token_at && ex.last_token_at > *ex.first_token_at
                                   ? ms_between(*ex.first_token_at, ex.last_token_at)
                                   : (ex.first_byte_at ? ms_between(ex.started, *ex.first_byte_at) : 0);
  if (generation_ms > 0 && record.usage.output > 0) record.tokens_per_second = record.usage.output / (generation_ms / 1000.0);
}

/// The parts of a request every candidate is built from.
struct PreparedRequest {
  const ClientRequest* request;
  const RequestBody* scanned;
  std::string_view body;
  std::string request_id;
  std::string task;
  std::string reason;
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

/// Points the exchange at one candidate: its backend, its model id spliced into the body (or the body
/// translated to the backend's format), its head. Returns why the request cannot go there, or empty.
std::string aim_at(Exchange& ex, const PreparedRequest& prepared, config::ModelRef target) {
  const config::Config& config = *ex.state->config;
  ex.backend = &ex.state->backends[target.backend];
  ex.model = &config.model(target);
  ex.failure.reset();
  ex.meter.reset();
  ex.first_byte_at.reset();
  ex.upstream_status = 0;
  const RequestBody& scanned = *prepared.scanned;
  const wire::WireFormat from = client_format(ex.api), to = backend_format(ex.backend->config->kind);
  ex.translated_body.clear();
  ex.answer_context = {};
  if (from != to && ex.api != ClientApi::completions) {
    wire::TranslateOptions options;
    options.model = ex.model->upstream_name;
    // A local server rejects prompt + max_tokens beyond its window (Claude Code asks for 32000+).
    if (ex.backend->config->location == config::Location::local)
      options.request.max_tokens_limit = std::max<std::int64_t>(1024, ex.model->context_tokens / 2);
    auto translated = wire::translate_request(from, to, prepared.body, options);
    if (!translated) {
      // Answered 400 by forward() with these headers: this candidate's, not an earlier one's (or none).
      ex.client_headers = routing_headers(ex, prepared.request_id, prepared.task, prepared.reason);
      return "the request cannot be translated for backend '" + ex.backend->config->name + "': " + translated.error().message;
    }
    ex.translated_body = std::move(translated->body);
    const auto created = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    ex.answer_context = wire::answer_context(*translated, prepared.request_id, created);
    ex.answer_context.model = ex.model->name;
    ex.body = SplicedBody(ex.translated_body);
    ex.usage_injected = false;
    std::string reason = prepared.reason;
    for (const std::string& note : translated->notes) reason += "; " + note;
    ex.upstream_head = upstream_head(*ex.backend, *prepared.request, ex.api, ex.body.size(), prepared.request_id);
    ex.client_headers = routing_headers(ex, prepared.request_id, prepared.task, reason);
    return {};
  }
  const std::string model_json = json_quote(ex.model->upstream_name);
  ex.body = SplicedBody(prepared.body);
  if (scanned.model_span) ex.body.replace(*scanned.model_span, model_json);
  else append_member(ex.body, prepared.body, *scanned.closing_brace, "\"model\":" + model_json);
  // A streamed Chat or legacy completions request also asks for usage (every answer is measured); the
  // client never sees that chunk unless it asked for it.
  ex.usage_injected = (ex.api == ClientApi::chat_completions || ex.api == ClientApi::completions) && scanned.stream && !scanned.include_usage &&
                      ex.backend->config->kind == config::BackendKind::openai;
  if (ex.usage_injected) {
    if (scanned.stream_options_span) {
      // Keep the client's other options; a later duplicate key wins in every JSON parser that matters.
      const ByteSpan span = *scanned.stream_options_span;
      const std::string_view options = prepared.body.substr(span.offset, span.length);
      const bool empty = options.find_first_not_of(" \t\r\n", 1) == options.size() - 1;
      ex.body.insert(span.offset + span.length - 1, empty ? "\"include_usage\":true" : ",\"include_usage\":true");
    } else {
      append_member(ex.body, prepared.body, *scanned.closing_brace, "\"stream_options\":{\"include_usage\":true}");
    }
  }
  ex.upstream_head = upstream_head(*ex.backend, *prepared.request, ex.api, ex.body.size(), prepared.request_id);
  ex.client_headers = routing_headers(ex, prepared.request_id, prepared.task, prepared.reason);
  return {};
}

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
    state.health.record(target.backend, router::Outcome::failure, now);
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
    co_return ex.body_terminated && !ex.client_http10 ? keep_alive : KeepAlive::no;
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
  co_return ex.client_http10 ? KeepAlive::no : keep_alive;
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
  const KeepAlive keep_alive = request->keep_alive() ? KeepAlive::yes : KeepAlive::no;

  Exchange ex;
  ex.started = Clock::now();
  ex.state = state;
  ex.session = session;
  ex.api = api;
  ex.client_http10 = request->version() < 11;
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
