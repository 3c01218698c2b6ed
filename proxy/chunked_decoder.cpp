// A byte-level state machine for chunk framing; payload runs are moved with one memmove each.
#include "proxy/chunked_decoder.hpp"

#include <algorithm>
#include <cstring>

namespace llmroute::proxy {

namespace {

/// A chunk-size line or a trailer section beyond these is an attack or a broken server, not HTTP.
constexpr std::size_t kMaxSizeLine = 4096;
constexpr std::size_t kMaxTrailers = 16 * 1024;
/// 15 hex digits: chunks up to 2^60 bytes, far from overflowing the counter.
constexpr unsigned kMaxSizeDigits = 15;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

ChunkedDecoder::Step ChunkedDecoder::decode(char* data, std::size_t size) {
  std::size_t in = 0, out = 0;
  // The end of a chunk-size line: payload follows, or the last chunk's trailer section.
  const auto size_line_done = [this] {
    state_ = remaining_ == 0 ? State::trailer_start : State::data;
    line_bytes_ = 0;
  };
  while (in < size && state_ != State::done && state_ != State::failed) {
    if (state_ == State::data) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, size - in));
      if (out != in) std::memmove(data + out, data + in, n);
      out += n;
      in += n;
      remaining_ -= n;
      if (remaining_ == 0) state_ = State::data_cr;
      continue;
    }
    const char c = data[in++];
    switch (state_) {
      case State::size:
        if (const int digit = hex_digit(c); digit >= 0) {
          if (++size_digits_ > kMaxSizeDigits) state_ = State::failed;
          remaining_ = remaining_ << 4 | static_cast<unsigned>(digit);
        } else if (size_digits_ == 0) {
          state_ = State::failed;
        } else if (c == ';' || c == ' ' || c == '\t') {
          state_ = State::extension;
        } else if (c == '\r') {
          state_ = State::size_lf;
        } else if (c == '\n') {
          size_line_done();
        } else {
          state_ = State::failed;
        }
        break;
      case State::extension:
        if (c == '\r') state_ = State::size_lf;
        else if (c == '\n') size_line_done();
        else if (++line_bytes_ > kMaxSizeLine) state_ = State::failed;
        break;
      case State::size_lf:
        if (c == '\n') size_line_done();
        else state_ = State::failed;
        break;
      case State::data_cr:
      case State::data_lf:
        if (c == '\r' && state_ == State::data_cr) {
          state_ = State::data_lf;
        } else if (c == '\n') {
          state_ = State::size;
          size_digits_ = 0;
        } else {
          state_ = State::failed;
        }
        break;
      case State::trailer_start:
        if (c == '\r') state_ = State::final_lf;
        else if (c == '\n') state_ = State::done;
        else state_ = ++trailer_bytes_ > kMaxTrailers ? State::failed : State::trailer;
        break;
      case State::trailer:
        if (c == '\r') state_ = State::trailer_lf;
        else if (c == '\n') state_ = State::trailer_start;
        else if (++trailer_bytes_ > kMaxTrailers) state_ = State::failed;
        break;
      case State::trailer_lf:
        state_ = c == '\n' ? State::trailer_start : State::failed;
        break;
      case State::final_lf:
        state_ = c == '\n' ? State::done : State::failed;
        break;
      case State::data:
      case State::done:
      case State::failed:
        break;
    }
  }
  return Step{out, in};
}

}  // namespace llmroute::proxy
