// Body framing of backend answers (chunked, Content-Length, until close) over plain TCP or TLS.
#include "proxy/upstream_body.hpp"

#include "proxy/asio_ssl.hpp"
#include "proxy/inq_read_buffer.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <tuple>
#include <type_traits>

namespace llmroute::proxy {

BodyFraming body_framing(const http::response_parser<http::buffer_body>& parser) {
  if (parser.is_done()) return BodyFraming::none;
  if (parser.chunked()) return BodyFraming::chunked;
  if (parser.content_length()) return *parser.content_length() == 0 ? BodyFraming::none : BodyFraming::length;
  return BodyFraming::until_close;
}

bool streamed_answer(const http::response_parser<http::buffer_body>& parser) {
  std::string_view type = parser.get()[http::field::content_type];
  type = type.substr(0, type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  if (beast::iequals(type, "text/event-stream")) return true;
  // A whole JSON body may come chunked too (Go's net/http chunks any body past 4 KB, Ollama among others).
  if (beast::iequals(type, "application/json") || (type.size() > 5 && beast::iequals(type.substr(type.size() - 5), "+json")))
    return false;
  return !parser.content_length().has_value();
}

UpstreamBody::UpstreamBody(BodyFraming framing, std::uint64_t content_length, beast::flat_buffer& head_buffer)
    : framing_(framing), remaining_(content_length), head_buffer_(&head_buffer), done_(framing == BodyFraming::none) {}

std::pair<std::size_t, std::size_t> UpstreamBody::decode(char* data, std::size_t n) {
  switch (framing_) {
    case BodyFraming::chunked: {
      const ChunkedDecoder::Step step = chunked_.decode(data, n);
      done_ = chunked_.done();
      return {step.payload, step.consumed};
    }
    case BodyFraming::length: {
      const auto payload = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, n));
      remaining_ -= payload;
      done_ = remaining_ == 0;
      return {payload, payload};
    }
    case BodyFraming::until_close: return {n, n};
    case BodyFraming::none: break;
  }
  return {0, 0};
}

std::pair<error_code, std::size_t> UpstreamBody::receive_now(tcp::socket& socket, asio::mutable_buffer into) {
  const InqReceive got = receive_with_inq(socket.native_handle(), into.data(), into.size());
  if (got.n > 0) {
    drained_ = got.drained;
    return {error_code{}, static_cast<std::size_t>(got.n)};
  }
  if (got.n == 0) return {asio::error::eof, 0};
  if (got.error == EAGAIN || got.error == EWOULDBLOCK) return {asio::error::would_block, 0};
  return {error_code(got.error, asio::error::get_system_category()), 0};
}

template <typename Stream>
awaitable<std::pair<error_code, std::string_view>> UpstreamBody::read(Stream& stream) {
  while (!done_) {
    // Body bytes that came with the head (or after the last payload) are decoded where they are; otherwise
    // the socket is read into the same buffer's free space, which the connection keeps between requests.
    if (head_buffer_->size() == 0) {
      const asio::mutable_buffer into = head_buffer_->prepare(kReadSize);
      std::size_t n = 0;
      error_code ec;
      if constexpr (std::is_same_v<Stream, tcp::socket>) {
        // Read what is there without the event loop, unless the last read said the socket is drained.
        // Otherwise Asio's read, which waits on the edge-triggered registration with no epoll_ctl (a
        // readiness wait would re-arm the registration, and on a connection that once waited to connect,
        // the re-armed writability wakes the loop again at once). InqReadBuffer spares it the recv that
        // would fail with EAGAIN first. Both say whether the socket is drained as the kernel counts it
        // (TCP_INQ), a close that came with the last bytes included: that close brings no readiness event of
        // its own, so a read that waited for one would wait until upstream_idle.
        ec = asio::error::would_block;
        if (!drained_) std::tie(ec, n) = receive_now(stream, into);
        if (ec == asio::error::would_block) {
          const InqReadBuffer buffer(into, &drained_);
          std::tie(ec, n) = co_await stream.async_read_some(buffer, use_nothrow);
        }
      } else {
        std::tie(ec, n) = co_await stream.async_read_some(into, use_nothrow);
        // A TLS peer that closes without close_notify ends a body delimited by the close all the same.
        if (ec == ssl::error::stream_truncated) ec = asio::error::eof;
      }
      if (ec == asio::error::eof && framing_ == BodyFraming::until_close) {
        done_ = true;
        break;
      }
      if (ec == asio::error::eof) ec = http::error::partial_message;
      if (ec) co_return std::pair{ec, std::string_view{}};
      head_buffer_->commit(n);
    }
    // Decoded in place; consuming leaves the bytes where they are until the next prepare(), so the payload
    // handed out stays valid until the next read. Bytes past the body's end stay readable in the buffer.
    const auto bytes = head_buffer_->data();
    char* const data = static_cast<char*>(bytes.data());
    const auto [payload, used] = decode(data, std::min(bytes.size(), kReadSize));
    head_buffer_->consume(used);
    if (chunked_.failed()) co_return std::pair{error_code(http::error::bad_chunk), std::string_view{}};
    if (payload > 0) co_return std::pair{error_code{}, std::string_view(data, payload)};
  }
  co_return std::pair{error_code{}, std::string_view{}};
}

// Waiting here, rather than handing the connection to a drain of its own, keeps one owner for the connection,
// its backend slot and the pool. The client already has its answer; only its next request on the same
// connection waits, at most kEndGrace. A backend sends its body's end right behind the terminal event (in the
// same packet mostly, else within a millisecond), so one that has not within kEndGrace is hung or broken, and
// its connection is not worth keeping.
template <typename Stream>
awaitable<void> UpstreamBody::read_end(Stream& stream, std::chrono::steady_clock::duration idle) {
  // A body delimited by the close ends with it, and its connection cannot serve another request anyway.
  if (done_ || framing_ == BodyFraming::until_close) co_return;
  // The timer cancels the read when it fires. Its handler may still run after this returns, when the
  // connection may already serve another request: it cancels only while `waiting` says so. It may also
  // run between two reads, cancelling nothing: the loop looks at the clock too.
  const auto until = std::chrono::steady_clock::now() + std::min<std::chrono::steady_clock::duration>(idle, kEndGrace);
  const auto waiting = std::make_shared<bool>(true);
  asio::steady_timer timer(stream.get_executor(), until);
  timer.async_wait([waiting, socket = &beast::get_lowest_layer(stream)](const error_code& ec) {
    error_code ignored;
    if (!ec && *waiting) socket->cancel(ignored);
  });
  while (!done_ && std::chrono::steady_clock::now() < until) {
    const auto [ec, payload] = co_await read(stream);  // payload after the terminal event is dropped
    if (ec) break;
  }
  *waiting = false;
  timer.cancel();
}

template awaitable<std::pair<error_code, std::string_view>> UpstreamBody::read(tcp::socket&);
template awaitable<std::pair<error_code, std::string_view>> UpstreamBody::read(ssl::stream<tcp::socket>&);
template awaitable<void> UpstreamBody::read_end(tcp::socket&, std::chrono::steady_clock::duration);
template awaitable<void> UpstreamBody::read_end(ssl::stream<tcp::socket>&, std::chrono::steady_clock::duration);

}  // namespace llmroute::proxy
