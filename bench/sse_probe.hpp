// Watches an SSE byte stream for the first event that carries generated text and for its end marker.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace llmroute::bench {

/// Fed the body of a text/event-stream response piece by piece, in any split. Understands
/// OpenAI chat chunks (`"content":"…"`, ending in `data: [DONE]`) and Anthropic messages
/// (`text_delta`, ending in `event: message_stop`). Role-only and empty-content chunks do not count.
class SseProbe {
 public:
  SseProbe();

  /// Forgets the previous response; keeps the line buffer's capacity.
  void reset();

  /// Scans the next body bytes; returns true exactly once: when the first content event's line ends in them.
  bool feed(std::string_view bytes);

  bool finished() const { return finished_; }
  bool content_seen() const { return content_seen_; }

 private:
  bool on_line(std::string_view line);

  std::string partial_;  ///< an incomplete line carried over from the previous piece
  bool content_seen_ = false;
  bool finished_ = false;
};

}  // namespace llmroute::bench
