// Stream translation wiring: SSE parsing, one backend decoder, the hub and one client encoder.
#include "wire/stream_translator.hpp"

#include "wire/stream_hub.hpp"

namespace llmroute::wire {

std::int64_t StreamSummary::output_tokens() const {
  if (usage_reported) return usage.output;
  return estimate_tokens(text_bytes + reasoning_bytes + argument_bytes);
}

StreamHub::StreamHub(TranslationContext context, std::unique_ptr<StreamEncoder> encoder)
    : context_(std::move(context)), encoder_(std::move(encoder)) {}

void StreamHub::ensure_started() {
  if (started_) return;
  started_ = true;
  if (encoder_) encoder_->start(summary_, *out_);
}

void StreamHub::start(std::string_view id, std::string_view model, std::int64_t created) {
  if (summary_.ended) return;
  if (summary_.upstream_id.empty()) summary_.upstream_id = id;
  if (summary_.model.empty()) summary_.model = model;
  if (summary_.created == 0) summary_.created = created;
  ensure_started();
}

void StreamHub::text(std::string_view delta) {
  if (summary_.ended || delta.empty()) return;
  ensure_started();
  summary_.text_bytes += delta.size();
  summary_.first_content_seen = true;
  if (collector_) collector_->text(delta);
  if (encoder_) encoder_->text(delta, *out_);
}

void StreamHub::reasoning(std::string_view delta) {
  if (summary_.ended || delta.empty()) return;
  ensure_started();
  summary_.reasoning_bytes += delta.size();
  summary_.first_content_seen = true;
  if (collector_) collector_->reasoning(delta);
  if (encoder_) encoder_->reasoning(delta, *out_);
}

void StreamHub::reasoning_signature(std::string_view signature) {
  if (summary_.ended || signature.empty()) return;
  ensure_started();
  if (encoder_) encoder_->reasoning_signature(signature, *out_);
}

void StreamHub::redacted_reasoning(std::string_view data) {
  if (summary_.ended || data.empty()) return;
  ensure_started();
  summary_.first_content_seen = true;
  if (encoder_) encoder_->redacted_reasoning(data, *out_);
}

void StreamHub::tool_begin(std::size_t slot, std::string_view id, std::string_view name) {
  if (summary_.ended) return;
  ensure_started();
  if (slot >= begun_.size()) {
    begun_.resize(slot + 1, false);
    argued_.resize(slot + 1, false);
  }
  if (begun_[slot]) return;
  begun_[slot] = true;
  ++summary_.tool_calls;
  summary_.first_content_seen = true;
  if (!encoder_ && !collector_) return;
  // Some local servers omit tool call ids; clients need one to send the result back.
  const std::string synthesized =
      id.empty() ? "call_" + (context_.request_id.empty() ? std::string("0") : context_.request_id) + "_" + std::to_string(slot)
                 : std::string();
  const std::string_view call_id = id.empty() ? std::string_view(synthesized) : id;
  if (collector_) collector_->tool_begin(slot, call_id, name);
  if (encoder_) encoder_->tool_begin(slot, call_id, name, *out_);
}

void StreamHub::tool_arguments(std::size_t slot, std::string_view delta) {
  if (summary_.ended || delta.empty() || slot >= begun_.size() || !begun_[slot]) return;
  argued_[slot] = true;
  summary_.argument_bytes += delta.size();
  if (collector_) collector_->tool_arguments(slot, delta);
  if (encoder_) encoder_->tool_arguments(slot, delta, *out_);
}

void StreamHub::finish_reason(FinishReason reason, std::string_view stop_sequence) {
  if (summary_.ended || reason == FinishReason::none) return;
  summary_.finish_reason = reason;
  summary_.truncated = reason == FinishReason::length;
  if (!stop_sequence.empty()) summary_.stop_sequence = stop_sequence;
}

void StreamHub::done() {
  if (summary_.ended) return;
  ensure_started();
  // A call of a tool without parameters may stream no argument bytes at all (Anthropic: `input: {}` and an
  // empty input_json_delta); Chat and Responses clients parse the arguments as JSON, and "" is not JSON.
  for (std::size_t slot = 0; slot < begun_.size(); ++slot) {
    if (begun_[slot] && !argued_[slot]) tool_arguments(slot, "{}");
  }
  Usage usage = summary_.usage;
  if (!summary_.usage_reported) {
    usage.input = context_.input_tokens_hint;
    usage.output = summary_.output_tokens();
  }
  if (encoder_) encoder_->end(summary_, usage, *out_);
  summary_.ended = true;
}

void StreamHub::fail(std::string_view message) {
  if (summary_.ended) return;
  summary_.error = message;
  if (encoder_) encoder_->error(message, *out_);
  summary_.ended = true;
}

void StreamHub::backend_error(std::string_view message) {
  if (summary_.ended) return;
  fail(message);
  summary_.error_reported = true;
}

namespace {

std::unique_ptr<StreamDecoder> make_decoder(WireFormat backend, const TranslationContext& context) {
  switch (backend) {
    case WireFormat::chat:
      return make_chat_decoder(context);
    case WireFormat::messages:
      return make_messages_decoder();
    case WireFormat::responses:
      return make_responses_decoder();
  }
  return make_chat_decoder(context);
}

constexpr std::string_view kUpstreamLost = "the backend connection ended before the answer was complete";

}  // namespace

std::unique_ptr<StreamEncoder> make_stream_encoder(WireFormat client, const TranslationContext& context) {
  switch (client) {
    case WireFormat::chat:
      return make_chat_encoder(context);
    case WireFormat::messages:
      return make_messages_encoder(context);
    case WireFormat::responses:
      return make_responses_encoder(context);
  }
  return make_chat_encoder(context);
}

class StreamTranslator::Impl {
 public:
  Impl(WireFormat backend, WireFormat client, TranslationContext context)
      : client_(client),
        passthrough_(backend == client),
        decoder_(make_decoder(backend, context)),
        hub_(context, passthrough_ ? nullptr : make_stream_encoder(client, context)),
        context_(std::move(context)) {}

  void feed(std::string_view bytes, std::string* out) {
    if (finished_) return;
    if (passthrough_ && out) out->append(bytes);
    if (hub_.ended() && !passthrough_) return;
    parser_.append_view(bytes);
    hub_.set_output(passthrough_ ? nullptr : out);
    drain();
    parser_.keep_rest();
  }

  bool passthrough() const { return passthrough_; }

  void finish(std::string& out, StreamEnd end, std::string_view detail) {
    if (finished_) return;
    finished_ = true;
    hub_.set_output(passthrough_ ? nullptr : &out);
    const bool partial_event = parser_.buffered() > 0;
    // A clean close may omit the blank line after the last event; after a failure the
    // unterminated tail is a fragment and must not be read as an event.
    if (!hub_.ended() && end == StreamEnd::clean) {
      if (auto event = parser_.finish()) decoder_->decode(*event, hub_);
    }
    if (hub_.ended()) return;
    decoder_->flush(hub_);
    if (end == StreamEnd::clean) {
      hub_.done();
      return;
    }
    const std::string_view message = detail.empty() ? kUpstreamLost : detail;
    hub_.fail(message);
    if (passthrough_) {
      // The relayed bytes may stop inside an event; a blank line ends it before the error event.
      if (partial_event) out.append("\n\n");
      // On the relayed stream's own id, model and numbering; its events are already with the client.
      const auto encoder = make_stream_encoder(client_, context_);
      encoder->resume(hub_.summary());
      encoder->error(message, out);
    }
  }

  const StreamSummary& summary() const { return hub_.summary(); }
  StreamHub& hub() { return hub_; }
  const StreamHub& hub() const { return hub_; }

 private:
  void drain() {
    while (auto event = parser_.next()) {
      decoder_->decode(*event, hub_);
      if (hub_.ended() && !passthrough_) return;
    }
    if (parser_.failed()) hub_.fail("the backend sent an event larger than the stream limit");
  }

  WireFormat client_;
  bool passthrough_;
  SseParser parser_;
  std::unique_ptr<StreamDecoder> decoder_;
  StreamHub hub_;
  TranslationContext context_;
  bool finished_ = false;
};

StreamTranslator::StreamTranslator(WireFormat backend, WireFormat client, TranslationContext context)
    : impl_(std::make_unique<Impl>(backend, client, std::move(context))) {}

StreamTranslator::~StreamTranslator() = default;

void StreamTranslator::feed(std::string_view upstream_bytes, std::string& out) { impl_->feed(upstream_bytes, &out); }

void StreamTranslator::observe(std::string_view upstream_bytes) {
  if (impl_->passthrough()) impl_->feed(upstream_bytes, nullptr);
}

void StreamTranslator::finish(std::string& out, StreamEnd end, std::string_view detail) {
  impl_->finish(out, end, detail);
}

const StreamSummary& StreamTranslator::summary() const { return impl_->summary(); }

void StreamTranslator::keep_answer(std::size_t max_bytes) { impl_->hub().collect_answer(max_bytes); }

const AnswerCollector* StreamTranslator::answer() const { return impl_->hub().collected_answer(); }

std::unique_ptr<StreamTranslator> make_stream_translator(WireFormat backend, WireFormat client,
                                                         TranslationContext context) {
  return std::make_unique<StreamTranslator>(backend, client, std::move(context));
}

}  // namespace llmroute::wire
