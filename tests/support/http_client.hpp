// Test support: a small blocking HTTP/1.1 client with deadlines that timestamps each SSE event.
#pragma once

#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmroute::test {

using Clock = std::chrono::steady_clock;

/// One server-sent event.
struct SseEvent {
  std::string event;  ///< the `event:` field; empty when the event had none
  std::string data;   ///< the `data:` lines, joined with '\n'
  Clock::time_point arrived;

  /// `data` parsed as JSON; throws when it is not JSON (e.g. "[DONE]").
  boost::json::value json() const;
};

/// Splits complete events off the front of `text` (a decoded SSE body) into `out`, stamping
/// them `arrived`; returns how many bytes were consumed. Accepts LF and CRLF line ends.
std::size_t parse_sse_events(std::string_view text, Clock::time_point arrived, std::vector<SseEvent>& out);

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  /// Deadline for the whole exchange, from connect to the last body byte.
  std::chrono::milliseconds timeout{10'000};
  /// Called for each SSE event as it arrives; returning false stops reading and closes the
  /// connection (to test a client that goes away mid-stream).
  std::function<bool(const SseEvent&)> on_event;
};

struct HttpResponse {
  unsigned status = 0;  ///< 0 when no status line arrived
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;              ///< decoded (de-chunked) body, as far as it arrived
  std::vector<SseEvent> events;  ///< filled when the body is text/event-stream
  /// Transport outcome: empty when the whole message arrived; otherwise e.g.
  /// connection_refused, beast::http::error::partial_message (closed mid-body),
  /// boost::asio::error::timed_out, or operation_aborted (on_event stopped the read).
  boost::system::error_code error;
  Clock::time_point sent;
  Clock::time_point headers_arrived;
  Clock::time_point finished;

  /// The value of header `name` (case-insensitive); empty when absent.
  std::string header(std::string_view name) const;
  /// The body parsed as JSON; throws when it is not JSON.
  boost::json::value json() const;
  bool complete() const { return !error && status != 0; }
};

/// A blocking client for one server. It keeps its connection open between requests (keep-alive)
/// and reconnects transparently when the server or a failure closed it.
class HttpClient {
 public:
  HttpClient(std::string host, std::uint16_t port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse send(const HttpRequest& request);
  HttpResponse get(std::string target, std::vector<std::pair<std::string, std::string>> headers = {});
  HttpResponse post_json(std::string target, std::string body,
                         std::vector<std::pair<std::string, std::string>> headers = {});

  /// Whether a connection is open now.
  bool connected() const;
  /// How many TCP connections this client has opened so far.
  int connections_opened() const;
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace llmroute::test
