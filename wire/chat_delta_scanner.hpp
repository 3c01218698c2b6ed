// Reads the common Chat Completions stream chunk (a text or reasoning delta, nothing else) without a JSON parse.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace llmroute::wire {

/// What a plain chunk carries: views into the event's data, or into the caller's scratch string when
/// the JSON string had escapes.
struct PlainDelta {
  std::string_view reasoning;  ///< `reasoning_content`, else `reasoning`; empty when neither has text
  std::string_view content;
};

/// Recognises the chunk that makes up almost every event of a Chat stream: one JSON object whose only
/// effect on the Chat decoder is text. That is: `choices` is an array of at most one object with `index`
/// 0 (or none), whose `delta` is an object where `content`, `reasoning_content` and `reasoning` are
/// strings or null, `tool_calls` is null or absent, and whose `finish_reason` is null or absent; at the
/// top level `usage`, `timings` and `error` are null or absent. Other members are skipped, as the
/// decoder skips them. The whole text must be valid JSON (grammar, escapes, UTF-8) and no key it reads
/// may repeat or contain escapes.
///
/// Anything else — including JSON this scanner cannot prove valid — is nullopt, and the caller decodes
/// the event with the full parser, so what a stream's summary says never depends on which path read it.
///
/// A stream's chunks differ only in their text (same id, model, created, key order), so the scanner
/// remembers the last plain chunk with content: a chunk with the same bytes around a different content
/// string is read by comparing those bytes instead of scanning them.
class ChatDeltaScanner {
 public:
  /// The deltas of `data` (an event's data, trailing spaces trimmed), or nullopt. The result's views
  /// point into `data` or into the scanner, valid until the next call.
  std::optional<PlainDelta> scan(std::string_view data);

 private:
  std::optional<PlainDelta> scan_like_last(std::string_view data);

  std::string scratch_;            ///< unescaped strings of the last result
  std::string last_;               ///< the last plain chunk with content and no reasoning
  std::size_t content_begin_ = 0;  ///< its content string's bytes in last_, quotes excluded
  std::size_t content_end_ = 0;
};

}  // namespace llmroute::wire
