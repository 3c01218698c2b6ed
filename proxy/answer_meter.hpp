// Watches an answer while it is relayed: first content token, usage, finish reason; hides the usage
// chunk the proxy asked for on a client's behalf.
#pragma once

#include "records/usage.hpp"
#include "wire/stream_translator.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace llmroute::proxy {

/// A streamed (SSE) answer or one whole JSON body.
enum class AnswerFraming { streamed, whole };
/// Whether the trailing usage-only chunk of a Chat stream reaches the client.
enum class UsageChunk { keep, strip };

class AnswerMeter {
 public:
  /// `context` describes the client's request when the answer is translated (backend != client format).
  AnswerMeter(wire::WireFormat backend, wire::WireFormat client, AnswerFraming framing, UsageChunk usage_chunk,
              wire::TranslationContext context = {});

  /// The bytes to send for one relayed piece: `piece` itself, or a view of an internal buffer
  /// (valid until the next call) when whole events had to be held back or dropped.
  std::string_view on_piece(std::string_view piece);
  /// on_piece in two steps, so that the client need not wait for the metering: relay() gives the bytes to
  /// send (for a stream in the client's own format it only looks for the usage chunk to hide), and
  /// measure() then reads `piece` itself for the summary (nothing to do for a translated or whole answer,
  /// which relay() already read).
  std::string_view relay(std::string_view piece);
  void measure(std::string_view piece);
  /// The upstream ended: whatever is still held back or the client's format needs to end properly
  /// (an error event when `end` is upstream_failed), to send before the end of the response.
  std::string_view on_end(wire::StreamEnd end = wire::StreamEnd::clean, std::string_view detail = {});
  /// Whether on_end(upstream_failed) ends the client's stream with its own error event, so the proxy adds none:
  /// for a translated stream, and for a Responses stream relayed as it is, whose response.failed must be about
  /// the relayed response and continue its sequence numbers (Chat and Anthropic error events stand alone).
  bool tells_failure() const;
  /// Whether the answer is one whole body rather than an event stream.
  bool whole() const { return framing_ == AnswerFraming::whole; }
  /// Whether the client sees translated bytes rather than the backend's.
  bool translating() const { return translating_; }
  /// Whether on_end() can still return bytes (a held-back partial event, or the closing events of a
  /// translated stream): if not, the last piece may carry the end of the response with it.
  bool ending_adds_bytes() const;

  /// Also reassemble the answer's text, reasoning and tool calls, up to `max_bytes`. Only a request
  /// sampled for shadowing calls this (right after construction): every other relay skips the work.
  void keep_answer(std::size_t max_bytes);
  /// The reassembled answer; nullptr unless keep_answer() was called (for a whole answer: after on_end).
  const wire::AnswerCollector* kept_answer() const;

  /// The client's stream has come to its end: the backend's terminal event, or an error event the client
  /// got; always true for a whole answer.
  bool stream_ended() const;
  /// A streamed answer whose client stream has come to its end: the client has the whole answer, whether or
  /// not the backend's body goes on. Known after relay() for a translated stream, after measure() for one
  /// in the client's own format; never for a whole answer, which ends only with its body.
  bool terminal_event_seen() const { return framing_ == AnswerFraming::streamed && stream_ended(); }
  bool first_content_seen() const;
  records::Usage usage() const;
  bool usage_reported() const;
  std::string finish_reason() const;
  bool truncated() const;

 private:
  std::string_view filter_usage_chunks(std::string_view piece);

  AnswerFraming framing_;
  UsageChunk usage_chunk_;
  wire::WireFormat backend_;
  bool translating_;
  std::unique_ptr<wire::StreamTranslator> translator_;
  std::string scratch_;   ///< translator output, unused when formats are equal
  std::string pending_;   ///< the incomplete last event, while stripping
  std::string out_;
  std::string whole_;     ///< a non-streamed body, kept (up to a cap) to read its usage at the end
  wire::Completion completion_;
  bool parsed_ = false;
  std::size_t keep_answer_bytes_ = 0;              ///< 0: no reassembly
  std::optional<wire::AnswerCollector> whole_answer_;  ///< a whole answer's items, when kept
};

}  // namespace llmroute::proxy
