// One attempt at one backend for a forwarded request: wait for a slot, take a connection, send, relay the answer
// piece by piece as it arrives (translated or metered on the way).
#include "proxy/upstream_exchange.hpp"

#include "proxy/asio_ssl.hpp"
#include "proxy/client_response.hpp"
#include "proxy/eager_write.hpp"
#include "proxy/error_body.hpp"
#include "proxy/header_rules.hpp"
#include "proxy/key_refusal.hpp"
#include "proxy/upstream_body.hpp"
#include "wire/completion_stream.hpp"
#include "wire/format_mappings.hpp"
#include "wire/response_translation.hpp"

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <array>
#include <span>
#include <type_traits>
#include <vector>

namespace llmroute::proxy {

namespace {

using namespace asio::experimental::awaitable_operators;

/// How one attempt on one upstream connection ended.
enum class Attempt {
  reusable,         ///< answer relayed completely; the connection may serve another request
  done,             ///< answer relayed (or failed); the connection must be closed
  stale_connection  ///< a kept-alive connection was closed by the backend before it answered
};

}  // namespace

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

namespace {

/// Whether the watchdog stopped the exchange (client gone, deadline): forward() answers for it.
bool stopped(const Exchange& ex) { return ex.watchdog && ex.watchdog->stopped() != WatchdogStop::none; }

}  // namespace

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

namespace {

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

}  // namespace

awaitable<void> end_stream_with_error(Exchange& ex, int status, std::string_view message) {
  // A whole (JSON) answer cannot carry an event: it stays unterminated, and the closed connection tells the
  // client that the answer is incomplete. Nor can anything follow a piece whose write was cut.
  if ((ex.meter && ex.meter->whole()) || ex.client_write_cut) co_return;
  if (ex.meter && ex.meter->tells_failure()) {
    // The translator ends the client's format properly: its own error event (Anthropic `event: error`,
    // Responses `response.failed`, Chat `data: {"error"…}` + [DONE]); a relayed Responses stream gets its
    // response.failed on the relayed response, numbered after its last event.
    co_await write_piece(ex, ex.meter->on_end(wire::StreamEnd::upstream_failed, message), Last::yes);
    co_return;
  }
  if (ex.chunked || ex.client_http10) {
    std::string event = ex.ended_on_event_boundary ? "" : "\n\n";
    event += sse_error_event(ex.api, status, message);
    co_await write_piece(ex, event, Last::yes);
  }
}

namespace {

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
  const KeepAlive keep = ex.client_keep_alive ? KeepAlive::yes : KeepAlive::no;
  return response_head(static_cast<unsigned>(error_status(ex.api, response.result_int())), keep, headers);
}

Failure upstream_broke(const Exchange& ex, std::string what) {
  return Failure{FailureKind::upstream_error, FailureOrigin::upstream, 502, !ex.head_sent,
                 "backend '" + ex.backend->config->name + "' " + std::move(what)};
}

/// Whether a whole (JSON) answer cannot go to the client as it came: it is in another format, or the client
/// asked for a stream, which it reads event by event (some OpenAI-compatible servers ignore `stream`).
bool reshaped_whole(const Exchange& ex) {
  return ex.meter->translating() || (ex.client_streams && ex.upstream_status < 400);
}

/// The context of a whole answer told as the client's stream: a relayed answer has none of a translation's,
/// but the client's own ask for the usage chunk.
wire::TranslationContext told_context(const Exchange& ex) {
  wire::TranslationContext context = ex.answer_context;
  if (!ex.meter->translating()) context.include_usage = ex.client_asked_usage;
  return context;
}

/// A whole (non-streamed) answer that must be reshaped (reshaped_whole): read it all, translate it or tell it
/// as the client's stream, send it with its new length.
template <typename Stream>
awaitable<Attempt> relay_reshaped_whole(Stream& stream, UpstreamConnection& connection,
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
  std::string_view content_type = "application/json";
  if (ex.upstream_status >= 400) {
    body = wire::translate_error(from, to, static_cast<int>(ex.upstream_status), upstream_body);
  } else if (ex.client_streams) {
    // Relayed in the client's format, a <think> prefix stays text, as in a relayed stream.
    const wire::ThinkTags think = ex.meter->translating() ? ex.answer_context.think_tags : wire::ThinkTags::keep;
    if (auto answer = wire::parse_completion(from, upstream_body, think); answer) {
      // A legacy completions client (IDE autocomplete) reads text_completion chunks, not Chat chunks.
      body = ex.api == ClientApi::completions ? wire::text_completion_stream(*answer, told_context(ex))
                                              : wire::completion_stream(to, *answer, told_context(ex));
      content_type = "text/event-stream";
    } else {
      ex.upstream_status = 502;
      ex.failure = upstream_broke(ex, "ignored \"stream\" and sent an answer that cannot be read: " + answer.error().message);
      body = error_body(ex.api, 502, ex.failure->detail);
    }
  } else if (auto translated = wire::translate_response(from, to, upstream_body, ex.answer_context); translated) {
    body = std::move(translated->body);
  } else {
    ex.upstream_status = 502;
    ex.failure = upstream_broke(ex, "sent an answer that cannot be translated: " + translated.error().message);
    body = error_body(ex.api, 502, ex.failure->detail);
  }
  // The whole answer reaches the client with this write: its first token too.
  if (!ex.failure) ex.first_token_at = ex.last_token_at = Clock::now();
  std::string headers = "Content-Type: " + std::string(content_type) + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  headers += ex.client_headers;
  const std::string head = response_head(static_cast<unsigned>(error_status(ex.api, static_cast<int>(ex.upstream_status))), ex.client_keep_alive ? KeepAlive::yes : KeepAlive::no, headers);
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

/// Most bytes of a backend's 401/403 body read for its message; the rest is not read (the connection closes).
constexpr std::size_t kMaxRefusalBody = 64 * 1024;

/// A backend's 401 or 403 is about llmroute's own key for that backend, never about the client's: relayed, it
/// would tell Claude Code's user to log in again. Like an unreachable backend it fails the candidate (the next
/// one gets the request; the last one's client gets 502), with the backend's message read from its body.
template <typename Stream>
awaitable<Attempt> fail_on_refused_key(Stream& stream, UpstreamConnection& connection,
                                       http::response_parser<http::buffer_body>& parser, Exchange& ex) {
  std::string body;
  UpstreamBody reader(body_framing(parser), parser.content_length().value_or(0), connection.buffer);
  while (!reader.done() && body.size() < kMaxRefusalBody) {
    auto [ec, piece] = co_await reader.read(stream);
    body.append(piece.substr(0, kMaxRefusalBody - body.size()));
    if (ec) {
      if (stopped(ex)) co_return Attempt::done;
      break;  // what arrived may still hold the message
    }
    set_phase(ex, Phase::streaming);
  }
  ex.failure = Failure{FailureKind::upstream_status, FailureOrigin::upstream, 502, true,
                       key_refused_message(*ex.backend->config, static_cast<int>(ex.upstream_status), body)};
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
  // Head, then the body's pieces (the original around a spliced model and usage option): on the stack.
  boost::container::small_vector<asio::const_buffer, 8> request_buffers{asio::buffer(ex.upstream_head)};
  ex.body.for_each_piece([&request_buffers](std::string_view piece) { request_buffers.push_back(asio::buffer(piece)); });
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
  if (ex.upstream_status == 401 || ex.upstream_status == 403) co_return co_await fail_on_refused_key(stream, connection, parser, ex);
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
  if (whole && reshaped_whole(ex)) co_return co_await relay_reshaped_whole(stream, connection, parser, ex);

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
      if (!ex.meter->tells_failure()) {
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

}  // namespace

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
    const Watchdog::AlsoCancelled cancelled_on_stop(ex->watchdog, &connection->socket());
    Attempt result = Attempt::done;
    if (connection->is_tls()) result = co_await exchange_on(connection->tls(), *connection, ex);
    else result = co_await exchange_on(connection->socket(), *connection, ex);
    if (result == Attempt::stale_connection) continue;
    if (result == Attempt::reusable) pool.release(std::move(connection));
    co_return;
  }
  ex->failure = upstream_broke(*ex, "closed two connections in a row without answering");
}

namespace {

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

}  // namespace

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

std::string queue_timeout_message(const Exchange& ex) {
  const config::Config& config = *ex.state->config;
  return "backend '" + ex.backend->config->name + "' is busy: none of its " +
         std::to_string(ex.backend->config->max_concurrency) + " slots (max_concurrency) came free within " +
         std::to_string(config.scheduling.max_queue_wait.count()) + " ms (scheduling.max_queue_wait)";
}

}  // namespace llmroute::proxy
