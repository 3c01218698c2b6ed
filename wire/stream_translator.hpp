// Event-by-event translation of a streamed answer from the backend's SSE format to the client's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "wire/answer_collector.hpp"
#include "wire/completion.hpp"
#include "wire/wire_format.hpp"

namespace llmroute::wire {

/// How the upstream stream ended, as the proxy saw it.
enum class StreamEnd {
  clean,            ///< the upstream closed normally (with or without its terminal event)
  upstream_failed,  ///< the connection broke, timed out or the upstream died mid-answer
};

/// What a stream carried so far; what the request record needs.
struct StreamSummary {
  std::string upstream_id;
  std::string model;                ///< as the backend reported it
  std::int64_t created = 0;         ///< a Responses backend's created_at (unix seconds); 0: not reported
  std::size_t text_bytes = 0;       ///< answer text relayed
  std::size_t reasoning_bytes = 0;  ///< reasoning/thinking text relayed
  std::size_t argument_bytes = 0;   ///< tool call arguments relayed
  std::size_t tool_calls = 0;
  FinishReason finish_reason = FinishReason::none;  ///< as the backend said (none: it never did)
  std::string stop_sequence;
  bool truncated = false;  ///< the backend stopped at its token limit
  Usage usage;             ///< as the backend reported it (zeros when it did not)
  bool usage_reported = false;
  bool first_content_seen = false;  ///< first text, reasoning or tool call token relayed (TTFT)
  bool ended = false;               ///< the client stream is terminated (completed or error event)
  std::string error;                ///< why the stream ended with an error event; empty otherwise
  bool error_reported = false;      ///< `error` is the backend's own error event, relayed as it came when formats match
  std::int64_t last_sequence_number = -1;  ///< the highest `sequence_number` of a Responses backend's events; -1: none

  /// Output tokens: the reported count, or an estimate from the bytes relayed.
  std::int64_t output_tokens() const;
};

/// Translates one streamed answer. Feed upstream bytes split anywhere; client-format SSE bytes are
/// appended to `out` as soon as whole upstream events are available, so nothing is held longer than
/// one event (tool calls that interleave with an open one are the exception: see the Messages
/// encoder). The output depends only on the sequence of upstream events, never on how the bytes
/// were split. Same formats pass bytes through unchanged and only fill the summary.
class StreamTranslator {
 public:
  StreamTranslator(WireFormat backend, WireFormat client, TranslationContext context);
  ~StreamTranslator();
  StreamTranslator(const StreamTranslator&) = delete;
  StreamTranslator& operator=(const StreamTranslator&) = delete;

  /// Raw upstream bytes, any split.
  void feed(std::string_view upstream_bytes, std::string& out);
  /// For equal formats only (else it does nothing): reads raw upstream bytes into the summary like feed(),
  /// without copying them to an output the caller relays from its own buffer anyway.
  void observe(std::string_view upstream_bytes);

  /// The upstream ended. Emits whatever the client format needs to terminate properly: the final
  /// events of a complete answer (even when the backend sent no finish reason or terminal event),
  /// or an error event when `end` is upstream_failed (`detail` says why). Idempotent.
  void finish(std::string& out, StreamEnd end = StreamEnd::clean, std::string_view detail = {});

  const StreamSummary& summary() const;
  bool first_content_seen() const { return summary().first_content_seen; }

  /// Also reassemble the answer's text, reasoning and tool calls, up to `max_bytes` (call before the
  /// first feed). Off by default: only sampled requests and model calls pay for it.
  void keep_answer(std::size_t max_bytes);
  /// The reassembled answer; nullptr unless keep_answer() was called.
  const AnswerCollector* answer() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

std::unique_ptr<StreamTranslator> make_stream_translator(WireFormat backend, WireFormat client,
                                                         TranslationContext context);

}  // namespace llmroute::wire
