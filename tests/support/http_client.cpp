// Test support: a small blocking HTTP/1.1 client with deadlines that timestamps each SSE event.
#include "support/http_client.hpp"

#include <sys/socket.h>

#include <boost/json/parse.hpp>
#include <cerrno>
#include <limits>
#include <optional>

#include "proxy/asio.hpp"

namespace llmroute::test {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

boost::json::value SseEvent::json() const { return boost::json::parse(data); }

std::size_t parse_sse_events(std::string_view text, Clock::time_point arrived, std::vector<SseEvent>& out) {
  std::size_t consumed = 0;
  std::size_t at = 0;
  SseEvent event;
  bool has_data = false;
  bool has_field = false;
  while (at < text.size()) {
    const auto newline = text.find('\n', at);
    if (newline == std::string_view::npos) break;
    std::string_view line = text.substr(at, newline - at);
    at = newline + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      if (has_field) {
        event.arrived = arrived;
        out.push_back(std::move(event));
        event = SseEvent{};
      }
      has_data = has_field = false;
      consumed = at;
      continue;
    }
    if (line.front() == ':') continue;  // a comment
    const auto colon = line.find(':');
    const std::string_view name = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    has_field = true;
    if (name == "event") {
      event.event = std::string(value);
    } else if (name == "data") {
      if (has_data) event.data += '\n';
      event.data.append(value);
      has_data = true;
    }
  }
  return consumed;
}

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

boost::json::value HttpResponse::json() const { return boost::json::parse(body); }

struct HttpClient::Impl {
  Impl(std::string h, std::uint16_t p) : host(std::move(h)), port(p) {}

  /// Runs one asynchronous operation to completion or until `deadline`, whichever is first;
  /// at the deadline the socket is closed and timed_out returned.
  template <typename Start>
  error_code run(Start start, Clock::time_point deadline) {
    std::optional<error_code> result;
    start([&result](error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run_until(deadline);
    if (!result) {
      error_code ignored;
      socket.close(ignored);
      io.restart();
      io.run();
      return asio::error::timed_out;
    }
    return *result;
  }

  /// True when the server has closed an idle kept-alive connection (EOF waiting to be read).
  bool peer_closed() {
    char byte = 0;
    const auto received = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return received == 0 || (received < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

  error_code connect(Clock::time_point deadline) {
    error_code ec;
    const auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
    if (ec) return ec;
    const tcp::endpoint endpoint(address, port);
    ec = run([&](auto handler) { socket.async_connect(endpoint, std::move(handler)); }, deadline);
    if (ec) {
      error_code ignored;
      socket.close(ignored);
      return ec;
    }
    ++opened;
    buffer.clear();
    socket.set_option(tcp::no_delay(true), ec);
    return {};
  }

  void close() {
    error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    buffer.clear();
  }

  std::string host;
  std::uint16_t port;
  asio::io_context io{1};
  tcp::socket socket{io};
  beast::flat_buffer buffer;
  int opened = 0;
};

HttpClient::HttpClient(std::string host, std::uint16_t port) : impl_(std::make_unique<Impl>(std::move(host), port)) {}

HttpClient::~HttpClient() = default;

bool HttpClient::connected() const { return impl_->socket.is_open(); }

int HttpClient::connections_opened() const { return impl_->opened; }

void HttpClient::close() { impl_->close(); }

HttpResponse HttpClient::get(std::string target, std::vector<std::pair<std::string, std::string>> headers) {
  HttpRequest request;
  request.target = std::move(target);
  request.headers = std::move(headers);
  return send(request);
}

HttpResponse HttpClient::post_json(std::string target, std::string body,
                                   std::vector<std::pair<std::string, std::string>> headers) {
  HttpRequest request;
  request.method = "POST";
  request.target = std::move(target);
  request.body = std::move(body);
  request.headers = std::move(headers);
  request.headers.emplace_back("Content-Type", "application/json");
  return send(request);
}

HttpResponse HttpClient::send(const HttpRequest& request) {
  Impl& impl = *impl_;
  HttpResponse response;
  const auto deadline = Clock::now() + request.timeout;
  if (impl.socket.is_open() && impl.peer_closed()) impl.close();
  if (!impl.socket.is_open()) {
    if (const auto ec = impl.connect(deadline)) {
      response.error = ec;
      return response;
    }
  }

  http::request<http::string_body> message;
  message.method_string(request.method);
  message.target(request.target);
  message.version(11);
  message.set(http::field::host, impl.host + ":" + std::to_string(impl.port));
  for (const auto& [name, value] : request.headers) message.insert(name, value);
  message.body() = request.body;
  if (!request.body.empty() || request.method == "POST") message.prepare_payload();

  response.sent = Clock::now();
  if (const auto ec =
          impl.run([&](auto handler) { http::async_write(impl.socket, message, std::move(handler)); }, deadline)) {
    response.error = ec;
    impl.close();
    return response;
  }

  http::response_parser<http::string_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  parser.skip(request.method == "HEAD");  // an answer to HEAD announces its GET's length but carries no body
  error_code ec = impl.run(
      [&](auto handler) { http::async_read_header(impl.socket, impl.buffer, parser, std::move(handler)); }, deadline);
  if (!ec) {
    response.headers_arrived = Clock::now();
    response.status = parser.get().result_int();
    for (const auto& field : parser.get()) {
      response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
  }
  const bool is_sse = response.header("content-type").starts_with("text/event-stream");
  std::size_t scanned = 0;
  while (!ec && !parser.is_done()) {
    ec = impl.run([&](auto handler) { http::async_read_some(impl.socket, impl.buffer, parser, std::move(handler)); },
                  deadline);
    if (!is_sse) continue;
    const auto first_new = response.events.size();
    scanned += parse_sse_events(std::string_view(parser.get().body()).substr(scanned), Clock::now(), response.events);
    if (!request.on_event) continue;
    for (auto i = first_new; i < response.events.size(); ++i) {
      if (!request.on_event(response.events[i])) {
        ec = asio::error::operation_aborted;
        break;
      }
    }
  }
  response.finished = Clock::now();
  response.error = ec;
  const bool keep_alive = !ec && parser.get().keep_alive();
  response.body = std::move(parser.get().body());
  if (!keep_alive) impl.close();
  return response;
}

}  // namespace llmroute::test
