// The keep-alive loop of a client connection and the errors of reading a request (400, 408, 413, 431).
#include "proxy/client_connection.hpp"

#include "proxy/client_response.hpp"
#include "proxy/endpoints.hpp"
#include "proxy/error_body.hpp"
#include "proxy/request_body.hpp"
#include "proxy/unread_request.hpp"
#include "proxy/watchdog.hpp"

#include <boost/beast/core/string.hpp>

#include <algorithm>
#include <array>
#include <optional>

namespace llmroute::proxy {

namespace {

using namespace asio::experimental::awaitable_operators;

/// Largest read of a request body; idle connections keep at most kIdleBufferSize of buffer.
constexpr std::uint64_t kBodyReadSize = 64 * 1024;
constexpr std::uint64_t kIdleBufferSize = 4 * 1024;

bool is_disconnect(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor;
}

/// Answers a request that could not be read, then the connection closes.
awaitable<void> reject(ClientSession& session, ClientApi api, int status, std::string message, std::string_view extra_headers = {}) {
  const std::string body = error_body(api, status, message);
  co_await write_response(session, static_cast<unsigned>(status), "application/json", body, KeepAlive::no, extra_headers);
}

/// Answers a request whose head was read but not its body (status 0: the client is gone, nothing to answer); a
/// model request also leaves its record, whose id the answer carries.
awaitable<void> refuse_unread(ServerState* state, ClientSession& session, ClientApi api, const std::optional<UnreadRequest>* unread,
                              int status, FailureKind failure, std::string message) {
  const std::string id_header = *unread ? "x-request-id: " + (*unread)->id + "\r\n" : std::string();
  if (status != 0) co_await reject(session, api, status, std::move(message), id_header);
  if (*unread) record_unread_request(*state, **unread, status, failure);
}

std::string size_text(std::uint64_t bytes) {
  if (bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes % (1u << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

std::string body_limit_message(std::uint64_t max_body_bytes) {
  return "request body exceeds the limit of " + size_text(max_body_bytes) + " (server.max_body_bytes)";
}

/// Why a body that stopped at the client's end of stream is refused: its bytes against the length it announced
/// (the client closed its side early, or sent a shorter body than its Content-Length says).
std::string cut_body_message(const http::request_parser<http::string_body>& parser) {
  const std::size_t received = parser.get().body().size();
  if (parser.chunked()) return "the request body ended before its last chunk, after " + std::to_string(received) + " bytes";
  // The header as sent (Beast checked it is one number); the message's payload_size() is the body read so far.
  const std::string announced(parser.get()[http::field::content_length]);
  return "the request body ended after " + std::to_string(received) + " of the " + announced +
         " bytes its Content-Length announced";
}

/// The API of a request whose head could not be read, for its error's shape: Beast keeps the target once
/// the request line parsed; before that (a bad request line, headers over the limit) the raw bytes have it.
ClientApi api_of_unread(const http::request_parser<http::string_body>& parser, const beast::flat_buffer& buffer) {
  if (const std::string_view target = parser.get().target(); !target.empty()) return client_api_of(target);
  const auto bytes = buffer.data();
  return client_api_of(request_line_target(std::string_view(static_cast<const char*>(bytes.data()), bytes.size())));
}

/// Whether the request being read is a HEAD, so that its error answer goes without a body: Beast knows the
/// method once the request line parsed; before that (a bad target or version, a header cut by a deadline) the
/// raw bytes have it.
bool head_of_unread(const http::request_parser<http::string_body>& parser, const beast::flat_buffer& buffer) {
  if (const std::string_view method = parser.get().method_string(); !method.empty()) return method == "HEAD";
  const auto bytes = buffer.data();
  return request_line_method(std::string_view(static_cast<const char*>(bytes.data()), bytes.size())) == "HEAD";
}

/// Reads one request. Returns false when the connection must close (after any error answer was sent).
awaitable<bool> read_request(ServerState* state, ClientSession* session, http::request_parser<http::string_body>* parser) {
  const auto& server = state->config->server;
  const auto deadline = std::chrono::steady_clock::now() + server.timeouts.client_read;
  Watchdog watchdog(session->socket, session->buffer, &deadline, Watchdog::Client::ignore);
  const auto timed_out = [&watchdog](const error_code& ec) {
    return ec == asio::error::operation_aborted && watchdog.stopped() == WatchdogStop::deadline;
  };

  auto [head_ec, head_n] = co_await http::async_read_header(session->socket, session->buffer, *parser, use_nothrow);
  session->head_request = head_of_unread(*parser, session->buffer);
  if (timed_out(head_ec)) {
    // An idle keep-alive connection just closes; a half-sent request gets 408.
    if (parser->got_some() || session->buffer.size() > 0) {
      std::string message = "the request was not received within " + std::to_string(server.timeouts.client_read.count()) + " ms";
      co_await reject(*session, api_of_unread(*parser, session->buffer), 408, std::move(message));
    }
    co_return false;
  }
  if (const error_code ec = head_ec; ec) {
    if (is_disconnect(ec)) co_return false;
    // Beast checks a declared Content-Length against body_limit while parsing the header.
    if (ec == http::error::body_limit) {
      const ClientApi api = api_of_unread(*parser, session->buffer);
      std::optional<UnreadRequest> unread;
      if (records_unread(parser->get().method(), api)) unread = unread_request(*state, parser->get(), api);
      std::string message = body_limit_message(server.max_body_bytes);
      co_await refuse_unread(state, *session, api, &unread, 413, FailureKind::payload_too_large, std::move(message));
      co_return false;
    }
    const bool too_large = ec == http::error::header_limit;
    std::string message = too_large ? "request headers exceed " + size_text(server.max_header_bytes)
                                    : "malformed HTTP request: " + ec.message();
    co_await reject(*session, api_of_unread(*parser, session->buffer), too_large ? 431 : 400, std::move(message));
    co_return false;
  }

  const ClientApi api = client_api_of(parser->get().target());
  std::optional<UnreadRequest> unread;
  if (records_unread(parser->get().method(), api)) unread = unread_request(*state, parser->get(), api);
  // RFC 9112 6.3: a body in another transfer coding than chunked has no knowable end. Read as empty,
  // its bytes would be taken for the next request on the connection.
  if (parser->get().count(http::field::transfer_encoding) > 0 && !parser->chunked()) {
    std::string message = "Transfer-Encoding '" + std::string(parser->get()[http::field::transfer_encoding]) +
                          "' is not supported: send the body with Content-Length or chunked";
    co_await refuse_unread(state, *session, api, &unread, 400, FailureKind::bad_request, std::move(message));
    co_return false;
  }
  if (beast::iequals(parser->get()[http::field::expect], "100-continue")) {
    auto [ec, n] = co_await asio::async_write(session->socket, asio::buffer("HTTP/1.1 100 Continue\r\n\r\n", 25), use_nothrow);
    if (ec) co_return false;
  }
  if (parser->is_done()) co_return true;

  // Coding agents send 80-120 KB bodies. Beast reads as much as the buffer has room for (512 bytes
  // unless reserved), and the JSON scan needs padding after the body (else one more copy of it).
  const std::uint64_t declared = parser->content_length().value_or(0);
  if (declared > 0) {
    parser->get().body().reserve(static_cast<std::size_t>(declared) + json_padding());
    session->buffer.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(declared, kBodyReadSize)));
  }
  auto [body_ec, body_n] = co_await http::async_read(session->socket, session->buffer, *parser, use_nothrow);
  if (declared > kIdleBufferSize) session->buffer.shrink_to_fit();  // an idle connection keeps no large buffer
  if (timed_out(body_ec)) {
    std::string message = "the request body was not received within " + std::to_string(server.timeouts.client_read.count()) + " ms";
    co_await refuse_unread(state, *session, api, &unread, 408, FailureKind::client_timeout, std::move(message));
    co_return false;
  }
  if (const error_code ec = body_ec; ec) {
    if (is_disconnect(ec)) {
      std::string nothing_to_say;  // named: no std::string temporary inside co_await (GCC 12)
      co_await refuse_unread(state, *session, api, &unread, 0, FailureKind::client_gone, std::move(nothing_to_say));
      co_return false;
    }
    const bool over_limit = ec == http::error::body_limit;
    std::string message = over_limit                             ? body_limit_message(server.max_body_bytes)
                          : ec == http::error::partial_message ? cut_body_message(*parser)
                                                               : "malformed HTTP request body: " + ec.message();
    co_await refuse_unread(state, *session, api, &unread, over_limit ? 413 : 400,
                           over_limit ? FailureKind::payload_too_large : FailureKind::bad_request, std::move(message));
    co_return false;
  }
  co_return true;
}

/// Closes like nginx's lingering close: stop sending, then read and drop what the client still sends
/// (e.g. the rest of a body refused with 413) until it closes or a short deadline. Closing with unread
/// input would make the kernel send a reset that destroys the error answer before the client reads it.
awaitable<void> linger_close(ClientSession* session) {
  error_code ignored;
  session->socket.shutdown(tcp::socket::shutdown_send, ignored);
  asio::steady_timer deadline(session->socket.get_executor(), std::chrono::seconds(2));
  std::array<char, 16 * 1024> sink;
  for (std::size_t dropped = 0; dropped < (64u << 20);) {
    auto result = co_await (session->socket.async_read_some(asio::buffer(sink), use_nothrow) || deadline.async_wait(use_nothrow));
    if (result.index() == 1) break;
    auto [ec, n] = std::get<0>(result);
    if (ec) break;
    dropped += n;
  }
  session->socket.close(ignored);
}

}  // namespace

awaitable<void> serve_client(ServerState* state, tcp::socket socket) {
  ClientSession session(std::move(socket));
  SessionRegistration registration(*state, session);
  error_code ignored;
  session.socket.set_option(tcp::no_delay(true), ignored);
  const auto& server = state->config->server;

  while (!state->draining) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(server.max_header_bytes);
    parser.body_limit(server.max_body_bytes);
    session.busy = false;
    session.head_request = false;
    if (!co_await read_request(state, &session, &parser)) break;
    session.busy = true;
    if (co_await serve_endpoint(state, &session, &parser.get()) == KeepAlive::no) break;
    state->busy_poll.expect_bytes();  // a client on a kept-alive connection often sends its next request at once
  }
  co_await linger_close(&session);
}

}  // namespace llmroute::proxy
