// Concurrent loopback HTTP/1.1 client for the demo: one coroutine per connection, one io_context.
#include "demo/traffic_driver.hpp"

#include "proxy/asio.hpp"

#include <boost/beast/core/tcp_stream.hpp>

namespace llmroute::demo {

namespace {

using Clock = std::chrono::steady_clock;

struct Shared {
  const std::vector<WorkloadRequest>* requests = nullptr;
  const DriveOptions* options = nullptr;
  Clock::time_point start;
  std::size_t next = 0;
  std::size_t finished = 0;
  DriveResult result;
};

/// One request on a fresh connection; the status, or 0 when no complete response arrived.
awaitable<unsigned> send_one(const WorkloadRequest* request, std::uint16_t port, std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  beast::tcp_stream stream(executor);
  stream.expires_after(timeout);
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  auto [connect_error] = co_await stream.async_connect(endpoint, use_nothrow);
  if (connect_error) co_return 0;
  http::request<http::string_body> message{http::verb::post, request->target, 11};
  message.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : request->headers) message.set(name, value);
  message.body() = request->body;
  message.prepare_payload();
  auto [write_error, written] = co_await http::async_write(stream, message, use_nothrow);
  if (write_error) co_return 0;
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);
  auto [read_error, read] = co_await http::async_read(stream, buffer, parser, use_nothrow);
  if (read_error) co_return 0;
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  co_return parser.get().result_int();
}

awaitable<std::optional<std::string>> get_one(std::uint16_t port, std::string target, std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  beast::tcp_stream stream(executor);
  stream.expires_after(timeout);
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  auto [connect_error] = co_await stream.async_connect(endpoint, use_nothrow);
  if (connect_error) co_return std::nullopt;
  http::request<http::empty_body> message{http::verb::get, target, 11};
  message.set(http::field::host, "127.0.0.1");
  auto [write_error, written] = co_await http::async_write(stream, message, use_nothrow);
  if (write_error) co_return std::nullopt;
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  auto [read_error, read] = co_await http::async_read(stream, buffer, response, use_nothrow);
  if (read_error || response.result_int() != 200) co_return std::nullopt;
  co_return std::move(response.body());
}

awaitable<void> worker(Shared* shared) {
  const DriveOptions& options = *shared->options;
  while (shared->next < shared->requests->size() && Clock::now() - shared->start < options.time_limit) {
    const WorkloadRequest* request = &(*shared->requests)[shared->next++];
    ++shared->result.sent;
    const unsigned status = co_await send_one(request, options.port, options.request_timeout);
    if (status == 0) {
      ++shared->result.transport_failures;
    } else {
      ++shared->result.answered;
      ++shared->result.by_status[status];
    }
    ++shared->finished;
  }
}

awaitable<void> report_progress(Shared* shared, std::size_t* workers_left) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (*workers_left > 0) {
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - shared->start);
    shared->options->progress(shared->finished, shared->requests->size(), elapsed);
    timer.expires_after(std::chrono::milliseconds(200));
    co_await timer.async_wait(use_nothrow);
  }
}

awaitable<void> run_worker(Shared* shared, std::size_t* workers_left) {
  co_await worker(shared);
  --*workers_left;
}

}  // namespace

DriveResult drive(const std::vector<WorkloadRequest>& requests, const DriveOptions& options) {
  asio::io_context io;
  Shared shared;
  shared.requests = &requests;
  shared.options = &options;
  shared.start = Clock::now();
  std::size_t workers_left = std::max<std::size_t>(options.concurrency, 1);
  const std::size_t workers = workers_left;
  for (std::size_t i = 0; i < workers; ++i) asio::co_spawn(io, run_worker(&shared, &workers_left), asio::detached);
  if (options.progress) asio::co_spawn(io, report_progress(&shared, &workers_left), asio::detached);
  io.run();
  if (options.progress)
    options.progress(shared.finished, requests.size(),
                     std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - shared.start));
  return shared.result;
}

std::optional<std::string> http_get(std::uint16_t port, const std::string& target, std::chrono::milliseconds timeout) {
  asio::io_context io;
  std::optional<std::string> body;
  asio::co_spawn(io, get_one(port, target, timeout), [&body](std::exception_ptr error, std::optional<std::string> got) {
    if (!error) body = std::move(got);
  });
  io.run();
  return body;
}

}  // namespace llmroute::demo
