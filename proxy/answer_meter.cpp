// Measurement of relayed answers, streamed or whole.
#include "proxy/answer_meter.hpp"

#include "wire/response_translation.hpp"

namespace llmroute::proxy {

namespace {

/// Non-streamed bodies above this are relayed but not parsed for usage (the usage is then estimated).
constexpr std::size_t kWholeBodyCap = 8u << 20;

records::Usage to_record_usage(const wire::Usage& u) {
  auto n = [](std::int64_t v) { return static_cast<std::uint64_t>(v < 0 ? 0 : v); };
  return records::Usage{n(u.input), n(u.output), n(u.reasoning), n(u.cache_read), n(u.cache_write)};
}

/// The usage-only chunk a Chat stream ends with when `include_usage` was asked: empty choices, a usage object.
bool is_usage_chunk(std::string_view event) {
  return event.find("usage\"") != std::string_view::npos &&
         (event.find("\"choices\":[]") != std::string_view::npos || event.find("\"choices\": []") != std::string_view::npos);
}

std::size_t end_of_last_event(std::string_view text) {
  const auto lf = text.rfind("\n\n");
  const auto crlf = text.rfind("\r\n\r\n");
  std::size_t end = 0;
  if (lf != std::string_view::npos) end = lf + 2;
  if (crlf != std::string_view::npos) end = std::max(end, crlf + 4);
  return end;
}

}  // namespace

AnswerMeter::AnswerMeter(wire::WireFormat backend, wire::WireFormat client, AnswerFraming framing, UsageChunk usage_chunk,
                         wire::TranslationContext context)
    : framing_(framing), usage_chunk_(usage_chunk), backend_(backend), translating_(backend != client) {
  if (framing_ == AnswerFraming::streamed) translator_ = wire::make_stream_translator(backend, client, std::move(context));
}

std::string_view AnswerMeter::filter_usage_chunks(std::string_view piece) {
  // Fast path: a piece of whole events without a usage chunk goes out as it is. The needle starts with
  // a rare letter: searching from '"' would stop at every quote of the JSON.
  const bool whole_events = piece.ends_with("\n\n") || piece.ends_with("\r\n\r\n");
  if (pending_.empty() && whole_events && piece.find("usage\"") == std::string_view::npos) return piece;
  pending_.append(piece);
  const std::size_t complete = end_of_last_event(pending_);
  out_.clear();
  std::size_t start = 0;
  while (start < complete) {
    std::size_t end = pending_.find("\n\n", start);
    const std::size_t crlf = pending_.find("\r\n\r\n", start);
    std::size_t next = end == std::string::npos ? complete : end + 2;
    if (crlf != std::string::npos && crlf + 4 <= next) next = crlf + 4;
    const std::string_view event(pending_.data() + start, std::min(next, complete) - start);
    if (!is_usage_chunk(event)) out_.append(event);
    start = std::min(next, complete);
  }
  pending_.erase(0, complete);
  return out_;
}

std::string_view AnswerMeter::on_piece(std::string_view piece) {
  if (framing_ == AnswerFraming::whole) {
    if (whole_.size() + piece.size() <= kWholeBodyCap) whole_.append(piece);
    return piece;
  }
  scratch_.clear();
  translator_->feed(piece, scratch_);
  if (translating_) return scratch_;  // the translator already hides chunks the client did not ask for
  return usage_chunk_ == UsageChunk::strip ? filter_usage_chunks(piece) : piece;
}

std::string_view AnswerMeter::on_end(wire::StreamEnd end, std::string_view detail) {
  if (framing_ == AnswerFraming::whole) {
    if (!parsed_) {
      parsed_ = true;
      if (auto parsed = wire::parse_completion(backend_, whole_); parsed) completion_ = std::move(*parsed);
      whole_.clear();
      if (keep_answer_bytes_ > 0) whole_answer_ = wire::collect_items(completion_.items, keep_answer_bytes_);
    }
    return {};
  }
  scratch_.clear();
  translator_->finish(scratch_, end, detail);
  if (translating_) return scratch_;
  out_ = std::move(pending_);
  pending_.clear();
  return out_;
}

void AnswerMeter::keep_answer(std::size_t max_bytes) {
  keep_answer_bytes_ = max_bytes;
  if (framing_ == AnswerFraming::streamed) translator_->keep_answer(max_bytes);
}

const wire::AnswerCollector* AnswerMeter::kept_answer() const {
  if (framing_ == AnswerFraming::streamed) return translator_->answer();
  return whole_answer_ ? &*whole_answer_ : nullptr;
}

bool AnswerMeter::first_content_seen() const {
  return framing_ == AnswerFraming::streamed ? translator_->first_content_seen() : !whole_.empty() || parsed_;
}

records::Usage AnswerMeter::usage() const {
  if (framing_ == AnswerFraming::whole) return to_record_usage(completion_.usage);
  records::Usage usage = to_record_usage(translator_->summary().usage);
  if (!translator_->summary().usage_reported)
    usage.output = static_cast<std::uint64_t>(std::max<std::int64_t>(0, translator_->summary().output_tokens()));
  return usage;
}

bool AnswerMeter::usage_reported() const {
  return framing_ == AnswerFraming::whole ? completion_.usage_reported : translator_->summary().usage_reported;
}

std::string AnswerMeter::finish_reason() const {
  const wire::FinishReason reason = framing_ == AnswerFraming::whole ? completion_.finish : translator_->summary().finish_reason;
  return reason == wire::FinishReason::none ? std::string() : std::string(wire::to_string(reason));
}

bool AnswerMeter::truncated() const {
  if (framing_ == AnswerFraming::whole) return completion_.finish == wire::FinishReason::length;
  return translator_->summary().truncated;
}

}  // namespace llmroute::proxy
