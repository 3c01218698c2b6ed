// Internal seams of stream translation: backend decoders feed neutral events to the hub, which
// keeps the summary and drives one client encoder.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "wire/answer_collector.hpp"
#include "wire/completion.hpp"
#include "wire/sse_parser.hpp"
#include "wire/stream_translator.hpp"

namespace llmroute::wire {

class StreamHub;

/// Reads one backend format's events.
class StreamDecoder {
 public:
  virtual ~StreamDecoder() = default;
  virtual void decode(const SseEvent& event, StreamHub& hub) = 0;
  /// The upstream ended: release anything held back (before the hub ends the stream).
  virtual void flush(StreamHub& hub) = 0;
};

/// Writes one client format's events. `slot` numbers tool calls 0, 1, … in order of appearance.
class StreamEncoder {
 public:
  virtual ~StreamEncoder() = default;
  virtual void start(const StreamSummary& summary, std::string& out) = 0;
  virtual void text(std::string_view delta, std::string& out) = 0;
  virtual void reasoning(std::string_view delta, std::string& out) = 0;
  virtual void tool_begin(std::size_t slot, std::string_view id, std::string_view name, std::string& out) = 0;
  virtual void tool_arguments(std::size_t slot, std::string_view delta, std::string& out) = 0;
  /// The signature that authenticates the reasoning just told, and ends it (Anthropic thinking): only the
  /// Messages format carries it; others have no place for it.
  virtual void reasoning_signature(std::string_view, std::string&) {}
  /// Reasoning the backend sent encrypted (Anthropic redacted_thinking), as its opaque data: only the Messages
  /// format carries it; others have no place for it.
  virtual void redacted_reasoning(std::string_view, std::string&) {}
  /// A complete answer: `usage` is the reported usage or the best estimate.
  virtual void end(const StreamSummary& summary, const Usage& usage, std::string& out) = 0;
  virtual void error(std::string_view message, std::string& out) = 0;
  /// Instead of start(): the client already has the start of this stream and what `summary` describes,
  /// relayed as the backend sent it; later events (an error) continue that stream, with no start of their own.
  virtual void resume(const StreamSummary& summary) {
    std::string relayed;
    start(summary, relayed);
  }
};

/// The middle of a stream translation. Content events before start() start the stream implicitly;
/// everything after the stream ended is ignored.
class StreamHub {
 public:
  StreamHub(TranslationContext context, std::unique_ptr<StreamEncoder> encoder);

  /// Where events go during the current call; nullptr discards them (passthrough).
  void set_output(std::string* out) { out_ = out != nullptr ? out : &scratch_; }

  /// The backend's id, model and creation time (unix seconds; 0 when it does not say), from its first event.
  void start(std::string_view id, std::string_view model, std::int64_t created = 0);
  void text(std::string_view delta);
  void reasoning(std::string_view delta);
  /// The signature of the reasoning just told (Anthropic thinking), which ends that reasoning block.
  void reasoning_signature(std::string_view signature);
  /// A block of encrypted reasoning (Anthropic redacted_thinking), passed on as its data.
  void redacted_reasoning(std::string_view data);
  void tool_begin(std::size_t slot, std::string_view id, std::string_view name);
  void tool_arguments(std::size_t slot, std::string_view delta);
  void finish_reason(FinishReason reason, std::string_view stop_sequence = {});
  /// Usage counters to update in place; call usage_reported() once they hold real numbers.
  Usage& usage() { return summary_.usage; }
  void usage_reported() { summary_.usage_reported = true; }
  /// A Responses event's `sequence_number`, so that an event added to the relayed stream can follow it.
  void sequence_number(std::int64_t number) {
    summary_.last_sequence_number = std::max(summary_.last_sequence_number, number);
  }
  /// The backend finished the answer (its terminal event, or a clean close).
  void done();
  /// The backend reported an error or sent something unreadable: the client gets an error event.
  void fail(std::string_view message);
  /// The backend's own error event (response.failed, an Anthropic `error` event, a Chat error chunk), which
  /// ends its stream: as fail(), and the summary says so.
  void backend_error(std::string_view message);

  /// Also reassemble the answer (up to `max_bytes`); off unless asked, so relaying stays cheap.
  void collect_answer(std::size_t max_bytes) { collector_ = std::make_unique<AnswerCollector>(max_bytes); }
  const AnswerCollector* collected_answer() const { return collector_.get(); }

  bool ended() const { return summary_.ended; }
  const TranslationContext& context() const { return context_; }
  const StreamSummary& summary() const { return summary_; }

 private:
  void ensure_started();

  TranslationContext context_;
  std::unique_ptr<StreamEncoder> encoder_;
  StreamSummary summary_;
  std::string scratch_;  // output of a passthrough hub (no encoder) is discarded
  std::string* out_ = &scratch_;
  std::vector<bool> begun_;  // tool slots announced to the encoder; others get no arguments
  std::vector<bool> argued_;  // tool slots that received argument bytes
  std::unique_ptr<AnswerCollector> collector_;  // null unless collect_answer() was called
  bool started_ = false;
};

std::unique_ptr<StreamDecoder> make_chat_decoder(const TranslationContext& context);
std::unique_ptr<StreamDecoder> make_messages_decoder();
std::unique_ptr<StreamDecoder> make_responses_decoder();

/// The encoder of a client format.
std::unique_ptr<StreamEncoder> make_stream_encoder(WireFormat client, const TranslationContext& context);
std::unique_ptr<StreamEncoder> make_chat_encoder(const TranslationContext& context);
std::unique_ptr<StreamEncoder> make_messages_encoder(const TranslationContext& context);
std::unique_ptr<StreamEncoder> make_responses_encoder(const TranslationContext& context);
/// The encoder of a legacy completions client (/v1/completions): not a WireFormat, as such a request is never
/// translated, but its stream is told from a whole answer when the backend ignored `stream`.
std::unique_ptr<StreamEncoder> make_text_completion_encoder(const TranslationContext& context);

}  // namespace llmroute::wire
