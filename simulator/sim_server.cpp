// The simulator's HTTP server: accepts connections and runs one coroutine per connection.
#include "simulator/sim_server.hpp"

#include <simdjson.h>

#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "simulator/answer.hpp"
#include "simulator/json_text.hpp"
#include "simulator/judge.hpp"
#include "simulator/request_knobs.hpp"
#include "simulator/sim_request.hpp"
#include "simulator/sim_stats.hpp"
#include "simulator/tokenizer.hpp"
#include "simulator/wire_encoder.hpp"

namespace llmroute::simulator {

using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

/// The prompt prefixes seen so far, so a repeated cache_control prefix reads from the cache.
class PromptCache {
 public:
  /// Records `prefix_hash`; true when it was already there (a cache hit).
  bool remember(std::uint64_t prefix_hash) {
    const std::lock_guard lock(mutex_);
    if (seen_.contains(prefix_hash)) return true;
    // Bounded like a real cache; forgetting everything at once keeps it trivially simple.
    if (seen_.size() >= kCapacity) seen_.clear();
    seen_.insert(prefix_hash);
    return false;
  }

 private:
  static constexpr std::size_t kCapacity = 100'000;
  std::mutex mutex_;
  std::unordered_set<std::uint64_t> seen_;
};

struct ServerState {
  ServerState(asio::io_context& io, SimOptions sim_options) : options(std::move(sim_options)), acceptor(io) {}

  const SimOptions options;
  tcp::acceptor acceptor;
  std::vector<asio::io_context*> workers;  ///< connections are dealt round-robin to these
  std::size_t next_worker = 0;             ///< touched only by the accept loop
  SimStats stats;
  std::string extra_headers;  ///< `x-sim-name: NAME\r\n` when --name is set
  std::string models_body;
  std::atomic<std::uint64_t> responses{0};
  PromptCache prompt_cache;
};

namespace {

constexpr std::size_t kMaxBodyBytes = 64 * 1024 * 1024;
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
/// Stream events written before a mid-stream fault strikes.
constexpr std::size_t kEventsBeforeMidFault = 3;
/// Pending stream bytes are flushed at least this often even when tokens need no delay.
constexpr std::size_t kFlushBytes = 16 * 1024;

/// One client connection: the socket and the buffers reused by every request on it.
struct Connection {
  Connection(tcp::socket s, std::shared_ptr<ServerState> st) : socket(std::move(s)), state(std::move(st)) {}

  tcp::socket socket;
  std::shared_ptr<ServerState> state;
  beast::flat_buffer buffer;
  simdjson::dom::parser json;
  std::string pending;   ///< stream events not yet written; its capacity is reused
  bool counted = false;  ///< carried a request outside /sim/*, so it shows in the stats
};

enum class Disposition { keep_alive, close };

/// How a generation ended on the wire (aborted: a write failed or the client went away).
enum class Delivery { complete, stalled, died, aborted };

/// One generation request, fixed before the first byte goes out; encoders point into it.
struct Generation {
  Endpoint endpoint = Endpoint::chat_completions;
  RequestKnobs knobs;
  Answer answer;
  ResponseMeta meta;
  bool stream = false;
  bool keep_alive = true;
};

class ActiveStream {
 public:
  explicit ActiveStream(SimStats& stats) : stats_(stats) { stats_.stream_started(); }
  ~ActiveStream() { stats_.stream_ended(); }
  ActiveStream(const ActiveStream&) = delete;
  ActiveStream& operator=(const ActiveStream&) = delete;

 private:
  SimStats& stats_;
};

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

ErrorShape error_shape_for(std::string_view path) {
  return path.starts_with("/v1/messages") ? ErrorShape::anthropic : ErrorShape::openai;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

/// Status line and headers. Without a content length the body is chunked.
std::string response_head(const ServerState& state, int status, std::string_view content_type,
                          std::optional<std::size_t> content_length, bool keep_alive, std::string_view extra = {}) {
  std::string head = "HTTP/1.1 ";
  append_number(head, std::int64_t{status});
  head += ' ';
  head += reason_phrase(status);
  head += "\r\nServer: llmroute-simulate\r\nContent-Type: ";
  head += content_type;
  head += "\r\n";
  if (content_length) {
    head += "Content-Length: ";
    append_number(head, static_cast<std::int64_t>(*content_length));
    head += "\r\n";
  } else {
    head += "Transfer-Encoding: chunked\r\nCache-Control: no-cache\r\n";
  }
  head += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  head += state.extra_headers;
  head += extra;
  head += "\r\n";
  return head;
}

awaitable<bool> write_all(Connection& c, std::string_view data) {
  const auto [ec, written] = co_await asio::async_write(c.socket, asio::buffer(data), use_nothrow);
  co_return !ec;
}

/// Writes `payload` as one HTTP chunk, and the terminating chunk after it when `last`.
awaitable<bool> write_chunk(Connection& c, std::string_view payload, bool last) {
  char size_line[24];
  const auto size_end = std::to_chars(size_line, size_line + 16, payload.size(), 16).ptr;
  size_end[0] = '\r';
  size_end[1] = '\n';
  const std::size_t size_length = static_cast<std::size_t>(size_end - size_line) + 2;
  static constexpr std::string_view kCrlf = "\r\n";
  static constexpr std::string_view kEnd = "0\r\n\r\n";
  const std::array<asio::const_buffer, 4> buffers{
      asio::buffer(size_line, payload.empty() ? 0 : size_length),
      asio::buffer(payload),
      asio::buffer(kCrlf.data(), payload.empty() ? 0 : kCrlf.size()),
      asio::buffer(kEnd.data(), last ? kEnd.size() : 0),
  };
  const auto [ec, written] = co_await asio::async_write(c.socket, buffers, use_nothrow);
  co_return !ec;
}

awaitable<Disposition> send_simple(Connection& c, int status, std::string_view content_type, std::string_view body,
                                   bool keep_alive, std::string_view extra = {}) {
  std::string response = response_head(*c.state, status, content_type, body.size(), keep_alive, extra);
  response += body;
  const bool ok = co_await write_all(c, response);
  co_return ok&& keep_alive ? Disposition::keep_alive : Disposition::close;
}

awaitable<Disposition> send_json(Connection& c, int status, std::string_view body, bool keep_alive,
                                 std::string_view extra = {}) {
  co_return co_await send_simple(c, status, "application/json", body, keep_alive, extra);
}

awaitable<Disposition> send_error(Connection& c, ErrorShape shape, int status, std::string_view message,
                                  bool keep_alive) {
  co_return co_await send_json(c, status, error_body(shape, status, message), keep_alive);
}

/// Whether the enclosing `||` has cancelled this branch. A cancellation that arrives while no
/// operation is pending would otherwise be lost (throw_if_cancelled is off), so branches check
/// before every wait.
awaitable<bool> cancelled() {
  const auto state = co_await asio::this_coro::cancellation_state;
  co_return state.cancelled() != asio::cancellation_type::none;
}

/// Returns once the client closes its side (or the read is cancelled). Bytes the client sends
/// meanwhile (a pipelined request) are kept in the connection buffer for the next read.
awaitable<void> wait_for_client_close(Connection& c) {
  co_await asio::this_coro::throw_if_cancelled(false);
  for (;;) {
    if (co_await cancelled()) co_return;
    const auto [ec, n] = co_await c.socket.async_read_some(c.buffer.prepare(4096), use_nothrow);
    if (ec) co_return;
    c.buffer.commit(n);
  }
}

/// Waits until `deadline`; false when cancelled because the client went away.
awaitable<bool> wait_until(asio::steady_timer& timer, Clock::time_point deadline) {
  if (co_await cancelled()) co_return false;
  if (Clock::now() >= deadline) co_return true;
  timer.expires_at(deadline);
  const auto [ec] = co_await timer.async_wait(use_nothrow);
  co_return !ec;
}

double milliseconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

Timings measure(const Generation& g, Clock::time_point start, Clock::time_point first_token) {
  Timings timings;
  timings.prompt_n = g.meta.prompt_tokens;
  timings.prompt_ms = milliseconds_between(start, first_token);
  timings.predicted_n = g.answer.completion_tokens;
  timings.predicted_ms = milliseconds_between(first_token, Clock::now());
  return timings;
}

/// Streams the answer: headers at once, the first event after the TTFT, then one event per
/// token on an absolute schedule (so timer latency does not accumulate into drift).
awaitable<Delivery> stream_events(Connection& c, Generation& g, WireEncoder& encoder) {
  co_await asio::this_coro::throw_if_cancelled(false);
  const auto start = Clock::now();
  asio::steady_timer timer(c.socket.get_executor());
  const std::string head = response_head(*c.state, 200, "text/event-stream", std::nullopt, g.keep_alive);
  if (!co_await write_all(c, head)) co_return Delivery::aborted;

  const Fault fault = g.knobs.fault;
  const bool mid_fault = fault == Fault::stall_mid || fault == Fault::die_mid;
  const auto& pieces = g.answer.pieces;
  const std::size_t fault_at = std::min(kEventsBeforeMidFault, pieces.size());
  std::string& pending = c.pending;
  pending.clear();
  auto first_token = start;
  // One pass per piece; an empty answer still passes once to open and close the stream.
  for (std::size_t i = 0; i < pieces.size() || i == 0; ++i) {
    const auto deadline = start + g.knobs.ttft + g.knobs.interval * static_cast<long>(i);
    if (Clock::now() < deadline) {
      if (!pending.empty()) {
        if (!co_await write_chunk(c, pending, false)) co_return Delivery::aborted;
        pending.clear();
      }
      if (!co_await wait_until(timer, deadline)) co_return Delivery::aborted;
    }
    if (i == 0) {
      first_token = Clock::now();
      encoder.begin_stream(pending);
    }
    if (mid_fault && i == fault_at) {
      if (!co_await write_chunk(c, pending, false)) co_return Delivery::aborted;
      co_return fault == Fault::stall_mid ? Delivery::stalled : Delivery::died;
    }
    if (i < pieces.size()) encoder.piece(pieces[i], pending);
    if (fault == Fault::malformed && i == 0) encoder.malformed_event(pending);
    if (pending.size() >= kFlushBytes) {
      if (!co_await write_chunk(c, pending, false)) co_return Delivery::aborted;
      pending.clear();
    }
  }
  if (mid_fault) {
    if (!co_await write_chunk(c, pending, false)) co_return Delivery::aborted;
    co_return fault == Fault::stall_mid ? Delivery::stalled : Delivery::died;
  }
  encoder.end_stream(measure(g, start, first_token), pending);
  const bool ok = co_await write_chunk(c, pending, true);
  pending.clear();
  co_return ok ? Delivery::complete : Delivery::aborted;
}

/// Sends the whole answer after the full generation time, as real non-streaming servers do.
awaitable<Delivery> send_whole(Connection& c, Generation& g, WireEncoder& encoder) {
  co_await asio::this_coro::throw_if_cancelled(false);
  const auto start = Clock::now();
  asio::steady_timer timer(c.socket.get_executor());
  if (!co_await wait_until(timer, start + g.knobs.ttft)) co_return Delivery::aborted;
  const auto first_token = Clock::now();
  const auto steps = g.answer.pieces.empty() ? 0 : static_cast<long>(g.answer.pieces.size() - 1);
  if (!co_await wait_until(timer, first_token + g.knobs.interval * steps)) co_return Delivery::aborted;

  std::string body = encoder.whole_body(measure(g, start, first_token));
  const Fault fault = g.knobs.fault;
  if (fault == Fault::malformed) body.resize(body.size() / 2);
  std::string response = response_head(*c.state, 200, "application/json", body.size(), g.keep_alive);
  if (fault == Fault::stall_mid || fault == Fault::die_mid) {
    response.append(body, 0, body.size() / 2);
    if (!co_await write_all(c, response)) co_return Delivery::aborted;
    co_return fault == Fault::stall_mid ? Delivery::stalled : Delivery::died;
  }
  response += body;
  co_return co_await write_all(c, response) ? Delivery::complete : Delivery::aborted;
}

awaitable<Delivery> deliver(Connection& c, Generation& g, WireEncoder& encoder) {
  if (g.stream) co_return co_await stream_events(c, g, encoder);
  co_return co_await send_whole(c, g, encoder);
}

/// Runs the delivery while watching the socket, so a client that goes away mid-answer frees the
/// connection at once (tests check that the proxy closes its upstream side).
awaitable<Disposition> deliver_watched(Connection& c, Generation& g) {
  const ActiveStream active(c.state->stats);
  const auto encoder = make_encoder(g.endpoint, g.meta, g.answer);
  const auto outcome = co_await (deliver(c, g, *encoder) || wait_for_client_close(c));
  if (outcome.index() == 1) co_return Disposition::close;
  switch (std::get<0>(outcome)) {
    case Delivery::complete:
      co_return g.keep_alive ? Disposition::keep_alive : Disposition::close;
    case Delivery::stalled:
      co_await wait_for_client_close(c);
      co_return Disposition::close;
    case Delivery::died:
    case Delivery::aborted:
      co_return Disposition::close;
  }
  co_return Disposition::close;
}

std::string make_id(ServerState& state) {
  std::uint64_t z = state.options.seed * 0x9e3779b97f4a7c15ULL + state.responses.fetch_add(1) + 1;
  std::string id;
  for (int round = 0; round < 2; ++round) {
    z += 0x9e3779b97f4a7c15ULL;
    std::uint64_t x = z;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    x ^= x >> 31;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(x));
    id += hex;
  }
  id.resize(24);
  return id;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

RecordedRequest record_of(http::request<http::string_body>& request) {
  RecordedRequest recorded;
  recorded.method = std::string(request.method_string());
  recorded.target = std::string(request.target());
  for (const auto& field : request) {
    recorded.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
  }
  recorded.body = std::move(request.body());
  return recorded;
}

/// Settings from the model suffix first, then x-sim-* headers, so headers win.
std::vector<KnobSetting> knob_settings(const http::request<http::string_body>& request,
                                       std::vector<KnobSetting> from_model) {
  std::vector<KnobSetting> settings = std::move(from_model);
  for (const auto& field : request) {
    const std::string name = lower(field.name_string());
    if (name.starts_with("x-sim-")) settings.push_back({name.substr(6), std::string(field.value())});
  }
  return settings;
}

/// The early faults every endpoint honours: no answer, or an error status instead of one.
/// Returns nullopt when `fault` is none or only strikes mid-answer.
awaitable<std::optional<Disposition>> apply_early_fault(Connection& c, Fault fault, ErrorShape shape, bool keep_alive) {
  switch (fault) {
    case Fault::refuse:
      co_return Disposition::close;
    case Fault::stall_headers:
      co_await wait_for_client_close(c);
      co_return Disposition::close;
    case Fault::unauthorized:
      co_return co_await send_error(c, shape, 401, "Incorrect API key provided (simulated)", keep_alive);
    case Fault::forbidden:
      co_return co_await send_error(c, shape, 403, "The API key has no access to this model (simulated)", keep_alive);
    case Fault::too_many_requests:
      co_return co_await send_json(c, 429, error_body(shape, 429, "Rate limit reached for requests (simulated)"),
                                   keep_alive, "Retry-After: 2\r\n");
    case Fault::server_error:
      co_return co_await send_error(c, shape, 500, "The server had an error while processing your request (simulated)",
                                    keep_alive);
    case Fault::unavailable:
      co_return co_await send_error(c, shape, 503, "The engine is currently overloaded (simulated)", keep_alive);
    case Fault::overloaded:
      co_return co_await send_error(c, shape, 529, "Overloaded (simulated)", keep_alive);
    case Fault::none:
    case Fault::stall_mid:
    case Fault::die_mid:
    case Fault::malformed:
      co_return std::nullopt;
  }
  co_return std::nullopt;
}

/// A fault asked for on a probe (health, models): the x-sim-fault header, else --fault.
Fault probe_fault(const ServerState& state, const http::request<http::string_body>& request) {
  const auto header = request.find("x-sim-fault");
  if (header == request.end()) return state.options.fault;
  return parse_fault(header->value()).value_or(Fault::none);
}

/// The answer a generation request gets: a judge verdict, a scripted tool call, or prose.
Answer build_answer(const ServerState& state, Endpoint endpoint, const SimRequest& sim, const RequestKnobs& knobs) {
  AnswerSpec spec;
  spec.tokens = knobs.tokens;
  spec.think_tokens = knobs.think_tokens;
  spec.think_style = knobs.think_style;
  spec.quality = knobs.quality;
  spec.max_tokens = sim.max_tokens;
  spec.stop = sim.stop;
  spec.seed = state.options.seed ^ sim.prompt_hash;
  spec.name = state.options.name;
  if (sim.judge) {
    const auto preference = knobs.judge_prefers.value_or(state.options.judge_prefers);
    const auto form = knobs.judge_malformed ? VerdictForm::malformed : VerdictForm::json;
    return build_verbatim_answer(judge_verdict(sim.judge_text, preference, form), spec);
  }
  const bool tool_turn = sim.first_tool && endpoint != Endpoint::completions &&
                         behaviour_for_turn(knobs, sim.assistant_turns) == TurnBehaviour::tool;
  if (!tool_turn) return build_text_answer(spec);
  Answer answer = build_tool_call_answer(*sim.first_tool, spec);
  answer.tool_call->mistral_id = knobs.tool_ids != ToolIdRule::any;
  return answer;
}

/// The facts every event repeats; a cache_control prefix is a cache write the first time it is
/// seen and a cache read afterwards.
ResponseMeta build_meta(ServerState& state, const SimRequest& sim, const RequestKnobs& knobs,
                        const std::string& model) {
  ResponseMeta meta;
  meta.id_suffix = make_id(state);
  meta.created = unix_now();
  meta.model = model.empty() ? state.options.model_names.front() : model;
  meta.prompt_tokens = sim.prompt_tokens();
  meta.usage = knobs.usage;
  meta.stream_usage = sim.include_usage;
  meta.timings = knobs.timings;
  meta.max_tokens = sim.max_tokens;
  if (sim.cache_prefix_bytes > 0) {
    const int cached = static_cast<int>(sim.cache_prefix_bytes / 4);
    if (state.prompt_cache.remember(sim.cache_prefix_hash)) {
      meta.cache_read_tokens = cached;
    } else {
      meta.cache_creation_tokens = cached;
    }
  }
  return meta;
}

awaitable<Disposition> generate(Connection& c, Endpoint endpoint, http::request<http::string_body> request) {
  ServerState& state = *c.state;
  const bool keep_alive = request.keep_alive();
  const ErrorShape shape = error_shape_for(path_of(request.target()));
  ParsedRequest parsed = parse_sim_request(endpoint, request.body(), c.json);
  ModelSuffix model = split_model_suffix(parsed.request.requested_model);
  const ResolvedKnobs resolved = resolve_knobs(state.options, knob_settings(request, std::move(model.settings)));
  state.stats.record_request(record_of(request), true);
  if (!parsed.error.empty()) co_return co_await send_error(c, shape, 400, parsed.error, keep_alive);
  if (!resolved.error.empty()) co_return co_await send_error(c, shape, 400, resolved.error, keep_alive);

  Generation g;
  g.endpoint = endpoint;
  g.knobs = resolved.knobs;
  g.stream = parsed.request.stream && !g.knobs.ignore_stream;
  g.keep_alive = keep_alive;
  if (g.knobs.fault != Fault::none) state.stats.record_fault(fault_name(g.knobs.fault));
  if (auto early = co_await apply_early_fault(c, g.knobs.fault, shape, keep_alive)) co_return *early;

  const SimRequest& sim = parsed.request;
  if (endpoint == Endpoint::chat_completions) {
    if (std::string refused = refused_tool_id(g.knobs.tool_ids, sim.tool_call_ids); !refused.empty())
      co_return co_await send_error(c, shape, 400, refused, keep_alive);
  }
  if (endpoint == Endpoint::count_tokens) {
    std::string body = R"({"input_tokens":)";
    append_number(body, std::int64_t{sim.prompt_tokens()});
    body += '}';
    co_return co_await send_json(c, 200, body, keep_alive);
  }
  if (endpoint == Endpoint::tokenize) {
    const auto pieces = sim.tokenize_with_pieces ? TokenPieces::include : TokenPieces::omit;
    co_return co_await send_json(c, 200, tokenize_json(sim.tokenize_content, pieces), keep_alive);
  }

  g.answer = build_answer(state, endpoint, sim, g.knobs);
  g.meta = build_meta(state, sim, g.knobs, model.model);
  co_return co_await deliver_watched(c, g);
}

awaitable<Disposition> handle_request(Connection& c, http::request<http::string_body> request) {
  ServerState& state = *c.state;
  const std::string path(path_of(request.target()));
  const bool keep_alive = request.keep_alive();
  const auto method = request.method();

  if (path == "/sim/stats") co_return co_await send_json(c, 200, state.stats.to_json(), keep_alive);
  if (path == "/sim/reset") {
    state.stats.reset();
    co_return co_await send_json(c, 200, R"({"reset":true})", keep_alive);
  }
  if (!c.counted) {
    c.counted = true;
    state.stats.connection_counted();
  }

  const bool probe = path == "/health" || path == "/v1/health" || path == "/v1/models";
  if (probe) {
    const Fault fault = probe_fault(state, request);
    state.stats.record_request(record_of(request), false);
    if (auto early = co_await apply_early_fault(c, fault, ErrorShape::openai, keep_alive)) co_return *early;
    if (method != http::verb::get) {
      co_return co_await send_error(c, ErrorShape::openai, 405, "use GET for " + path, keep_alive);
    }
    if (path == "/v1/models") co_return co_await send_json(c, 200, state.models_body, keep_alive);
    co_return co_await send_json(c, 200, R"({"status":"ok"})", keep_alive);
  }

  std::optional<Endpoint> endpoint;
  if (path == "/v1/chat/completions" || path == "/chat/completions") endpoint = Endpoint::chat_completions;
  if (path == "/v1/completions" || path == "/completions") endpoint = Endpoint::completions;
  if (path == "/v1/messages") endpoint = Endpoint::messages;
  if (path == "/v1/messages/count_tokens") endpoint = Endpoint::count_tokens;
  if (path == "/v1/responses") endpoint = Endpoint::responses;
  if (path == "/tokenize") endpoint = Endpoint::tokenize;
  if (endpoint && method == http::verb::post) co_return co_await generate(c, *endpoint, std::move(request));

  const ErrorShape shape = error_shape_for(path);
  state.stats.record_request(record_of(request), true);
  if (endpoint) co_return co_await send_error(c, shape, 405, "use POST for " + path, keep_alive);
  co_return co_await send_error(c, shape, 404, "unknown path " + path, keep_alive);
}

/// Reads the next request, giving up after --idle-timeout-ms when that is set.
awaitable<error_code> read_request(Connection& c, http::request_parser<http::string_body>& parser) {
  const auto idle = c.state->options.idle_timeout;
  if (idle.count() == 0) {
    const auto [ec, n] = co_await http::async_read(c.socket, c.buffer, parser, use_nothrow);
    co_return ec;
  }
  asio::steady_timer timer(c.socket.get_executor());
  timer.expires_after(idle);
  const auto result =
      co_await (http::async_read(c.socket, c.buffer, parser, use_nothrow) || timer.async_wait(use_nothrow));
  if (result.index() == 1) co_return asio::error::timed_out;
  co_return std::get<0>(std::get<0>(result));
}

awaitable<void> serve_connection(tcp::socket socket, std::shared_ptr<ServerState> state) {
  Connection c(std::move(socket), std::move(state));
  c.state->stats.tcp_accepted();
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxBodyBytes);
    parser.header_limit(kMaxHeaderBytes);
    if (co_await read_request(c, parser)) break;
    if (co_await handle_request(c, parser.release()) == Disposition::close) break;
  }
  error_code ignored;
  c.socket.shutdown(tcp::socket::shutdown_both, ignored);
  c.socket.close(ignored);
  if (c.counted) c.state->stats.counted_connection_closed();
}

void report_session_failure(std::exception_ptr failure) {
  if (!failure) return;
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "llmroute simulate: connection failed: %s\n", e.what());
  }
}

awaitable<void> accept_loop(std::shared_ptr<ServerState> state) {
  asio::steady_timer backoff(state->acceptor.get_executor());
  for (;;) {
    asio::io_context& worker = *state->workers[state->next_worker++ % state->workers.size()];
    auto [ec, socket] = co_await state->acceptor.async_accept(worker, use_nothrow);
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // Out of descriptors or a transient accept error: let connections drain, then retry.
      backoff.expires_after(std::chrono::milliseconds(10));
      co_await backoff.async_wait(use_nothrow);
      continue;
    }
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    const auto executor = socket.get_executor();
    asio::co_spawn(executor, serve_connection(std::move(socket), state), report_session_failure);
  }
}

std::string models_body(const SimOptions& options) {
  std::string body = R"({"object":"list","data":[)";
  for (std::size_t i = 0; i < options.model_names.size(); ++i) {
    if (i > 0) body += ',';
    body += R"({"id":)";
    append_json_string(body, options.model_names[i]);
    body += R"(,"object":"model","created":1700000000,"owned_by":"llmroute-simulate"})";
  }
  body += "]}";
  return body;
}

void stop_all(std::vector<std::unique_ptr<asio::io_context>>* contexts, const error_code& ec, int) {
  if (ec) return;
  for (const auto& context : *contexts) context->stop();
}

void run_context(asio::io_context* context) { context->run(); }

}  // namespace

SimServer::SimServer(SimOptions options) {
  for (int i = 0; i < std::max(1, options.threads); ++i) contexts_.push_back(std::make_unique<asio::io_context>(1));
  state_ = std::make_shared<ServerState>(*contexts_.front(), std::move(options));
  for (const auto& context : contexts_) state_->workers.push_back(context.get());
  const auto& opts = state_->options;
  if (!opts.name.empty()) {
    std::string header_value = opts.name;
    for (char& ch : header_value) {
      if (ch == '\r' || ch == '\n') ch = ' ';
    }
    state_->extra_headers = "x-sim-name: " + header_value + "\r\n";
  }
  state_->models_body = models_body(opts);
  const tcp::endpoint endpoint(asio::ip::make_address(opts.listen_host), opts.listen_port);
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
}

SimServer::~SimServer() {
  // The pending accept owns a socket of a worker context, and frames queued on every context hold the
  // state (whose acceptor belongs to the first context). So: end the accept loop while every context
  // exists, then destroy the workers before the first context, so no object outlives its context.
  error_code ignored;
  state_->acceptor.close(ignored);
  contexts_.front()->restart();
  contexts_.front()->poll();
  state_.reset();
  while (!contexts_.empty()) contexts_.pop_back();
}

std::uint16_t SimServer::port() const { return state_->acceptor.local_endpoint().port(); }

void SimServer::run() {
  asio::io_context& main = *contexts_.front();
  asio::signal_set signals(main, SIGINT, SIGTERM);
  signals.async_wait(std::bind_front(stop_all, &contexts_));
  asio::co_spawn(main, accept_loop(state_), report_session_failure);
  // Workers have nothing queued until connections arrive; the guards keep them running.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < contexts_.size(); ++i) {
    guards.push_back(asio::make_work_guard(*contexts_[i]));
    threads.emplace_back(run_context, contexts_[i].get());
  }
  main.run();
  for (auto& thread : threads) thread.join();
}

}  // namespace llmroute::simulator
