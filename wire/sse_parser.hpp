// Incremental Server-Sent Events parser: bytes in any split, whole events out (WHATWG rules).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace llmroute::wire {

/// One dispatched event. The views point into the parser and stay valid until the next call
/// to append(), next() or finish() on it.
struct SseEvent {
  std::string_view event;  ///< the `event:` field; empty when the stream did not name it
  std::string_view data;   ///< `data:` lines joined with '\n'
  std::string_view id;     ///< the last `id:` field seen on the stream
};

/// Parses a text/event-stream incrementally. Usage:
///   parser.append(bytes);
///   while (auto event = parser.next()) handle(*event);
/// or, without copying the bytes (a relay reads most events straight from its read buffer):
///   parser.append_view(bytes);
///   while (auto event = parser.next()) handle(*event);
///   parser.keep_rest();
/// Handles "\n", "\r\n" and "\r" line ends (also split between two appends), multi-line data,
/// comments (":" lines), fields without a colon, and a UTF-8 BOM at the start of the stream.
/// Cost is linear in the bytes appended; consumed input is discarded as it is read.
class SseParser {
 public:
  /// `max_event_bytes` bounds one event's data (and one unterminated line) so a broken
  /// upstream cannot grow memory without limit; beyond it the parser fails (see failed()).
  explicit SseParser(std::size_t max_event_bytes = 16u << 20) : max_event_bytes_(max_event_bytes) {}

  /// Adds raw bytes from the stream (copied).
  void append(std::string_view bytes);

  /// Adds raw bytes without copying them when nothing is held back from earlier bytes: events are read
  /// in place, and only an incomplete tail is copied. `bytes` must stay valid until keep_rest(), the next
  /// append() or append_view(), or until next() has returned nothing (each copies what is still needed).
  void append_view(std::string_view bytes);

  /// Copies whatever the parser still needs of the bytes given to append_view(), so they may go away.
  void keep_rest();

  /// The next complete event, or nothing until more bytes are appended.
  std::optional<SseEvent> next();

  /// The stream ended: returns the last event if it lacked its terminating blank line
  /// (servers that close right after `data: [DONE]\n`), then nothing. Call after next()
  /// has returned nothing.
  std::optional<SseEvent> finish();

  /// An event or line exceeded max_event_bytes; no more events are produced.
  bool failed() const { return failed_; }

  /// Bytes held for an incomplete line or event.
  std::size_t buffered() const { return text().size() - position_ + data_size(); }

 private:
  /// The bytes being read: the caller's (append_view) or the parser's own.
  std::string_view text() const { return reading_view_ ? view_ : std::string_view(buffer_); }
  std::size_t data_size() const { return data_is_view_ ? data_view_.size() : data_.size(); }
  /// Applies one complete line; returns true when it dispatches an event.
  bool process_line(std::string_view line);
  std::optional<SseEvent> dispatch();

  std::size_t max_event_bytes_;
  std::string buffer_;
  std::string_view view_;      ///< the caller's bytes while reading_view_
  bool reading_view_ = false;
  std::size_t position_ = 0;   ///< read position in text()
  std::string data_;
  std::string_view data_view_;  ///< an event's single data line, read in place (no copy) while data_is_view_
  bool data_is_view_ = false;
  std::string event_;
  std::string id_;
  std::string dispatched_data_;
  std::string dispatched_event_;
  bool has_data_ = false;
  bool skip_line_feed_ = false;
  bool at_stream_start_ = true;
  bool failed_ = false;
  bool finished_ = false;
};

/// Appends one SSE event (`event:` line when `name` is not empty, then `data:` lines).
void append_sse_event(std::string& out, std::string_view name, std::string_view data);

}  // namespace llmroute::wire
