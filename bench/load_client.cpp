// llmroute-load: one-thread, coroutine HTTP/1.1 load generator with keep-alive connections and SSE-aware timing.
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/load_options.hpp"
#include "bench/load_report.hpp"
#include "bench/sse_probe.hpp"
#include "proxy/asio.hpp"

namespace llmroute::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kBodyBufferSize = 16 * 1024;
// Deadlines are enforced by one sweeping timer rather than a timer per operation, which
// would cost more than the proxy work being measured; the price is up to this much lateness.
constexpr auto kWatchdogPeriod = std::chrono::milliseconds(50);
constexpr auto kHoldPollPeriod = std::chrono::milliseconds(20);
constexpr auto kHoldReportPeriod = std::chrono::seconds(1);

/// One keep-alive connection and the buffers reused by every request on it.
struct Connection {
  explicit Connection(const asio::any_io_executor& executor) : socket(executor) {}

  tcp::socket socket;
  beast::flat_buffer buffer;
  std::array<char, kBodyBufferSize> body{};
  SseProbe probe;
  Clock::time_point deadline = Clock::time_point::max();
  bool timed_out = false;
};

/// What every worker of one run shares (the io_context has one thread, so no locking).
struct Shared {
  const LoadOptions* options = nullptr;
  tcp::endpoint endpoint;
  std::string request;  ///< the serialised request, written as is every time
  std::vector<std::unique_ptr<Connection>> connections;
};

/// One batch of requests (the warm-up or the measurement) over the shared connections.
struct Phase {
  Shared* shared = nullptr;
  std::size_t limit = 0;
  Clock::time_point stop_issuing = Clock::time_point::max();
  std::vector<Sample>* samples = nullptr;  ///< null during the warm-up
  std::size_t issued = 0;
  std::size_t running = 0;
  std::size_t connects = 0;
  std::size_t reconnects = 0;
  Clock::time_point last_done{};
  asio::steady_timer* watchdog = nullptr;
};

enum class Attempt { finished, retry_on_fresh_connection };

void rethrow_failure(std::exception_ptr failure) {
  if (failure) {
    std::rethrow_exception(failure);
  }
}

void close_connection(Connection* conn) {
  error_code ignored;
  conn->socket.close(ignored);
  conn->buffer.clear();
}

std::int64_t nanoseconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count();
}

Outcome io_outcome(const Connection* conn) { return conn->timed_out ? Outcome::timeout : Outcome::io_error; }

/// Opens the connection if needed; false (with the sample filled in) when that fails.
awaitable<bool> ensure_connected(Shared* shared, Connection* conn, std::size_t* connects, Sample* sample) {
  if (conn->socket.is_open()) {
    co_return true;
  }
  auto [ec] = co_await conn->socket.async_connect(shared->endpoint, use_nothrow);
  if (ec) {
    sample->outcome = conn->timed_out ? Outcome::timeout : Outcome::connect_failed;
    close_connection(conn);
    co_return false;
  }
  conn->socket.set_option(tcp::no_delay(true), ec);
  ++*connects;
  co_return true;
}

/// Writes the request and reads the whole response, timing headers, first content and end.
awaitable<Attempt> attempt_exchange(Shared* shared, Connection* conn, bool reused, Clock::time_point start,
                                    Sample* sample) {
  // A server may close an idle keep-alive connection just as we reuse it; only a failure
  // before any response byte on a reused connection is that race, and worth one retry.
  auto stale = [&](bool got_response_bytes) { return reused && !got_response_bytes && !conn->timed_out; };

  auto [write_ec, written] = co_await asio::async_write(conn->socket, asio::buffer(shared->request), use_nothrow);
  if (write_ec) {
    close_connection(conn);
    if (stale(false)) {
      co_return Attempt::retry_on_fresh_connection;
    }
    sample->outcome = io_outcome(conn);
    co_return Attempt::finished;
  }

  http::response_parser<http::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  conn->probe.reset();
  bool event_stream = false;
  bool headers_seen = false;
  while (!parser.is_done()) {
    parser.get().body().data = conn->body.data();
    parser.get().body().size = conn->body.size();
    auto [ec, read] = co_await http::async_read_some(conn->socket, conn->buffer, parser, use_nothrow);
    if (ec == http::error::need_buffer) {
      ec = {};
    }
    if (ec) {
      const bool got_some = parser.got_some();
      close_connection(conn);
      if (stale(got_some)) {
        co_return Attempt::retry_on_fresh_connection;
      }
      sample->outcome = io_outcome(conn);
      co_return Attempt::finished;
    }
    const auto now = Clock::now();
    if (!headers_seen && parser.is_header_done()) {
      headers_seen = true;
      sample->headers_ns = nanoseconds_between(start, now);
      sample->status = static_cast<std::uint16_t>(parser.get().result_int());
      event_stream = parser.get()[http::field::content_type].starts_with("text/event-stream");
    }
    const std::size_t got = conn->body.size() - parser.get().body().size;
    sample->bytes += got;
    if (event_stream && conn->probe.feed({conn->body.data(), got})) {
      sample->ttft_ns = nanoseconds_between(start, now);
    }
  }
  const auto done = Clock::now();
  sample->total_ns = nanoseconds_between(start, done);
  if (!event_stream || !conn->probe.content_seen()) {
    sample->ttft_ns = sample->total_ns;
  }
  if (sample->status < 200 || sample->status > 299) {
    sample->outcome = Outcome::bad_status;
  } else if (event_stream && !conn->probe.finished()) {
    sample->outcome = Outcome::incomplete;
  }
  if (!parser.keep_alive()) {
    close_connection(conn);
  }
  co_return Attempt::finished;
}

awaitable<Sample> exchange(Phase* phase, Connection* conn) {
  Shared* shared = phase->shared;
  const auto start = Clock::now();
  conn->deadline = start + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(shared->options->timeout_s));
  conn->timed_out = false;
  Sample sample;
  for (;;) {
    // A retry always runs on a fresh connection, so it cannot be retried again.
    const bool reused = conn->socket.is_open();
    if (!co_await ensure_connected(shared, conn, &phase->connects, &sample)) {
      break;
    }
    if (co_await attempt_exchange(shared, conn, reused, start, &sample) == Attempt::finished) {
      break;
    }
    ++phase->reconnects;
    sample = Sample{};
  }
  conn->deadline = Clock::time_point::max();
  co_return sample;
}

bool take_ticket(Phase* phase) {
  if (phase->issued >= phase->limit || Clock::now() >= phase->stop_issuing) {
    return false;
  }
  ++phase->issued;
  return true;
}

awaitable<void> run_worker(Phase* phase, Connection* conn) {
  while (take_ticket(phase)) {
    Sample sample = co_await exchange(phase, conn);
    phase->last_done = Clock::now();
    if (phase->samples != nullptr) {
      phase->samples->push_back(sample);
    }
  }
  if (--phase->running == 0) {
    phase->watchdog->cancel();
  }
}

/// Closes connections whose request outlived its deadline; their pending operation then fails.
awaitable<void> watch_deadlines(Phase* phase) {
  while (phase->running > 0) {
    phase->watchdog->expires_after(kWatchdogPeriod);
    co_await phase->watchdog->async_wait(use_nothrow);
    const auto now = Clock::now();
    for (auto& conn : phase->shared->connections) {
      if (conn->deadline <= now && conn->socket.is_open()) {
        conn->timed_out = true;
        error_code ignored;
        conn->socket.close(ignored);
      }
    }
  }
}

void run_phase(asio::io_context& context, Phase* phase) {
  asio::steady_timer watchdog(context);
  phase->watchdog = &watchdog;
  phase->running = phase->shared->connections.size();
  asio::co_spawn(context, watch_deadlines(phase), rethrow_failure);
  for (auto& conn : phase->shared->connections) {
    asio::co_spawn(context, run_worker(phase, conn.get()), rethrow_failure);
  }
  context.run();
  context.restart();
}

RunTotals run_load(asio::io_context& context, Shared* shared) {
  const LoadOptions& options = *shared->options;
  if (options.warmup > 0) {
    Phase warmup{.shared = shared, .limit = options.warmup};
    run_phase(context, &warmup);
  }
  RunTotals totals;
  totals.concurrency = options.concurrency;
  constexpr std::size_t kReserveCap = 1 << 20;  // beyond this, let the vector grow rather than over-allocate
  totals.samples.reserve(std::min(options.requests.value_or(kReserveCap), kReserveCap));
  Phase measure{.shared = shared,
                .limit = options.requests.value_or(std::numeric_limits<std::size_t>::max()),
                .samples = &totals.samples};
  const auto start = Clock::now();
  if (options.duration_s) {
    measure.stop_issuing =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*options.duration_s));
  }
  measure.last_done = start;
  run_phase(context, &measure);
  totals.elapsed_s = std::chrono::duration<double>(measure.last_done - start).count();
  totals.connects = measure.connects;
  totals.reconnects = measure.reconnects;
  return totals;
}

/// Hold-mode state: streams open, failed, and whether the controller has started closing them.
struct Hold {
  Shared* shared = nullptr;
  std::size_t opened = 0;
  std::size_t failed = 0;
  std::size_t ended_early = 0;
  bool closing = false;
};

/// Opens one stream and keeps reading it until the controller closes the connection.
awaitable<void> hold_stream(Hold* hold, Connection* conn) {
  Sample sample;
  std::size_t connects = 0;
  if (!co_await ensure_connected(hold->shared, conn, &connects, &sample)) {
    ++hold->failed;
    co_return;
  }
  auto [write_ec, written] = co_await asio::async_write(conn->socket, asio::buffer(hold->shared->request), use_nothrow);
  if (write_ec) {
    ++hold->failed;
    co_return;
  }
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  bool open = false;
  while (!parser.is_done()) {
    parser.get().body().data = conn->body.data();
    parser.get().body().size = conn->body.size();
    auto [ec, read] = co_await http::async_read_some(conn->socket, conn->buffer, parser, use_nothrow);
    if (ec && ec != http::error::need_buffer) {
      break;
    }
    if (parser.is_header_done() && parser.get().result_int() != 200) {
      break;
    }
    const std::size_t got = conn->body.size() - parser.get().body().size;
    if (conn->probe.feed({conn->body.data(), got}) && !open) {
      open = true;
      ++hold->opened;
    }
  }
  close_connection(conn);
  if (!open) {
    ++hold->failed;
  } else if (!hold->closing) {
    ++hold->ended_early;
  }
}

void write_ready_file(const std::string& path, const Hold& hold) {
  // Written under a temporary name and renamed, so a watcher never reads it half-written.
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary);
    out << hold.opened << ' ' << hold.failed << '\n';
  }
  std::rename(temporary.c_str(), path.c_str());
}

awaitable<void> control_hold(Hold* hold, HoldTotals* totals) {
  const LoadOptions& options = *hold->shared->options;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto start = Clock::now();
  const auto open_deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.timeout_s));
  while (hold->opened + hold->failed < options.concurrency && Clock::now() < open_deadline) {
    timer.expires_after(kHoldPollPeriod);
    co_await timer.async_wait(use_nothrow);
  }
  const auto held_from = Clock::now();
  totals->open_s = std::chrono::duration<double>(held_from - start).count();
  std::fprintf(stderr, "hold: %zu of %zu streams open, %zu failed\n", hold->opened, options.concurrency, hold->failed);
  if (!options.ready_file.empty()) {
    write_ready_file(options.ready_file, *hold);
  }
  const auto hold_until =
      held_from + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*options.hold_s));
  while (Clock::now() < hold_until) {
    timer.expires_at(std::min(Clock::now() + kHoldReportPeriod, hold_until));
    co_await timer.async_wait(use_nothrow);
    std::fprintf(stderr, "hold: %zu open\n", hold->opened - hold->ended_early);
  }
  totals->held_s = std::chrono::duration<double>(Clock::now() - held_from).count();
  hold->closing = true;
  for (auto& conn : hold->shared->connections) {
    error_code ignored;
    conn->socket.close(ignored);
  }
}

HoldTotals run_hold(asio::io_context& context, Shared* shared) {
  Hold hold{.shared = shared};
  HoldTotals totals;
  totals.streams = shared->connections.size();
  asio::co_spawn(context, control_hold(&hold, &totals), rethrow_failure);
  for (auto& conn : shared->connections) {
    asio::co_spawn(context, hold_stream(&hold, conn.get()), rethrow_failure);
  }
  context.run();
  totals.opened = hold.opened;
  totals.failed = hold.failed;
  totals.ended_early = hold.ended_early;
  return totals;
}

bool names_header(const std::vector<std::string>& headers, std::string_view name) {
  for (const auto& header : headers) {
    if (header.size() > name.size() && header[name.size()] == ':' &&
        beast::iequals(std::string_view(header).substr(0, name.size()), name)) {
      return true;
    }
  }
  return false;
}

std::string serialise_request(const LoadOptions& options) {
  std::string request = "POST " + options.url.target + " HTTP/1.1\r\nHost: " + options.url.host + ":" +
                        std::to_string(options.url.port) + "\r\n";
  if (!names_header(options.headers, "content-type")) {
    request += "Content-Type: application/json\r\n";
  }
  for (const auto& header : options.headers) {
    request += header + "\r\n";
  }
  request += "Content-Length: " + std::to_string(options.body.size()) + "\r\n\r\n" + options.body;
  return request;
}

tcp::endpoint resolve_endpoint(const TargetUrl& url) {
  error_code ec;
  auto address = asio::ip::make_address(url.host == "localhost" ? "127.0.0.1" : url.host, ec);
  if (ec) {
    throw std::invalid_argument("--url host must be an IP address or localhost (got '" + url.host + "')");
  }
  return {address, url.port};
}

/// Thousands of sockets need more descriptors than the usual soft limit of 1,024.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int run(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--help") {
      std::fputs(load_usage().data(), stdout);
      return 0;
    }
  }
  // The io_context must outlive the sockets in `shared`, so it is declared first.
  asio::io_context context(1);
  Shared shared;
  LoadOptions options;
  try {
    options = parse_load_options(argc, argv);
    shared.endpoint = resolve_endpoint(options.url);
  } catch (const std::invalid_argument& error) {
    std::fprintf(stderr, "llmroute-load: %s\n\n%s", error.what(), load_usage().data());
    return 2;
  }
  raise_descriptor_limit();
  shared.options = &options;
  shared.request = serialise_request(options);
  shared.connections.reserve(options.concurrency);
  for (std::size_t i = 0; i < options.concurrency; ++i) {
    shared.connections.push_back(std::make_unique<Connection>(context.get_executor()));
  }
  if (options.hold_s) {
    const HoldTotals totals = run_hold(context, &shared);
    print_hold_report(totals, options.format, stdout);
    return totals.opened == totals.streams && totals.ended_early == 0 ? 0 : 1;
  }
  const RunTotals totals = run_load(context, &shared);
  print_run_report(totals, options.format, stdout);
  for (const auto& sample : totals.samples) {
    if (sample.outcome != Outcome::ok) {
      return 1;
    }
  }
  return totals.samples.empty() ? 1 : 0;
}

}  // namespace
}  // namespace llmroute::bench

int main(int argc, char** argv) { return llmroute::bench::run(argc, argv); }
