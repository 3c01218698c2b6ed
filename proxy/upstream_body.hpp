// Reads the body of one backend answer, decoded, as it arrives: one socket read becomes one piece to relay.
#pragma once

#include "proxy/asio.hpp"
#include "proxy/chunked_decoder.hpp"

#include <chrono>
#include <cstdint>
#include <string_view>
#include <utility>

namespace llmroute::proxy {

/// How an answer's body ends, as its head says.
enum class BodyFraming {
  none,         ///< no body (204, 304, Content-Length: 0)
  chunked,      ///< Transfer-Encoding: chunked
  length,       ///< Content-Length
  until_close,  ///< neither: the body ends when the backend closes the connection
};

/// The framing announced by a response head that Beast's parser has read.
BodyFraming body_framing(const http::response_parser<http::buffer_body>& parser);

/// A 1xx answer other than 101 only announces the real one (RFC 9110 §15.2): it is read and dropped.
inline bool is_interim_status(unsigned status) { return status >= 100 && status < 200 && status != 101; }

/// A status outside HTTP's three-digit classes 1xx-5xx (RFC 9110 §15): a broken backend, not an answer to relay.
inline bool is_http_status(unsigned status) { return status >= 100 && status <= 599; }

/// Statuses whose answer has no body by definition (a 101 switches protocols): never a model's answer.
inline bool carries_no_answer(unsigned status) { return status < 200 || status == 204 || status == 304; }

/// Whether an answer is an event stream, relayed event by event, rather than one whole body: its
/// Content-Type says so (text/event-stream, or JSON); without one it is a stream unless its length is given.
bool streamed_answer(const http::response_parser<http::buffer_body>& parser);

/// Reads one answer's body after its head. Each read() hands out all the payload that has arrived —
/// several chunks at once when several came in one packet — so the relay writes once per upstream read
/// (as nginx does) instead of once per chunk. On a plain TCP connection the socket is read directly
/// while it has data, without a trip through the event loop.
class UpstreamBody {
 public:
  /// `head_buffer` is the connection's read buffer after the head was parsed: body bytes that came with
  /// the head are decoded there first, the rest is read into its free space (no buffer of our own, so no
  /// coroutine frame carries 16 KB per request), and bytes past the body's end stay in it.
  UpstreamBody(BodyFraming framing, std::uint64_t content_length, beast::flat_buffer& head_buffer);
  UpstreamBody(const UpstreamBody&) = delete;
  UpstreamBody& operator=(const UpstreamBody&) = delete;

  /// The next payload: a view into the connection's buffer, valid until the next call. Empty without error
  /// only once done(). Errors: http::error::partial_message when the backend closed before the body's
  /// end, http::error::bad_chunk for broken chunk framing, otherwise the socket's (operation_aborted
  /// when the read was cancelled).
  template <typename Stream>
  awaitable<std::pair<error_code, std::string_view>> read(Stream& stream);

  /// After the answer's terminal event went out to the client: reads what is left of the body, normally just
  /// its end (the chunked terminator a backend sends right behind that event), dropping any payload, for at
  /// most min(`idle`, 250 ms). done() then says whether the body ended in time; if not, the connection must
  /// be closed, not pooled. Errors leave the body not done.
  template <typename Stream>
  awaitable<void> read_end(Stream& stream, std::chrono::steady_clock::duration idle);
  /// Longest wait for a body's end after its terminal event (read_end, and model calls' own reads).
  static constexpr std::chrono::milliseconds kEndGrace{250};

  bool done() const { return done_; }
  BodyFraming framing() const { return framing_; }
  /// The connection may carry another request: the body ended by its own framing.
  bool reusable() const { return done_ && framing_ != BodyFraming::until_close; }

 private:
  /// Most bytes read from the socket at once.
  static constexpr std::size_t kReadSize = 16 * 1024;
  /// Reads what a plain socket has into `into`, without waiting: would_block when there is nothing.
  std::pair<error_code, std::size_t> receive_now(tcp::socket& socket, asio::mutable_buffer into);
  /// Decodes the `n` raw bytes at `data` in place; returns the payload size now at the front and how many
  /// of the raw bytes belonged to this body.
  std::pair<std::size_t, std::size_t> decode(char* data, std::size_t n);

  BodyFraming framing_;
  std::uint64_t remaining_;  ///< Content-Length bytes still to come
  beast::flat_buffer* head_buffer_;
  ChunkedDecoder chunked_;
  bool done_ = false;
  bool drained_ = false;  ///< the last read left nothing in the socket (TCP_INQ): let the event loop wait for more
};

}  // namespace llmroute::proxy
