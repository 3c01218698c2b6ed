// One model call on its own: build the backend's request, send it over the pool, reassemble the answer.
#include "proxy/model_call.hpp"

#include "proxy/asio_ssl.hpp"
#include "proxy/key_refusal.hpp"
#include "proxy/upstream_body.hpp"
#include "wire/answer_collector.hpp"
#include "wire/json_writer.hpp"
#include "wire/request_translation.hpp"
#include "wire/response_translation.hpp"
#include "wire/stream_translator.hpp"
#include "wire/tool_call_ids.hpp"

#include <boost/json/parse.hpp>

#include <array>
#include <memory>
#include <optional>

namespace llmroute::proxy {

namespace {

using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

/// Upstream reads go through this buffer; a whole answer or an error body is kept up to these caps.
constexpr std::size_t kReadBufferSize = 16 * 1024;
constexpr std::size_t kWholeBodyCap = 8u << 20;
constexpr std::size_t kErrorBodyCap = 64u << 10;

double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

wire::WireFormat format_of(config::BackendKind kind) {
  switch (kind) {
    case config::BackendKind::anthropic: return wire::WireFormat::messages;
    case config::BackendKind::openai_responses: return wire::WireFormat::responses;
    default: return wire::WireFormat::chat;
  }
}

std::string_view path_suffix(config::BackendKind kind) {
  switch (kind) {
    case config::BackendKind::anthropic: return "/messages";
    case config::BackendKind::openai_responses: return "/responses";
    default: return "/chat/completions";
  }
}

/// The body in the backend's format with the upstream model and the mode's `stream`, or why there is none.
struct PreparedBody {
  std::string body;
  std::string error;
};

PreparedBody prepare_body(const config::BackendConfig& backend, const config::ModelConfig& model,
                          std::string_view chat_body, CallMode mode) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(chat_body, ec);
  if (ec || !parsed.is_object()) return {{}, "the call's body is not a JSON object"};
  boost::json::object& request = parsed.as_object();
  const bool streamed = mode == CallMode::streamed;
  request["model"] = model.upstream_name;
  request["stream"] = streamed;
  request.erase("stream_options");
  // Every answer is measured: a streamed Chat answer reports its usage only when asked.
  if (streamed) request["stream_options"] = boost::json::object{{"include_usage", true}};
  std::string chat;
  wire::append_json(chat, parsed);
  const wire::WireFormat to = format_of(backend.kind);
  if (to == wire::WireFormat::chat) {
    // A shadow of a Claude Code or Codex turn carries their tool-call ids, which a Mistral-family model refuses.
    if (model.mistral_tool_ids) {
      const auto edits = wire::mistral_tool_id_edits(chat);
      for (auto edit = edits.rbegin(); edit != edits.rend(); ++edit) chat.replace(edit->offset, edit->length, edit->text);
    }
    return {std::move(chat), {}};
  }
  wire::TranslateOptions options;
  options.model = model.upstream_name;
  // A local server rejects prompt + max_tokens beyond its window (the same cap as the request path's).
  if (backend.location == config::Location::local)
    options.request.max_tokens_limit = std::max<std::int64_t>(1024, model.context_tokens / 2);
  if (model.mistral_tool_ids) options.request.tool_call_ids = wire::ToolCallIds::mistral;
  auto translated = wire::translate_request(wire::WireFormat::chat, to, chat, options);
  if (!translated) return {{}, "the call's body cannot be translated for backend '" + backend.name + "': " + translated.error().message};
  return {std::move(translated->body), {}};
}

std::string request_head(const BackendRuntime& backend, std::size_t body_size, std::string_view request_id) {
  const config::BackendConfig& b = *backend.config;
  std::string head = "POST " + b.base_path + std::string(path_suffix(b.kind)) + " HTTP/1.1\r\nHost: " + b.host_header +
                     "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body_size) +
                     "\r\nx-request-id: " + std::string(request_id) + "\r\n";
  if (b.kind == config::BackendKind::anthropic) head += "anthropic-version: 2023-06-01\r\n";
  if (backend.api_key) {
    if (b.kind == config::BackendKind::anthropic) head += "x-api-key: " + *backend.api_key + "\r\n";
    else head += "Authorization: Bearer " + *backend.api_key + "\r\n";
  }
  head += "\r\n";
  return head;
}

/// One call in progress: what the exchange fills and the watchdog reads.
struct Call {
  ServerState* state = nullptr;
  BackendRuntime* backend = nullptr;
  ModelCallOptions options;
  std::string head;
  std::string body;
  Clock::time_point started;
  Clock::time_point deadline;        ///< the current phase's deadline
  Clock::time_point total_deadline;
  asio::steady_timer* watchdog = nullptr;
  std::optional<Clock::time_point> first_byte_at;
  std::optional<Clock::time_point> first_token_at;
  Clock::time_point last_token_at;
  ModelCallResult result;
};

void extend_deadline(Call& call, config::Millis phase) {
  call.deadline = std::min(Clock::now() + phase, call.total_deadline);
  if (call.watchdog && call.deadline < call.watchdog->expiry()) call.watchdog->expires_at(call.deadline);
}

Failure broke(const Call& call, std::string what) {
  return Failure{FailureKind::upstream_error, FailureOrigin::upstream, 502, true,
                 "backend '" + call.backend->config->name + "' " + std::move(what)};
}

void take_answer(ModelCallResult& result, const wire::AnswerCollector& answer) {
  result.text = wire::answer_text(answer.items());
  result.reasoning = wire::answer_reasoning(answer.items());
  result.tool_calls = wire::tool_calls_json(answer.items());
  result.answer_clipped = answer.clipped();
}

records::Usage to_record_usage(const wire::Usage& u) {
  auto n = [](std::int64_t v) { return static_cast<std::uint64_t>(v < 0 ? 0 : v); };
  return records::Usage{n(u.input), n(u.output), n(u.reasoning), n(u.cache_read), n(u.cache_write)};
}

/// Usage as reported, or estimated from the request and the answer (4 bytes a token).
void take_usage(Call& call, const wire::Usage& usage, bool reported, std::size_t answer_bytes) {
  ModelCallResult& r = call.result;
  r.usage_reported = reported;
  r.usage = to_record_usage(usage);
  if (reported) return;
  r.usage.input = static_cast<std::uint64_t>(wire::estimate_tokens(call.body.size()));
  r.usage.output = static_cast<std::uint64_t>(wire::estimate_tokens(answer_bytes));
}

/// After a stream's terminal event: reads what is left of the body, normally just its end (the chunked
/// terminator a backend sends right behind that event), dropping any payload, for at most
/// min(`idle` / 2, UpstreamBody::kEndGrace), as the request path does (half: the call's watchdog, set `idle`
/// from now, must not cut the call first); the parser is then done only when the body ended in time (else
/// the connection is not pooled).
template <typename Stream>
awaitable<void> read_end(Stream& stream, UpstreamConnection& connection, http::response_parser<http::buffer_body>& parser,
                         Clock::duration idle) {
  const auto until = Clock::now() + std::min<Clock::duration>(idle / 2, UpstreamBody::kEndGrace);
  // The timer cancels the read when it fires; its handler may run after this returns (the connection pooled
  // by then), so it cancels only while `waiting` says so.
  const auto waiting = std::make_shared<bool>(true);
  asio::steady_timer timer(stream.get_executor(), until);
  timer.async_wait([waiting, socket = &beast::get_lowest_layer(stream)](const error_code& ec) {
    error_code ignored;
    if (!ec && *waiting) socket->cancel(ignored);
  });
  std::array<char, 1024> dropped;
  while (!parser.is_done() && Clock::now() < until) {
    parser.get().body().data = dropped.data();
    parser.get().body().size = dropped.size();
    auto [ec, n] = co_await http::async_read_some(stream, connection.buffer, parser, use_nothrow);
    if (ec && ec != http::error::need_buffer) break;
  }
  *waiting = false;
  timer.cancel();
}

/// Reads a streamed (SSE) answer through a passthrough translator, which parses it and keeps the answer.
/// The answer is complete at the stream's terminal event ([DONE], message_stop, response.completed), whether
/// or not the backend then ends its body.
template <typename Stream>
awaitable<void> read_streamed(Stream& stream, UpstreamConnection& connection, http::response_parser<http::buffer_body>& parser,
                              Call& call) {
  const wire::WireFormat format = format_of(call.backend->config->kind);
  wire::StreamTranslator translator(format, format, {});
  translator.keep_answer(call.options.max_answer_bytes);
  const auto idle = call.state->config->server.timeouts.upstream_idle;
  std::array<char, kReadBufferSize> buffer;
  while (!parser.is_done()) {
    parser.get().body().data = buffer.data();
    parser.get().body().size = buffer.size();
    auto [ec, n] = co_await http::async_read_some(stream, connection.buffer, parser, use_nothrow);
    if (ec == http::error::need_buffer) ec = {};
    const std::size_t got = buffer.size() - parser.get().body().size;
    if (got > 0) {
      const auto read_at = Clock::now();
      translator.observe(std::string_view(buffer.data(), got));
      if (translator.first_content_seen()) {
        if (!call.first_token_at) call.first_token_at = read_at;
        call.last_token_at = read_at;
      }
    }
    if (ec) {
      call.result.failure = broke(call, "ended its answer early (" + ec.message() + ")");
      break;
    }
    extend_deadline(call, idle);
    if (translator.summary().ended) {
      if (translator.summary().error.empty()) co_await read_end(stream, connection, parser, idle);
      break;
    }
  }
  std::string discarded;  // a passthrough translator's end bytes: nobody reads them here
  translator.finish(discarded, call.result.failure ? wire::StreamEnd::upstream_failed : wire::StreamEnd::clean);
  const wire::StreamSummary& summary = translator.summary();
  if (!call.result.failure && !summary.error.empty())
    call.result.failure = broke(call, "sent a broken stream: " + summary.error);
  take_answer(call.result, *translator.answer());
  take_usage(call, summary.usage, summary.usage_reported, summary.text_bytes + summary.reasoning_bytes + summary.argument_bytes);
  call.result.upstream_model = summary.model;
  call.result.finish_reason = summary.finish_reason == wire::FinishReason::none ? "" : std::string(wire::to_string(summary.finish_reason));
  call.result.truncated = summary.truncated;
}

/// Reads a whole body (a JSON answer, or an error's body) up to `cap`; false when the read failed.
template <typename Stream>
awaitable<bool> read_body(Stream& stream, UpstreamConnection& connection, http::response_parser<http::buffer_body>& parser,
                          Call& call, std::string& body, std::size_t cap) {
  std::array<char, kReadBufferSize> buffer;
  const auto idle = call.state->config->server.timeouts.upstream_idle;
  while (!parser.is_done()) {
    parser.get().body().data = buffer.data();
    parser.get().body().size = buffer.size();
    auto [ec, n] = co_await http::async_read_some(stream, connection.buffer, parser, use_nothrow);
    if (ec == http::error::need_buffer) ec = {};
    const std::size_t got = buffer.size() - parser.get().body().size;
    body.append(buffer.data(), std::min(got, cap - std::min(cap, body.size())));
    if (ec) co_return false;
    extend_deadline(call, idle);
  }
  co_return true;
}

/// One attempt on one connection. Returns false when a kept-alive connection turned out closed before
/// the backend answered (the caller retries on a new connection).
template <typename Stream>
awaitable<bool> exchange_on(Stream& stream, UpstreamConnection& connection, Call* call_ptr, bool* reusable) {
  Call& call = *call_ptr;
  const bool reused = connection.requests_served > 0;
  const std::array<asio::const_buffer, 2> request{asio::buffer(call.head), asio::buffer(call.body)};
  extend_deadline(call, call.state->config->server.timeouts.upstream_first_byte);
  if (auto [ec, n] = co_await asio::async_write(stream, request, use_nothrow); ec) {
    if (reused) co_return false;
    call.result.failure = broke(call, "closed the connection while the request was being sent (" + ec.message() + ")");
    co_return true;
  }
  // Interim answers (100 Continue, 103 Early Hints) precede the real one, which needs a parser of its own.
  std::optional<http::response_parser<http::buffer_body>> head;
  bool interim = false;
  do {
    interim = head.has_value();
    head.emplace();
    head->body_limit(boost::none);
    if (auto [ec, n] = co_await http::async_read_header(stream, connection.buffer, *head, use_nothrow); ec) {
      if (reused && !interim && !head->got_some()) co_return false;
      call.result.failure = broke(call, "closed the connection without answering (" + ec.message() + ")");
      co_return true;
    }
  } while (is_interim_status(head->get().result_int()));
  http::response_parser<http::buffer_body>& parser = *head;
  call.first_byte_at = Clock::now();
  const unsigned status = parser.get().result_int();
  call.result.http_status = static_cast<int>(status);
  if (!is_http_status(status)) {
    call.result.failure = broke(call, "answered " + std::to_string(status) + ", which is not an HTTP status (100-599)");
    co_return true;
  }
  if (carries_no_answer(status)) {
    call.result.failure = broke(call, "answered " + std::to_string(status) + ", a status that cannot carry an answer");
    co_return true;
  }
  if (status >= 400) {
    co_await read_body(stream, connection, parser, call, call.result.error_body, kErrorBodyCap);
    const int code = static_cast<int>(status);
    // A 401 or 403 is about llmroute's own key for this backend: the judge's, shadow's or bench's error says
    // where that key comes from, as the client's 502 does.
    std::string detail = code == 401 || code == 403
                             ? key_refused_message(*call.backend->config, code, call.result.error_body)
                             : "backend '" + call.backend->config->name + "' answered " + std::to_string(status);
    call.result.failure = Failure{FailureKind::upstream_status, FailureOrigin::upstream, code,
                                  status == 429 || status >= 500, std::move(detail)};
    *reusable = parser.is_done() && parser.keep_alive();
    co_return true;
  }
  const auto content_type = parser.get()[http::field::content_type];
  if (content_type.find("text/event-stream") != std::string_view::npos) {
    co_await read_streamed(stream, connection, parser, call);
    *reusable = !call.result.failure && parser.is_done() && parser.keep_alive();
    co_return true;
  }
  std::string body;
  const bool complete = co_await read_body(stream, connection, parser, call, body, kWholeBodyCap);
  call.last_token_at = Clock::now();
  if (!complete) {
    call.result.failure = broke(call, "ended its answer early");
    co_return true;
  }
  *reusable = parser.keep_alive();
  auto parsed = wire::parse_completion(format_of(call.backend->config->kind), body);
  if (!parsed) {
    call.result.failure = broke(call, "sent an answer that cannot be read: " + parsed.error().message);
    co_return true;
  }
  const wire::AnswerCollector answer = wire::collect_items(parsed->items, call.options.max_answer_bytes);
  take_answer(call.result, answer);
  std::size_t answer_bytes = 0;
  for (const wire::OutputItem& item : parsed->items) answer_bytes += item.text.size() + item.arguments.size();
  take_usage(call, parsed->usage, parsed->usage_reported, answer_bytes);
  call.result.upstream_model = parsed->model;
  call.result.finish_reason = parsed->finish == wire::FinishReason::none ? "" : std::string(wire::to_string(parsed->finish));
  call.result.truncated = parsed->finish == wire::FinishReason::length;
  co_return true;
}

/// Gets a connection and runs the exchange; a kept-alive connection the backend had closed is retried once.
awaitable<void> run_call(Call* call) {
  // A call cut by its deadline still unwinds through these awaits to keep the partial answer.
  co_await asio::this_coro::throw_if_cancelled(false);
  UpstreamPool& pool = *call->backend->pool;
  const auto connect_timeout = call->state->config->server.timeouts.upstream_connect;
  for (int attempt = 0; attempt < 2; ++attempt) {
    extend_deadline(*call, 2 * connect_timeout + std::chrono::seconds(1));
    AcquireResult acquired;
    if (attempt == 0) acquired = co_await pool.acquire(connect_timeout);
    else acquired = co_await pool.connect(connect_timeout);
    if (auto* failure = std::get_if<Failure>(&acquired)) {
      call->result.failure = std::move(*failure);
      co_return;
    }
    UpstreamConnectionPtr connection = std::move(std::get<UpstreamConnectionPtr>(acquired));
    bool reusable = false;
    bool answered = false;
    if (connection->is_tls()) answered = co_await exchange_on(connection->tls(), *connection, call, &reusable);
    else answered = co_await exchange_on(connection->socket(), *connection, call, &reusable);
    if (!answered) continue;
    if (reusable) pool.release(std::move(connection));
    co_return;
  }
  call->result.failure = broke(*call, "closed two connections in a row without answering");
}

/// Completes when the call's current deadline passes without progress (or when the call ends).
awaitable<void> watch_call(Call* call) {
  asio::steady_timer timer(call->state->io);
  call->watchdog = &timer;
  for (;;) {
    timer.expires_at(call->deadline);
    co_await timer.async_wait(use_nothrow);
    const asio::cancellation_type cancelled = (co_await asio::this_coro::cancellation_state).cancelled();
    if (Clock::now() >= call->deadline || cancelled != asio::cancellation_type::none) break;
  }
  call->watchdog = nullptr;
}

}  // namespace

awaitable<ModelCallResult> call_model(ServerState* state, config::ModelRef target, std::string chat_completions_body,
                                      ModelCallOptions options) {
  const config::Config& config = *state->config;
  Call call;
  call.state = state;
  call.backend = &state->backends[target.backend];
  call.started = Clock::now();
  call.total_deadline = options.deadline.value_or(call.started + config.server.timeouts.total);
  call.deadline = call.total_deadline;
  call.options = std::move(options);
  ModelCallResult& result = call.result;
  const config::BackendConfig& backend = *call.backend->config;
  const config::ModelConfig& model = config.model(target);
  result.request_id = call.options.request_id.empty() ? state->request_ids.fresh() : call.options.request_id;
  result.backend = backend.name;
  result.model = model.name;
  result.location = backend.location;
  result.start_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();

  PreparedBody prepared = prepare_body(backend, model, chat_completions_body, call.options.mode);
  if (!prepared.error.empty()) {
    result.failure = Failure{FailureKind::bad_request, FailureOrigin::proxy, 400, false, std::move(prepared.error)};
    co_return std::move(result);
  }
  if (!backend.api_key_env.empty() && !call.backend->api_key) {
    result.failure = Failure{FailureKind::upstream_refused, FailureOrigin::proxy, 502, true,
                             "backend '" + backend.name + "' needs its API key in the environment variable " +
                                 backend.api_key_env + ", which is not set where llmroute runs"};
    co_return std::move(result);
  }
  call.body = std::move(prepared.body);
  result.request_bytes = call.body.size();
  call.head = request_head(*call.backend, call.body.size(), result.request_id);

  const auto outcome = co_await (run_call(&call) || watch_call(&call));
  const auto now = Clock::now();
  if (outcome.index() == 1) {
    const bool total = call.deadline >= call.total_deadline;
    result.failure = Failure{FailureKind::timeout, FailureOrigin::upstream, 504, true,
                             "backend '" + backend.name + "' " +
                                 (total ? std::string("did not finish before the call's deadline")
                                        : std::string("stopped sending before its answer was complete"))};
  }
  result.total_ms = ms_between(call.started, now);
  if (call.first_byte_at) result.first_byte_ms = ms_between(call.started, *call.first_byte_at);
  if (call.first_token_at) {
    result.ttft_ms = ms_between(call.started, *call.first_token_at);
    result.generation_ms = ms_between(*call.first_token_at, call.last_token_at);
  } else if (call.first_byte_at) {
    result.generation_ms = ms_between(call.started, call.last_token_at > call.started ? call.last_token_at : *call.first_byte_at);
  }
  co_return std::move(result);
}

records::RequestRecord record_of(const ModelCallResult& result) {
  records::RequestRecord record;
  record.id = result.request_id;
  record.start_unix_ms = result.start_unix_ms;
  record.bytes_in = result.request_bytes;
  record.route = result.location;
  record.backend = result.backend;
  record.model_requested = result.model;
  record.model_served = result.model;
  record.http_status = result.http_status;
  if (result.failure) record.failure_kind = to_string(result.failure->kind);
  record.finish_reason = result.finish_reason;
  record.truncated = result.truncated;
  record.upstream_first_byte_ms = result.first_byte_ms;
  record.ttft_ms = result.ttft_ms;
  record.total_ms = result.total_ms;
  if (result.generation_ms > 0 && result.usage.output > 0)
    record.tokens_per_second = static_cast<double>(result.usage.output) / (result.generation_ms / 1000.0);
  record.usage = result.usage;
  record.usage_reported = result.usage_reported;
  return record;
}

}  // namespace llmroute::proxy
