// Incremental decoding of HTTP/1.1 chunked transfer coding, in place, across any split of the bytes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace llmroute::proxy {

/// Turns a chunked body (RFC 9112 §7.1) back into its payload as bytes arrive. Every byte passed in is
/// consumed (framing is kept as state), so a chunk header split between two reads needs no buffering,
/// and payload is handed out as soon as it arrives, even from the middle of a chunk. Chunk extensions
/// and trailer fields are skipped. Bare LF line ends are accepted, as most HTTP parsers do.
class ChunkedDecoder {
 public:
  struct Step {
    std::size_t payload = 0;   ///< payload bytes now at the front of the buffer
    std::size_t consumed = 0;  ///< input bytes used; less than the input only once done()
  };

  /// Decodes `data[0, size)` in place: the payload found is moved to `data[0, payload)`. Input after the
  /// body's end is not consumed (it belongs to whatever follows on the connection).
  Step decode(char* data, std::size_t size);

  /// The last chunk and the trailer section were read.
  bool done() const { return state_ == State::done; }
  /// The framing is malformed (or a chunk-size line or trailer section is absurdly long); decode()
  /// consumes nothing more.
  bool failed() const { return state_ == State::failed; }

 private:
  enum class State {
    size,            ///< chunk-size hex digits
    extension,       ///< after the size: optional `;ext` up to the line end
    size_lf,         ///< CR seen after the size line
    data,            ///< payload bytes of the current chunk
    data_cr,         ///< expecting the CRLF after a chunk's payload
    data_lf,
    trailer_start,   ///< start of a trailer line, or the final empty line
    trailer,         ///< inside a trailer field line
    trailer_lf,      ///< CR seen at a trailer line end
    final_lf,        ///< CR seen on the final empty line
    done,
    failed,
  };

  State state_ = State::size;
  std::uint64_t remaining_ = 0;  ///< payload bytes left in the current chunk (or its size being read)
  unsigned size_digits_ = 0;
  std::size_t line_bytes_ = 0;   ///< bytes of the current size or trailer line, against absurd lines
  std::size_t trailer_bytes_ = 0;
};

}  // namespace llmroute::proxy
